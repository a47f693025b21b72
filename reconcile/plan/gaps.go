package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// Coverage is what a set of policies keeps, per object type and direction.
// It lives here, not in the posture report, because the plan warns about
// its gaps and the report shows them: the report imports the plan (for its
// storage model too), so the plan must not import the report.

// Directions are the coverage's columns.
var Directions = []string{"INBOUND", "OUTBOUND"}

// CoverageTypes are its rows: the object types a policy can cover (sms is
// read as message, and an interaction policy is never written).
var CoverageTypes = []policy.ObjectType{policy.Call, policy.Chat, policy.Email, policy.Message}

// RuleCoverageGap is the rule of a plan's warning about a gap.
const RuleCoverageGap = "coverage.gap"

// Cell is one object type × direction.
type Cell struct {
	Days policy.Retention // the effective (longest) retention of the policies covering all of it; 0: none
	Gap  bool             // no enabled policy covers all of it: the platform keeps it indefinitely
	By   string           // the policy giving Days
	// Partial names the first MaxPartial policies covering part of it (other
	// filters, time slots), "name (N days)"; PartialCount counts them all.
	Partial      []string
	PartialCount int
}

// MaxPartial is how many of a cell's partial policies it names: a large
// organisation has thousands, and a message or report cell listing them
// all would be unreadable and unbounded.
const MaxPartial = 5

// Coverage maps each object type and direction to its cell.
type Coverage map[policy.ObjectType]map[string]Cell

// Gap is a cell no enabled policy covers in full.
type Gap struct {
	ObjectType   policy.ObjectType
	Direction    string
	Partial      []string // as Cell's
	PartialCount int
}

// String says g as the report lists it: "call × OUTBOUND".
func (g Gap) String() string { return string(g.ObjectType) + " × " + g.Direction }

// CoverageOf computes the coverage of ps: a policy covers all of a cell when it
// is enabled, of the cell's object type, and its only filter, if any, is on
// the direction (EQ or IN) and admits the cell's; with other filters or
// weekly time slots it covers part of it. Pure.
func CoverageOf(ps []policy.Policy) Coverage {
	cov := Coverage{}
	for _, t := range CoverageTypes {
		row := map[string]Cell{}
		for _, d := range Directions {
			row[d] = cell(ps, t, d)
		}
		cov[t] = row
	}
	return cov
}

// Gaps lists the cells of c no policy covers in full, rows then columns.
func (c Coverage) Gaps() []Gap {
	var gs []Gap
	for _, t := range CoverageTypes {
		for _, d := range Directions {
			if cl := c[t][d]; cl.Gap {
				gs = append(gs, Gap{ObjectType: t, Direction: d, Partial: cl.Partial, PartialCount: cl.PartialCount})
			}
		}
	}
	return gs
}

func cell(ps []policy.Policy, t policy.ObjectType, d string) Cell {
	var c Cell
	for _, p := range ps {
		if !p.IsEnabled() || !covers(p.ObjectType, t) {
			continue
		}
		full, matches := p.TimeAllowed == nil, true
		for _, f := range p.Filters {
			if f.Attribute == "direction" && (f.Operator == "EQ" || f.Operator == "IN") {
				matches = matches && slices.ContainsFunc(f.Values(), func(v string) bool { return strings.EqualFold(v, d) })
				continue
			}
			full = false
		}
		switch {
		case !matches:
		case full && p.RetentionPeriod > c.Days:
			c.Days, c.By = p.RetentionPeriod, p.Name
		case !full:
			if c.PartialCount++; len(c.Partial) < MaxPartial {
				c.Partial = append(c.Partial, fmt.Sprintf("%s (%s)", p.Name, p.RetentionPeriod))
			}
		}
	}
	c.Gap = c.Days == 0
	return c
}

// covers: objectType is t, its alias, or a live multi-media one holding t.
func covers(objectType, t policy.ObjectType) bool {
	for _, m := range strings.Split(string(objectType), "+") {
		if policy.ObjectType(m) == t || (m == string(policy.SMS) && t == policy.Message) {
			return true
		}
	}
	return false
}

// gapWarnings warns, once per object type, about the cells no enabled
// desired policy covers: the platform keeps those recordings indefinitely.
// The finding points at the policies directory, since no one file is at
// fault.
func gapWarnings(repo policy.Repo) []policy.Violation {
	var vs []policy.Violation
	byType := map[policy.ObjectType][]Gap{}
	for _, g := range CoverageOf(repo.Policies).Gaps() {
		byType[g.ObjectType] = append(byType[g.ObjectType], g)
	}
	for _, t := range CoverageTypes {
		gs := byType[t]
		if len(gs) == 0 {
			continue
		}
		what := string(t) + " recordings"
		if len(gs) < len(Directions) {
			what = fmt.Sprintf("%s %s recordings", strings.ToLower(gs[0].Direction), t)
		}
		msg := fmt.Sprintf("%s match no enabled policy (%s): the platform keeps them indefinitely", what, gapCells(gs))
		msg += partialText(gs)
		msg += "; " + remedy(t, gs) + " gives them a retention"
		vs = append(vs, policy.Violation{Rule: RuleCoverageGap, Severity: policy.Warn, File: repo.Dir, Message: msg})
	}
	return vs
}

// partialText says which policies cover the gaps gs in part: once when
// every gap has the same ones (policies without a direction filter), else
// gap by gap; each list is cut at MaxPartial names with how many more.
func partialText(gs []Gap) string {
	same := true
	for _, g := range gs[1:] {
		same = same && g.PartialCount == gs[0].PartialCount && slices.Equal(g.Partial, gs[0].Partial)
	}
	if same {
		if gs[0].PartialCount == 0 {
			return ""
		}
		return "; covered only in part by " + PartialList(gs[0].Partial, gs[0].PartialCount)
	}
	var parts []string
	for _, g := range gs {
		if g.PartialCount > 0 {
			parts = append(parts, g.String()+" by "+PartialList(g.Partial, g.PartialCount))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "; covered only in part: " + strings.Join(parts, ", and ")
}

// PartialList says a cell's partial policies: the names it holds, and how
// many more of count there are.
func PartialList(names []string, count int) string {
	s := strings.Join(names, ", ")
	if more := count - len(names); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

func gapCells(gs []Gap) string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.String()
	}
	return strings.Join(out, ", ")
}

// remedy says which policy closes the gaps gs of t: only calls filter on
// the direction.
func remedy(t policy.ObjectType, gs []Gap) string {
	if t == policy.Call && len(gs) < len(Directions) {
		return "an enabled call policy whose only filter is direction EQ " + gs[0].Direction
	}
	return fmt.Sprintf("an enabled %s policy without filters", t)
}
