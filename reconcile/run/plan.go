package run

import (
	"context"

	"github.com/retainctl/retainctl/reconcile/apply"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Plan diffs the validated repository against the organisation: its
// policies, its legal holds and its analytics ceiling.
func Plan(ctx context.Context, org apply.LiveAPI, repo policy.Repo) (plan.Plan, error) {
	live, err := apply.ReadLive(ctx, org, repo.Holds, repo.Settings.Analytics)
	if err != nil {
		return plan.Plan{}, err
	}
	return plan.Make(repo, live)
}
