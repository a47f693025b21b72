package render

import (
	"encoding/json"
	"io"

	"github.com/retainctl/retainctl/reconcile/outcome"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// planJSON writes the plan document, the contract of plan --format json.
func planJSON(w io.Writer, p plan.Plan, _ Options) error { return encode(w, p) }

func applyJSON(w io.Writer, r outcome.Apply, _ Options) error { return encode(w, r) }

// enforceJSON writes the report with "ok", and arrays even when empty, so
// that tools need not tell null from none.
func enforceJSON(w io.Writer, r outcome.Enforce, _ Options) error {
	if r.Policies == nil {
		r.Policies = []outcome.Policy{}
	}
	if r.Jobs == nil {
		r.Jobs = []outcome.Job{}
	}
	return encode(w, struct {
		OK bool `json:"ok"`
		outcome.Enforce
	}{r.OK(), r})
}

// validateJSON writes {"violations":[...]}, always with an array.
func validateJSON(w io.Writer, vs []policy.Violation, _ Options) error {
	if vs == nil {
		vs = []policy.Violation{}
	}
	return encode(w, struct {
		Violations []policy.Violation `json:"violations"`
	}{vs})
}

// encode writes v as one indented JSON document.
func encode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
