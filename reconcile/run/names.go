package run

import (
	"context"
	"errors"
	"fmt"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/resolve"
)

// resolveNames replaces the names the repository's filters hold by the
// organisation's ids. The denies for names that do not resolve come back
// for the plan to show; those policies keep the names and block it.
func resolveNames(ctx context.Context, dir resolve.Lookup, repo policy.Repo, live []genesys.Policy) (policy.Repo, resolve.Names, []policy.Violation, error) {
	ps, names, vs, err := resolve.Policies(ctx, dir, repo.Policies, asYAML(live))
	if err != nil {
		return repo, nil, nil, err
	}
	repo.Policies = ps
	return repo, names, vs, nil
}

// mustResolve is resolveNames for a flow that acts at once (apply without
// a plan file, enforce): a name that does not resolve stops it.
func mustResolve(ctx context.Context, dir resolve.Lookup, repo policy.Repo, live []genesys.Policy) (policy.Repo, error) {
	repo, _, vs, err := resolveNames(ctx, dir, repo, live)
	if err != nil {
		return repo, err
	}
	var errs []error
	for _, v := range vs {
		if v.Severity != policy.Deny {
			continue
		}
		errs = append(errs, fmt.Errorf("%s:%d: %s: %s", v.File, v.Line, v.Policy, v.Message))
	}
	if len(errs) > 0 {
		return repo, fmt.Errorf("names in the policies do not resolve, so nothing was done: %w", errors.Join(errs...))
	}
	return repo, nil
}

// asYAML reads live policies as the YAML they would be.
func asYAML(live []genesys.Policy) []policy.Policy {
	out := make([]policy.Policy, len(live))
	for i, l := range live {
		out[i] = mapping.FromAPI(l).Policy
	}
	return out
}
