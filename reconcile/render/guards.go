package render

import (
	"fmt"
	"strings"

	"github.com/retainctl/retainctl/reconcile/outcome"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// What every format says about legal holds, the analytics ceiling and
// waived findings.

// holdLine says what a plan does to one hold, or "" when nothing.
func holdLine(h plan.HoldChange) string {
	if len(h.Reasons) == 0 {
		return ""
	}
	state := "review by " + string(h.ReviewBy)
	if h.Released {
		state = "released"
	}
	return fmt.Sprintf("hold %q (owner %s, %s): %s", h.Name, h.Owner, state, strings.Join(h.Reasons, "; "))
}

// changedHolds are the holds whose plan says something.
func changedHolds(p plan.Plan) []plan.HoldChange {
	var out []plan.HoldChange
	for _, h := range p.Holds {
		if len(h.Reasons) > 0 {
			out = append(out, h)
		}
	}
	return out
}

// heldUnchanged counts the holds already as written.
func heldUnchanged(p plan.Plan) int {
	return len(p.Holds) - len(changedHolds(p))
}

// ceilingLine says what the plan does to the analytics data retention.
func ceilingLine(c *plan.CeilingChange) string {
	if c == nil {
		return ""
	}
	return "analytics data retention: " + strings.Join(c.Reasons, "; ")
}

// where is a finding's file, and its line when it has one.
func where(v policy.Violation) string {
	if v.Line > 0 {
		return fmt.Sprintf("%s:%d", v.File, v.Line)
	}
	return v.File
}

// findingText is a finding's message, with its waiver when it is waived.
func findingText(v policy.Violation) string {
	if v.Waiver == nil {
		return v.Message
	}
	return fmt.Sprintf("%s — waived until %s by %s: %s", v.Message, v.Waiver.Expires, v.Waiver.Owner, v.Waiver.Reason)
}

// heldNotes describes, for an enforcement report, what the holds kept.
func heldNotes(r outcome.Enforce) []string {
	var out []string
	for _, h := range r.Holds {
		out = append(out, fmt.Sprintf("hold %q kept %d recording(s) out of these jobs: not counted above, and never deleted", h.Hold, h.Recordings))
	}
	if r.HoldsNote != "" {
		out = append(out, r.HoldsNote)
	}
	return out
}
