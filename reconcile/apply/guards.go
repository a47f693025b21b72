package apply

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/plan"
)

// GuardAPI is the part of the client the legal holds and the analytics
// ceiling need.
type GuardAPI interface {
	ProtectedConversations(ctx context.Context, ids []string) ([]string, error)
	SetDeletionProtection(ctx context.Context, protect bool, ids []string) error
	GetDataRetention(ctx context.Context) (genesys.DataRetention, error)
	PutDataRetention(ctx context.Context, days int) (genesys.DataRetention, error)
}

// holds protects (or releases) each hold's conversations, in batches the
// platform accepts, recording every batch with the hold's name and owner,
// and then reads the protection back: a hold counts as applied only when
// the organisation answers as planned.
func (r *runner) holds(ctx context.Context, hs []plan.HoldChange, protect bool) []ChangeResult {
	var out []ChangeResult
	for _, h := range hs {
		ids, action := h.Release, plan.Release
		if protect {
			ids, action = h.Protect, plan.Protect
		}
		if len(ids) == 0 {
			continue
		}
		out = append(out, r.hold(ctx, h, ids, action))
	}
	return out
}

func (r *runner) hold(ctx context.Context, h plan.HoldChange, ids []string, action plan.Action) ChangeResult {
	res := ChangeResult{Action: action, Name: h.Name, Risk: h.Risk}
	if r.audit.failed() != nil || ctx.Err() != nil {
		res.Outcome, res.Note = Skipped, "not attempted: the run stopped"
		return res
	}
	ctx = context.WithoutCancel(ctx) // a started hold runs to its answer and is recorded
	start := time.Now()
	err := r.protectBatches(ctx, h, ids, action == plan.Protect)
	if err == nil {
		err = r.checkProtection(ctx, ids, action == plan.Protect)
	}
	res.LatencyMs = float64(time.Since(start).Microseconds()) / 1000
	res.Outcome, res.Note = Applied, fmt.Sprintf("%s %d conversations", action, len(ids))
	if err != nil {
		res.Outcome, res.Error = Failed, errorInfo(err)
		ev := audit.Event{Type: audit.Error, Hold: h.Name, Owner: h.Owner, Action: string(action), Risk: string(h.Risk), Outcome: audit.Failure,
			Message: fmt.Sprintf("%s of hold %q failed", action, h.Name), Error: err.Error(), HTTPStatus: res.Error.Status, RequestID: res.Error.ContextID}
		_ = r.audit.record(ctx, ev) // a failure stops the run through the latch
	}
	r.progressed()
	return res
}

// protectBatches sends one request per batch, each recorded before it is
// sent and after it is answered: protection is idempotent, so a batch whose
// answer was lost is safe to send again on the next apply.
func (r *runner) protectBatches(ctx context.Context, h plan.HoldChange, ids []string, protect bool) error {
	typ, action := audit.HoldProtected, plan.Protect
	if !protect {
		typ, action = audit.HoldReleased, plan.Release
	}
	for batch := range slices.Chunk(ids, genesys.ProtectionBatch) {
		intent := audit.Event{Type: audit.ChangeStarted, Hold: h.Name, Owner: h.Owner, Action: string(action), Risk: string(h.Risk), Conversations: batch}
		if err := r.audit.record(ctx, intent); err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
		if err := r.api.SetDeletionProtection(ctx, protect, batch); err != nil {
			return err
		}
		done := audit.Event{Type: typ, Hold: h.Name, Owner: h.Owner, Action: string(action), Risk: string(h.Risk), Outcome: audit.Success,
			Conversations: batch, Message: h.Reason}
		if err := r.audit.record(ctx, done); err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
	}
	return nil
}

// checkProtection reads the conversations' protection back.
func (r *runner) checkProtection(ctx context.Context, ids []string, want bool) error {
	got, err := r.api.ProtectedConversations(ctx, ids)
	if err != nil {
		return fmt.Errorf("reading the protection back: %w", err)
	}
	protected := map[string]bool{}
	for _, id := range got {
		protected[id] = true
	}
	var wrong []string
	for _, id := range ids {
		if protected[id] != want {
			wrong = append(wrong, id)
		}
	}
	if len(wrong) == 0 {
		return nil
	}
	state := "protected"
	if !want {
		state = "released"
	}
	return fmt.Errorf("%d of %d conversations are not %s after the call (first: %s): apply again; if it persists, check the client's recording:deletionProtection permissions", len(wrong), len(ids), state, wrong[0])
}

// ceiling sets the analytics data retention and reads it back.
func (r *runner) ceiling(ctx context.Context, c *plan.CeilingChange) []ChangeResult {
	if c == nil || c.Action == plan.Noop {
		return nil
	}
	res := ChangeResult{Action: plan.SetCeiling, Name: "analytics data retention", Risk: c.Risk}
	if r.audit.failed() != nil || ctx.Err() != nil {
		res.Outcome, res.Note = Skipped, "not attempted: the run stopped"
		return []ChangeResult{res}
	}
	ctx = context.WithoutCancel(ctx)
	intent := audit.Event{Type: audit.ChangeStarted, Action: string(plan.SetCeiling), Risk: string(c.Risk), Before: c.Before, After: c.After}
	if err := r.audit.record(ctx, intent); err != nil {
		res.Outcome, res.Note = Skipped, "not attempted: the audit log could not record it"
		return []ChangeResult{res}
	}
	start := time.Now()
	got, err := r.api.PutDataRetention(ctx, c.After)
	if err == nil && got.RetentionDays != c.After {
		err = fmt.Errorf("the organisation answered retentionDays %d, not %d", got.RetentionDays, c.After)
	}
	res.LatencyMs = float64(time.Since(start).Microseconds()) / 1000
	ev := audit.Event{Type: audit.CeilingSet, Action: string(plan.SetCeiling), Risk: string(c.Risk), Outcome: audit.Success,
		Before: c.Before, After: c.After, LatencyMs: res.LatencyMs}
	res.Outcome, res.Note = Applied, fmt.Sprintf("%d → %d days", c.Before, c.After)
	if err != nil {
		res.Outcome, res.Error = Failed, errorInfo(err)
		ev = audit.Event{Type: audit.Error, Action: string(plan.SetCeiling), Risk: string(c.Risk), Outcome: audit.Failure,
			Message: "setting the analytics data retention failed", Error: err.Error(), HTTPStatus: res.Error.Status, RequestID: res.Error.ContextID}
	}
	_ = r.audit.record(ctx, ev)
	r.progressed()
	return []ChangeResult{res}
}
