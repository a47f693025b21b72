// Package validate checks a policies repository: the loader's problems, the
// embedded Rego rules (plus an organisation's own), and the checks that need
// Go (IANA timezones, overlap detection).
package validate

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// Severities of a Violation.
const (
	Deny = policy.Deny
	Warn = policy.Warn
)

// Violation is one finding, and Severity how much it matters; see policy.
type (
	Violation = policy.Violation
	Severity  = policy.Severity
)

// Sort orders violations by file, line and rule; stable, so equal keys keep
// their order (and output is deterministic).
func Sort(vs []Violation) {
	slices.SortStableFunc(vs, func(a, b Violation) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Policy, b.Policy), cmp.Compare(a.Message, b.Message))
	})
}

// HasDeny reports whether any violation fails validation.
func HasDeny(vs []Violation) bool {
	return slices.ContainsFunc(vs, func(v Violation) bool { return v.Severity == Deny })
}

// FromProblems turns the loader's problems into deny violations.
func FromProblems(ps []policy.Problem) []Violation {
	out := make([]Violation, 0, len(ps))
	for _, p := range ps {
		msg := p.Message
		if p.Column > 0 {
			msg = fmt.Sprintf("column %d: %s", p.Column, msg)
		}
		out = append(out, Violation{Rule: p.Rule, Severity: Deny, Message: msg, File: p.File, Line: p.Line, Policy: p.Policy})
	}
	return out
}
