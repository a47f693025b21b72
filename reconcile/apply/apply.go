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
// Changes run in phases — those that keep or widen coverage, then those
// that narrow it, then deletes — so coverage never has a gap. Within a phase
// they run concurrently and one failure does not stop the others; a failure
// stops the later phases.
func Run(ctx context.Context, api API, p plan.Plan, live []genesys.Policy, o Options) (Result, error) {
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	r := runner{api: api, opts: o, audit: &trail{rec: o.Recorder}, live: byID(live), strategy: p.Settings.Conflicts.Strategy, total: p.Summary.Changes()}
	res := Result{Fingerprint: p.Fingerprint}
	for _, phase := range phases(p.Changes) {
		if res.Failed() > 0 {
			res.Changes = append(res.Changes, r.skip(ctx, phase, "not attempted: a change of an earlier phase failed, and this one may leave recordings uncovered without it; fix the failure and apply again")...)
			continue
		}
		res.Changes = append(res.Changes, r.phase(ctx, phase)...)
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
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done++
	if r.opts.Progress != nil {
		r.opts.Progress(r.done, r.total)
	}
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
