package apply

import (
	"context"
	"fmt"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// LiveAPI is what reading the organisation for a plan needs.
type LiveAPI interface {
	ListPolicies(ctx context.Context) ([]genesys.Policy, error)
	ProtectedConversations(ctx context.Context, ids []string) ([]string, error)
	GetDataRetention(ctx context.Context) (genesys.DataRetention, error)
}

// ReadLive reads what a plan of these holds and this ceiling is made
// against. Protection is asked only for the conversations the holds name
// (the platform lists no other way), and the ceiling only when the settings
// manage it, so an organisation without either needs no extra permission.
func ReadLive(ctx context.Context, api LiveAPI, holds []policy.Hold, a policy.Analytics) (plan.Live, error) {
	var live plan.Live
	var err error
	if live.Policies, err = api.ListPolicies(ctx); err != nil {
		return live, fmt.Errorf("listing live policies: %w", err)
	}
	if ids := plan.HeldConversations(holds); len(ids) > 0 {
		got, err := api.ProtectedConversations(ctx, ids)
		if err != nil {
			return live, fmt.Errorf("reading the deletion protection of the holds' conversations: %w", err)
		}
		live.Protected = make(map[string]bool, len(got))
		for _, id := range got {
			live.Protected[id] = true
		}
	}
	if a.RetentionDays != 0 {
		d, err := api.GetDataRetention(ctx)
		if err != nil {
			return live, fmt.Errorf("reading the analytics data retention: %w", err)
		}
		live.Ceiling = d.RetentionDays
	}
	return live, nil
}
