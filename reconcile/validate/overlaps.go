package validate

import (
	"fmt"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// unlistedOverlaps sums up, per policy, the overlapping partners beyond
// the ones the rules name (overlap.MaxListed): n policies that all overlap
// make n² pairs, which no one reads and no rule should evaluate.
func unlistedOverlaps(repo policy.Repo, omitted map[int]int) []Violation {
	sev := Warn
	if repo.Settings.Conflicts.Strategy == policy.StrategyFail {
		sev = Deny
	}
	var out []Violation
	for i, n := range omitted {
		p := repo.Policies[i]
		out = append(out, Violation{Rule: "policy.overlap", Severity: sev, File: p.Source.File, Line: p.Source.Line, Policy: p.Name,
			Message: fmt.Sprintf("overlaps %d more policies with longer retentions than those listed: narrow the filters or align the retention periods", n)})
	}
	return out
}
