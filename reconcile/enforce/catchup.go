package enforce

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// LastOccurrence returns the start (local midnight) of p's latest scheduled
// date on or before now's date, in the policy's timezone.
func LastOccurrence(p policy.Policy, now time.Time) (time.Time, error) {
	if p.Schedule == nil {
		return time.Time{}, errors.New("no schedule")
	}
	s, err := parseSchedule(*p.Schedule)
	if err != nil {
		return time.Time{}, err
	}
	return s.last(now), nil
}

// CatchUp adds to sel the policies whose latest scheduled date went by
// without their retention being enforced since — the scheduled run was
// skipped (CI drops cron runs) or failed. lastRun holds, per policy, when a
// DELETE job of it last completed; a policy without a record is left to its
// schedule.
func CatchUp(ps []policy.Policy, now time.Time, lastRun map[string]time.Time, sel []Selected) ([]Selected, error) {
	var errs []error
	for _, p := range ps {
		last, ok := lastRun[p.Name]
		if !ok || p.Schedule == nil || !p.IsEnabled() || slices.ContainsFunc(sel, func(s Selected) bool { return s.Policy.Name == p.Name }) {
			continue
		}
		due, err := LastOccurrence(p, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s (%s:%d): %w", p.Name, p.Source.File, p.Source.Line, err))
			continue
		}
		if last.Before(due) {
			sel = append(sel, Selected{Policy: p, Missed: due})
		}
	}
	return sel, errors.Join(errs...)
}

// LastRuns reads, from the audit log, when each policy's retention was last
// enforced: the latest fulfilled DELETE job per policy.
func LastRuns(entries []audit.Entry) map[string]time.Time {
	out := map[string]time.Time{}
	for _, e := range entries {
		ev := e.Event
		if ev.Type == audit.JobFulfilled && ev.Action == genesys.JobDelete && ev.Time.After(out[ev.Policy]) {
			out[ev.Policy] = ev.Time
		}
	}
	return out
}
