// Package outcome holds what retainctl's runs did, as documents for people
// and tools: an apply's result per change, an enforcement's report per
// policy and job. It is pure data, so that rendering needs neither the
// Genesys client nor the audit journal.
package outcome

import "github.com/retainctl/retainctl/reconcile/plan"

// ChangeOutcome is how one change of an apply ended.
type ChangeOutcome string

// Change outcomes.
const (
	ChangeApplied ChangeOutcome = "applied"
	ChangeFailed  ChangeOutcome = "failed"
	ChangeSkipped ChangeOutcome = "skipped"
)

// Change is one change's outcome.
type Change struct {
	Action    plan.Action   `json:"action"`
	Name      string        `json:"name"`
	ID        string        `json:"id,omitempty"`
	Risk      plan.Risk     `json:"risk"`
	Outcome   ChangeOutcome `json:"outcome"`
	Note      string        `json:"note,omitempty"`
	Error     *ErrorInfo    `json:"error,omitempty"`
	LatencyMs float64       `json:"latencyMs"`
}

// ErrorInfo is what the API said about a failed change.
type ErrorInfo struct {
	Status    int    `json:"status,omitempty"`
	Code      string `json:"code,omitempty"`
	Message   string `json:"message"`
	ContextID string `json:"contextId,omitempty"`
}

// Apply is a whole apply's outcome (`retainctl apply --format json`).
type Apply struct {
	Fingerprint string   `json:"fingerprint"`
	Changes     []Change `json:"changes"`
	// Drift lists what the organisation still differs in after the run,
	// from a fresh listing; empty when it matches the plan.
	Drift []string `json:"drift"`
}

// Count reports how many changes ended with o.
func (r Apply) Count(o ChangeOutcome) int {
	n := 0
	for _, c := range r.Changes {
		if c.Outcome == o {
			n++
		}
	}
	return n
}

// Failed reports how many changes failed.
func (r Apply) Failed() int { return r.Count(ChangeFailed) }

// OK reports whether every change applied and the organisation now matches.
func (r Apply) OK() bool { return r.Failed() == 0 && len(r.Drift) == 0 }
