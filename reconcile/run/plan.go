package run

import (
	"context"
	"fmt"

	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Plan diffs the validated repository against the organisation.
func Plan(ctx context.Context, org Lister, repo policy.Repo) (plan.Plan, error) {
	live, err := org.ListPolicies(ctx)
	if err != nil {
		return plan.Plan{}, fmt.Errorf("listing live policies: %w", err)
	}
	return plan.Build(repo.Policies, live, repo.Settings)
}
