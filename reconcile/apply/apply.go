// Package apply carries out a reviewed plan against the live organisation:
// in an order that never leaves recordings uncovered, with bounded
// concurrency, without ever creating a duplicate policy, and with an audit
// event for every step.
package apply

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/outcome"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// API is the part of the Genesys client apply uses.
type API interface {
	ListPolicies(ctx context.Context) ([]genesys.Policy, error)
	FindPoliciesByName(ctx context.Context, name string) ([]genesys.Policy, error)
	CreatePolicy(ctx context.Context, p genesys.Policy) (genesys.Policy, error)
	UpdatePolicy(ctx context.Context, id string, p genesys.Policy) (genesys.Policy, error)
	DeletePolicy(ctx context.Context, id string) error
	GuardAPI
}

// Recorder receives the audit events; it must have made each one durable
// before it returns.
type Recorder interface {
	Record(ctx context.Context, e audit.Event) error
}

// Options tune a run.
type Options struct {
	Concurrency int                   // changes in flight at once; default 4
	Recorder    Recorder              // required
	Progress    func(done, total int) // optional
}

// The result documents live in package outcome (pure, for rendering);
// these names keep them at hand here.
type (
	Outcome      = outcome.ChangeOutcome
	ChangeResult = outcome.Change
	ErrorInfo    = outcome.ErrorInfo
	Result       = outcome.Apply
)

// Change outcomes.
const (
	Applied = outcome.ChangeApplied
	Failed  = outcome.ChangeFailed
	Skipped = outcome.ChangeSkipped
)

// Run applies p. live is the listing the staleness check was made against:
// updates are built on it so that nothing set outside retainctl is dropped.
// Legal holds protect their conversations first, so that no retention
// change can reach them. Policy changes then run in phases — those that
// keep or widen coverage, then those that narrow it, then deletes — so
// coverage never has a gap. Releases and the ceiling, which let data go,
// come last. Within a phase changes run concurrently and one failure does
// not stop the others; a failure stops the later phases.
func Run(ctx context.Context, api API, p plan.Plan, live []genesys.Policy, o Options) (Result, error) {
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	r := runner{api: api, opts: o, audit: &trail{rec: o.Recorder}, live: byID(live), strategy: p.Settings.Conflicts.Strategy, total: steps(p)}
	res := Result{Fingerprint: p.Fingerprint}
	res.Changes = append(res.Changes, r.holds(ctx, p.Holds, true)...)
	for _, phase := range phases(p.Changes) {
		if res.Failed() > 0 {
			res.Changes = append(res.Changes, r.skip(ctx, phase, skippedPhase)...)
			continue
		}
		res.Changes = append(res.Changes, r.phase(ctx, phase)...)
	}
	if res.Failed() > 0 {
		res.Changes = append(res.Changes, r.skipGuards(ctx, p)...)
	} else {
		res.Changes = append(res.Changes, r.holds(ctx, p.Holds, false)...)
		res.Changes = append(res.Changes, r.ceiling(ctx, p.Ceiling)...)
	}
	if err := r.audit.failed(); err != nil {
		return res, fmt.Errorf("audit log: %w (apply stopped so that no change goes unrecorded)", err)
	}
	drift, err := verify(ctx, api, p)
	if err != nil {
		return res, fmt.Errorf("re-reading the organisation to verify: %w", err)
	}
	res.Drift = drift
	return res, nil
}

type runner struct {
	api      API
	opts     Options
	audit    *trail
	live     map[string]genesys.Policy
	strategy policy.Strategy
	total    int

	mu   sync.Mutex // guards done
	done int
}

// phase runs one phase's changes concurrently and returns their results in
// the phase's order.
func (r *runner) phase(ctx context.Context, cs []plan.Change) []ChangeResult {
	out := make([]ChangeResult, len(cs))
	g := errgroup.Group{}
	g.SetLimit(r.opts.Concurrency)
	for i, c := range cs {
		g.Go(func() error {
			out[i] = r.one(ctx, c)
			return nil
		})
	}
	_ = g.Wait() // one never returns an error: failures are results
	return out
}

// one applies a change and records it; once the audit log fails, the rest
// are skipped, because an unrecorded change is worse than a missing one.
func (r *runner) one(ctx context.Context, c plan.Change) ChangeResult {
	res := ChangeResult{Action: c.Action, Name: c.Name, ID: c.ID, Risk: c.Risk}
	if r.audit.failed() != nil || ctx.Err() != nil {
		res.Outcome, res.Note = Skipped, "not attempted: the run stopped"
		return res
	}
	// A change once started runs to its answer and is recorded even if the
	// run is interrupted, so nothing done is left unrecorded or half-known.
	ctx = context.WithoutCancel(ctx)
	intent := audit.Event{Type: audit.ChangeStarted, Policy: c.Name, PolicyID: c.ID, Action: string(c.Action), Risk: string(c.Risk), After: c.After}
	if err := r.audit.record(ctx, intent); err != nil {
		res.Outcome, res.Note = Skipped, "not attempted: the audit log could not record it"
		return res
	}
	start := time.Now()
	ev, err := r.do(ctx, c, &res)
	res.LatencyMs = float64(time.Since(start).Microseconds()) / 1000
	if err != nil {
		res.Outcome, res.Error = Failed, errorInfo(err)
		ev = audit.Event{Type: audit.Error, Message: fmt.Sprintf("%s %q failed", c.Action, c.Name), Error: err.Error()}
		ev.HTTPStatus, ev.RequestID = res.Error.Status, res.Error.ContextID
	} else {
		res.Outcome = Applied
	}
	r.record(ctx, c, res, ev)
	return res
}

func (r *runner) do(ctx context.Context, c plan.Change, res *ChangeResult) (audit.Event, error) {
	switch c.Action {
	case plan.Create:
		return r.create(ctx, c, res)
	case plan.Update, plan.Adopt:
		return r.update(ctx, c, res)
	case plan.Delete:
		return r.delete(ctx, c, res)
	}
	return audit.Event{}, fmt.Errorf("unknown action %q", c.Action)
}

func (r *runner) record(ctx context.Context, c plan.Change, res ChangeResult, ev audit.Event) {
	ev.Policy, ev.PolicyID, ev.Action, ev.Risk = c.Name, res.ID, string(c.Action), string(c.Risk)
	ev.Outcome = audit.Success
	switch res.Outcome {
	case Failed:
		ev.Outcome = audit.Failure
	case Skipped:
		ev.Outcome = audit.Skipped
	}
	ev.LatencyMs = res.LatencyMs
	if ev.Before == nil && c.Before != nil {
		ev.Before = c.Before
	}
	if ev.After == nil && c.After != nil {
		ev.After = c.After
	}
	_ = r.audit.record(ctx, ev) // a failure stops the run through the latch
	r.progressed()
}

// progressed counts one step done and reports it.
func (r *runner) progressed() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done++
	if r.opts.Progress != nil {
		r.opts.Progress(r.done, r.total)
	}
}

// skippedPhase is why a change after a failed one was not attempted.
const skippedPhase = "not attempted: a change of an earlier phase failed, and this one may leave recordings uncovered without it; fix the failure and apply again"

// steps counts what a run does: each policy change, each hold's protect
// and release, and the ceiling.
func steps(p plan.Plan) int {
	n := p.Summary.Create + p.Summary.Update + p.Summary.Delete + p.Summary.Adopt
	for _, h := range p.Holds {
		n += min(len(h.Protect), 1) + min(len(h.Release), 1)
	}
	if p.Ceiling != nil && p.Ceiling.Action != plan.Noop {
		n++
	}
	return n
}

// skipGuards records the releases and the ceiling change as not attempted
// after a failure: they let data go, so they wait for a clean run.
func (r *runner) skipGuards(ctx context.Context, p plan.Plan) []ChangeResult {
	ctx = context.WithoutCancel(ctx)
	var out []ChangeResult
	for _, h := range p.Holds {
		if len(h.Release) > 0 {
			out = append(out, ChangeResult{Action: plan.Release, Name: h.Name, Risk: h.Risk, Outcome: Skipped, Note: skippedPhase})
			_ = r.audit.record(ctx, audit.Event{Type: audit.ChangeSkipped, Hold: h.Name, Owner: h.Owner, Action: string(plan.Release), Risk: string(h.Risk), Outcome: audit.Skipped, Message: skippedPhase})
			r.progressed()
		}
	}
	if c := p.Ceiling; c != nil && c.Action != plan.Noop {
		out = append(out, ChangeResult{Action: plan.SetCeiling, Name: "analytics data retention", Risk: c.Risk, Outcome: Skipped, Note: skippedPhase})
		_ = r.audit.record(ctx, audit.Event{Type: audit.ChangeSkipped, Action: string(plan.SetCeiling), Risk: string(c.Risk), Outcome: audit.Skipped, Message: skippedPhase})
		r.progressed()
	}
	return out
}

// skip records every change of a phase as not attempted, and why.
func (r *runner) skip(ctx context.Context, cs []plan.Change, why string) []ChangeResult {
	out := make([]ChangeResult, len(cs))
	for i, c := range cs {
		out[i] = ChangeResult{Action: c.Action, Name: c.Name, ID: c.ID, Risk: c.Risk, Outcome: Skipped, Note: why}
		r.record(context.WithoutCancel(ctx), c, out[i], audit.Event{Type: audit.ChangeSkipped, Message: why})
	}
	return out
}

func errorInfo(err error) *ErrorInfo {
	var ae *genesys.APIError
	if errors.As(err, &ae) {
		return &ErrorInfo{Status: ae.Status, Code: ae.Code, Message: ae.Error(), ContextID: ae.ContextID}
	}
	return &ErrorInfo{Message: err.Error()}
}

func byID(ps []genesys.Policy) map[string]genesys.Policy {
	m := make(map[string]genesys.Policy, len(ps))
	for _, p := range ps {
		m[p.ID] = p
	}
	return m
}
