package run

import (
	"context"

	"github.com/retainctl/retainctl/reconcile/apply"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/resolve"
)

// PlanOrg is what a plan reads of the organisation.
type PlanOrg interface {
	apply.LiveAPI
	resolve.Lookup
}

// Plan diffs the validated repository against the organisation: its
// policies, its legal holds and its analytics ceiling. Names in the
// policies' filters are resolved to ids first; one that does not resolve
// is a deny in the plan.
func Plan(ctx context.Context, org PlanOrg, repo policy.Repo) (plan.Plan, error) {
	live, err := apply.ReadLive(ctx, org, repo.Holds, repo.Settings.Analytics)
	if err != nil {
		return plan.Plan{}, err
	}
	repo, names, vs, err := resolveNames(ctx, org, repo, live.Policies)
	if err != nil {
		return plan.Plan{}, err
	}
	p, err := plan.Make(repo, live)
	if err != nil {
		return p, err
	}
	p.Violations = append(p.Violations, vs...)
	p.Label(names)
	return p, nil
}
