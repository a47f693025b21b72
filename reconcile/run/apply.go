package run

import (
	"context"
	"errors"
	"fmt"

	"github.com/retainctl/retainctl/reconcile/apply"
	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Approver has the last word on the plan about to be applied: on a merged
// pull request, it must be the plan approved there.
type Approver interface {
	Approve(ctx context.Context, p plan.Plan) error
}

// ApplyRequest is one apply.
type ApplyRequest struct {
	Repo policy.Repo // the validated repository: planned afresh when File is nil
	File *plan.Plan  // the reviewed plan file, when one was given
	// Approver, when set, must accept the plan; without one the plan file,
	// or the operator's --auto-approve, is the approval.
	Approver Approver
	Audit    Recorder
	// Findings are the validation findings the apply runs under: the
	// waived ones are recorded, with their owners, before any change.
	Findings    []policy.Violation
	Concurrency int
	Progress    func(done, total int)
}

// Applied is what an apply did: the plan it carried out and the result.
type Applied struct {
	Plan   plan.Plan
	Result apply.Result
	// AlreadyApplied says the organisation already is what the plan makes
	// it: nothing was done, and nothing needed doing.
	AlreadyApplied bool
}

// Refused is an apply refused before any change: a stale plan, or one the
// approver rejected. It reads as its reason.
type Refused struct{ Err error }

func (r *Refused) Error() string { return r.Err.Error() }
func (r *Refused) Unwrap() error { return r.Err }

// Apply settles which plan is approved, checks that the organisation still
// produces it, and applies it, recording each step. A refusal is recorded
// too: someone tried.
func Apply(ctx context.Context, org Org, req ApplyRequest) (Applied, error) {
	holds, analytics := req.Repo.Holds, req.Repo.Settings.Analytics
	if req.File != nil {
		holds, analytics = req.File.DesiredHolds(), req.File.Settings.Analytics
	}
	live, err := apply.ReadLive(ctx, org, holds, analytics)
	if err != nil {
		return Applied{}, err
	}
	if req.File == nil {
		if req.Repo, err = mustResolve(ctx, org, req.Repo, live.Policies); err != nil {
			return Applied{}, &Refused{err}
		}
	}
	reviewed, err := approved(ctx, req, live)
	if errors.Is(err, plan.ErrAlreadyApplied) {
		done := audit.Event{Type: audit.ApplyFinished, PlanFingerprint: reviewed.Fingerprint, Outcome: audit.Skipped, Message: err.Error()}
		return Applied{Plan: reviewed, AlreadyApplied: true}, req.Audit.Record(ctx, done)
	}
	if err != nil {
		refused := audit.Event{Type: audit.Error, Outcome: audit.Failure, Message: "apply refused", Error: err.Error()}
		if rerr := req.Audit.Record(context.WithoutCancel(ctx), refused); rerr != nil {
			err = errors.Join(err, fmt.Errorf("audit: %w", rerr))
		}
		return Applied{Plan: reviewed}, &Refused{err}
	}
	prov, err := provenance(ctx, req, reviewed)
	if err != nil {
		refused := audit.Event{Type: audit.Error, Outcome: audit.Failure, Message: "apply refused: who approved the plan cannot be recorded", Error: err.Error()}
		if rerr := req.Audit.Record(context.WithoutCancel(ctx), refused); rerr != nil {
			err = errors.Join(err, fmt.Errorf("audit: %w", rerr))
		}
		return Applied{Plan: reviewed}, &Refused{err}
	}
	req.Audit = provenanced{req.Audit, prov}
	start := audit.Event{Type: audit.ApplyStarted, PlanFingerprint: reviewed.Fingerprint,
		Message: fmt.Sprintf("applying %d changes", reviewed.Summary.Changes())}
	if err := req.Audit.Record(ctx, start); err != nil {
		return Applied{Plan: reviewed}, err
	}
	if err := recordWaived(ctx, req.Audit, req.Findings, reviewed.Fingerprint); err != nil {
		return Applied{Plan: reviewed}, err
	}
	res, err := apply.Run(ctx, org, reviewed, live.Policies, apply.Options{
		Concurrency: req.Concurrency, Recorder: req.Audit, Progress: req.Progress,
	})
	finish := audit.Event{Type: audit.ApplyFinished, PlanFingerprint: reviewed.Fingerprint, Outcome: audit.Success,
		Message: fmt.Sprintf("%d changes, %d failed, %d drift", len(res.Changes), res.Failed(), len(res.Drift))}
	if err != nil || !res.OK() {
		finish.Outcome = audit.Failure
	}
	if rerr := req.Audit.Record(context.WithoutCancel(ctx), finish); err == nil {
		err = rerr
	}
	return Applied{Plan: reviewed, Result: res}, err
}

// approved returns the plan this run may apply: the plan file, if the
// organisation still produces it, or a fresh plan of the repository; the
// approver, if any, must accept it.
func approved(ctx context.Context, req ApplyRequest, live plan.Live) (plan.Plan, error) {
	var p plan.Plan
	if req.File != nil {
		p = *req.File
		if err := plan.CheckStale(p, live); err != nil {
			return p, err
		}
		if err := plan.StillClaimed(p, req.Repo.Holds); err != nil {
			return p, err
		}
	} else {
		var err error
		if p, err = plan.Make(req.Repo, live); err != nil {
			return p, err
		}
		if err := plan.Blocked(p); err != nil {
			return p, err
		}
	}
	if req.Approver != nil {
		if err := req.Approver.Approve(ctx, p); err != nil {
			return p, err
		}
	}
	return p, nil
}

// recordWaived records each waived finding: an exception is part of what
// was approved, and its owner answers for it.
func recordWaived(ctx context.Context, rec Recorder, vs []policy.Violation, fingerprint string) error {
	for _, v := range vs {
		if v.Severity != policy.Waived || v.Waiver == nil {
			continue
		}
		e := audit.Event{Type: audit.FindingWaived, Policy: v.Policy, Owner: v.Waiver.Owner, PlanFingerprint: fingerprint, Outcome: audit.Success,
			Message: fmt.Sprintf("%s waived until %s: %s (finding: %s)", v.Rule, v.Waiver.Expires, v.Waiver.Reason, v.Message)}
		if err := rec.Record(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// Provenancer is an approver that can say where the approved plan comes
// from: the pull request, its merge commit, the approving reviewers.
type Provenancer interface {
	Provenance(ctx context.Context) (audit.Provenance, error)
}

// provenance is who approved the plan this apply carries out: the
// approver's account of it, or the plan file, or nobody (--auto-approve).
func provenance(ctx context.Context, req ApplyRequest, p plan.Plan) (audit.Provenance, error) {
	if pv, ok := req.Approver.(Provenancer); ok {
		return pv.Provenance(ctx)
	}
	if req.File != nil {
		return audit.Provenance{Approval: audit.ApprovedPlanFile, PlanFingerprint: p.Fingerprint}, nil
	}
	return audit.Provenance{Approval: audit.ApprovedAutomatically, PlanFingerprint: p.Fingerprint}, nil
}

// provenanced stamps every event of an apply with its provenance.
type provenanced struct {
	Recorder
	prov audit.Provenance
}

func (r provenanced) Record(ctx context.Context, e audit.Event) error {
	if e.Provenance == nil {
		prov := r.prov
		e.Provenance = &prov
	}
	return r.Recorder.Record(ctx, e)
}
