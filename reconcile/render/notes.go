package render

import (
	"strings"

	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/plan"
)

// Notes says what a reviewer must know about a change beyond its diff:
// what the live policy holds that the YAML cannot say (kept as it is), and
// the problems Genesys reports on it.
func Notes(c plan.Change) []string {
	var out []string
	for _, k := range c.Kept {
		out = append(out, "kept as it is, not in the YAML: "+carried(k))
	}
	for _, e := range c.PolicyErrors {
		out = append(out, "Genesys reports a problem with this policy: "+e)
	}
	return out
}

// RefNotes is Notes for a live policy the plan leaves alone.
func RefNotes(r plan.LiveRef) []string {
	var out []string
	for _, e := range r.PolicyErrors {
		out = append(out, "Genesys reports a problem with this policy: "+e)
	}
	if len(r.Unknown) > 0 {
		out = append(out, "holds fields retainctl has no model for ("+strings.Join(r.Unknown, ", ")+"): it is never enforced")
	}
	return out
}

func carried(c mapping.Carried) string {
	path := c.Path
	if path == "" {
		path = "policy level"
	}
	return path + " (" + c.What + ")"
}
