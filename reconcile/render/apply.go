package render

import (
	"fmt"
	"strings"

	"github.com/retainctl/retainctl/reconcile/outcome"
)

// applyHeadline says what an apply run did in one line, in text and
// markdown alike.
func applyHeadline(r outcome.Apply) string {
	msg := fmt.Sprintf("%d of %d changes applied, %d failed, %d skipped",
		r.Count(outcome.ChangeApplied), len(r.Changes), r.Failed(), r.Count(outcome.ChangeSkipped))
	switch {
	case len(r.Drift) > 0:
		return msg + fmt.Sprintf("; the organisation still differs in %d policies", len(r.Drift))
	case r.Failed() == 0:
		return msg + "; the organisation matches the plan"
	}
	return msg + "; run apply again after fixing the failures: it converges without duplicates"
}

// applyDetail is a change's note and error, after a dash.
func applyDetail(c outcome.Change) string {
	var parts []string
	if c.Note != "" {
		parts = append(parts, c.Note)
	}
	if c.Error != nil {
		parts = append(parts, c.Error.Message)
	}
	if len(parts) == 0 {
		return ""
	}
	return " — " + strings.Join(parts, "; ")
}
