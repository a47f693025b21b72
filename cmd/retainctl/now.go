package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/validate"
)

// addNowFlag adds --now, the time at which holds' review dates and
// waivers' expiries are judged, so that a reviewer can see what a plan
// will say on a given day and a test can pin it.
func addNowFlag(f *pflag.FlagSet, now *string) {
	f.StringVar(now, "now", "", "judge holds' reviewBy and waivers' expiry as of this RFC 3339 time; default: the clock")
}

// parseNow reads --now: the zero time when it is not set.
func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usageErr(fmt.Errorf("--now %q is not an RFC 3339 time such as 2026-11-30T12:00:00Z", s))
	}
	return t, nil
}

// loadValidNow is loadValid with --now read from its flag.
func loadValidNow(ctx context.Context, dir, rules, nowFlag string) (policy.Repo, []validate.Violation, error) {
	now, err := parseNow(nowFlag)
	if err != nil {
		return policy.Repo{}, nil, err
	}
	return loadValid(ctx, dir, rules, now)
}
