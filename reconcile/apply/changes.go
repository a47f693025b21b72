package apply

import (
	"context"
	"fmt"
	"strings"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// create makes a new policy. The client never re-sends a POST whose outcome
// is unknown without looking the name up first; a 409 means the name
// appeared since the plan was made, and the conflict strategy decides.
func (r *runner) create(ctx context.Context, c plan.Change, res *ChangeResult) (audit.Event, error) {
	got, err := r.api.CreatePolicy(ctx, mapping.ToAPI(*c.After, nil))
	if genesys.IsConflict(err) {
		return r.resolveConflict(ctx, c, res, err)
	}
	if err != nil {
		return audit.Event{}, err
	}
	res.ID = got.ID
	return audit.Event{Type: audit.PolicyCreated, After: got}, nil
}

// resolveConflict handles a 409 on create: re-read the policy that took the
// name. One retainctl manages (another run made it) is taken over —
// merge-max keeps the longer retention, warn overwrites it — unless the
// strategy is fail. One it does not manage is never touched: the change
// fails, and a new plan adopts it in the open.
func (r *runner) resolveConflict(ctx context.Context, c plan.Change, res *ChangeResult, conflict error) (audit.Event, error) {
	found, err := r.api.FindPoliciesByName(ctx, c.Name)
	if err != nil {
		return audit.Event{}, fmt.Errorf("%w; re-reading %q: %v", conflict, c.Name, err)
	}
	if len(found) != 1 {
		return audit.Event{}, fmt.Errorf("%w; %d live policies are now named %q: resolve in Genesys Cloud, then plan again", conflict, len(found), c.Name)
	}
	live := found[0]
	if !mapping.IsManaged(live) {
		return audit.Event{}, fmt.Errorf("a policy named %q (id %s) appeared in Genesys Cloud after the plan was made, and retainctl does not manage it: it was left alone; plan again to adopt it explicitly", c.Name, live.ID)
	}
	if r.strategy == policy.StrategyFail {
		return audit.Event{}, fmt.Errorf("a policy named %q (id %s) appeared in Genesys Cloud after the plan was made, and conflicts.strategy is fail: review it, then plan again", c.Name, live.ID)
	}
	desired := *c.After
	lv := mapping.Read(live, desired.ObjectType)
	if len(lv.Unknown) > 0 {
		return audit.Event{}, fmt.Errorf("a policy named %q (id %s) appeared in Genesys Cloud after the plan was made, with fields retainctl has no model for (%s): it was left alone; plan again to review it", c.Name, live.ID, strings.Join(lv.Unknown, ", "))
	}
	note := "a policy of the same name appeared after the plan was made; it was taken over"
	if r.strategy != policy.StrategyWarn {
		if lv.Forever {
			return audit.Event{}, fmt.Errorf("a policy named %q (id %s) appeared in Genesys Cloud after the plan was made, and it keeps recordings for good: merge-max never shortens a retention, so it was left alone; plan again to review it", c.Name, live.ID)
		}
		if lr := lv.Policy.RetentionPeriod; lr > desired.RetentionPeriod {
			desired.RetentionPeriod = lr
			note += fmt.Sprintf(" keeping its longer retention of %d days (merge-max)", lr)
		}
	}
	got, err := r.api.UpdatePolicy(ctx, live.ID, mapping.ToAPI(desired, &live))
	if err != nil {
		return audit.Event{}, err
	}
	res.ID, res.Note = got.ID, note
	return audit.Event{Type: audit.ConflictResolved, Before: live, After: got, Message: note}, nil
}

// update replaces the live policy, built on the live one so that what
// retainctl does not manage is kept.
func (r *runner) update(ctx context.Context, c plan.Change, res *ChangeResult) (audit.Event, error) {
	base, ok := r.live[c.ID]
	if !ok {
		return audit.Event{}, fmt.Errorf("policy %s is no longer in the organisation: plan again", c.ID)
	}
	got, err := r.api.UpdatePolicy(ctx, c.ID, mapping.ToAPI(*c.After, &base))
	if err != nil {
		return audit.Event{}, err
	}
	return audit.Event{Type: updateType(c), Before: base, After: got}, nil
}

func updateType(c plan.Change) audit.Type {
	switch {
	case c.Action == plan.Adopt:
		return audit.PolicyAdopted
	case c.RenamedFrom != "":
		return audit.PolicyRenamed
	}
	return audit.PolicyUpdated
}

// delete removes a managed policy; one already gone counts as deleted, so
// that a rerun after a partial failure converges.
func (r *runner) delete(ctx context.Context, c plan.Change, res *ChangeResult) (audit.Event, error) {
	err := r.api.DeletePolicy(ctx, c.ID)
	if genesys.IsNotFound(err) {
		res.Note = "already deleted"
		return audit.Event{Type: audit.PolicyDeleted, Message: res.Note}, nil
	}
	if err != nil {
		return audit.Event{}, err
	}
	return audit.Event{Type: audit.PolicyDeleted}, nil
}

// phases orders the changes: first those that keep or widen
// coverage (creates, and safe updates and adoptions), then those that narrow
// it (shorter retention, disabling, narrower filters: anything not safe),
// then deletes.
func phases(cs []plan.Change) [][]plan.Change {
	var grow, shrink, del []plan.Change
	for _, c := range cs {
		switch {
		case c.Action == plan.Noop:
		case c.Action == plan.Delete:
			del = append(del, c)
		case c.Risk != plan.Safe:
			shrink = append(shrink, c)
		default:
			grow = append(grow, c)
		}
	}
	return [][]plan.Change{grow, shrink, del}
}

// verify re-lists the organisation and re-plans the same desired state:
// anything but noops is drift the run did not fix.
func verify(ctx context.Context, api API, p plan.Plan) ([]string, error) {
	live, err := ReadLive(ctx, api, p.DesiredHolds(), p.Settings.Analytics)
	if err != nil {
		return nil, err
	}
	again, err := plan.Replan(p, live)
	if err != nil {
		return nil, err
	}
	drift := []string{}
	for _, c := range again.Changes {
		if c.Action != plan.Noop {
			drift = append(drift, fmt.Sprintf("%s still needs %s: %s", c.Name, c.Action, strings.Join(c.Reasons, "; ")))
		}
	}
	for _, h := range again.Holds {
		if h.Changed() {
			drift = append(drift, fmt.Sprintf("hold %s still needs: %s", h.Name, strings.Join(h.Reasons, "; ")))
		}
	}
	if c := again.Ceiling; c != nil && c.Action != plan.Noop {
		drift = append(drift, "analytics data retention still needs: "+strings.Join(c.Reasons, "; "))
	}
	return drift, nil
}
