// Package posture is the organisation's retention posture for reviewers and
// auditors: what each kind of recording is kept for, what no policy covers
// (the platform keeps it for ever), the storage that holds over five years,
// the active legal holds and waivers, and the last changes with who
// approved them. Build is pure; Markdown and HTML render it (every name
// escaped: names are input).
package posture

import (
	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Directions are the matrix's columns, Types its rows: the plan's, which
// warns about the same gaps.
var (
	Directions = plan.Directions
	Types      = plan.CoverageTypes
)

// Cell is one object type × direction.
type Cell = plan.Cell

// Posture is the report.
type Posture struct {
	Matrix plan.Coverage
	Gaps   []string // "call × INBOUND", for the text
	// Org names the organisation the current storage was read from; empty
	// when the report was made offline, from the repository alone.
	Org     string
	Storage []Point // at 0, 1, 3 and 5 years
	Holds   []policy.Hold
	Waivers []policy.Waiver
	Changes []Change
}

// Point is the projected storage after Years: planned (the repository,
// and the live policies its plan leaves alone) and, when the report read
// the organisation, current (its live policies as they are), each what
// the policies keep and what the gaps add, never deleted.
type Point struct {
	Years        int
	PlannedGB    float64
	GapGB        float64
	CurrentGB    float64
	CurrentGapGB float64
}

// Live is what the report read of the organisation: its name, the plan of
// the repository against it and its policies.
type Live struct {
	Org      string
	Plan     plan.Plan
	Policies []model.Policy
}

// Change is one applied change from the audit trail.
type Change struct {
	Time      string
	Type      string
	Target    string
	Outcome   string
	Approval  string
	Approvers []string
	PR        int
}

// maxChanges is how many of the last changes the report lists.
const maxChanges = 20

// Build computes the posture of repo (its enabled policies, holds, waivers)
// and the last changes of the audit entries; with live (nil: offline), the
// current storage beside the planned. Pure.
func Build(repo policy.Repo, entries []audit.Entry, live *Live) Posture {
	p := Posture{Matrix: plan.CoverageOf(repo.Policies)}
	for _, g := range p.Matrix.Gaps() {
		p.Gaps = append(p.Gaps, g.String())
	}
	p.Storage = project(repo, live)
	if live != nil {
		p.Org = live.Org
	}
	for _, h := range repo.Holds {
		if !h.Released {
			p.Holds = append(p.Holds, h)
		}
	}
	p.Waivers = repo.Settings.Waivers
	for i := len(entries) - 1; i >= 0 && len(p.Changes) < maxChanges; i-- {
		e := entries[i].Event
		if !changeType(e.Type) {
			continue
		}
		c := Change{Time: e.Time.UTC().Format("2006-01-02 15:04"), Type: string(e.Type), Target: cmpOr(e.Policy, e.Hold), Outcome: string(e.Outcome)}
		if pv := e.Provenance; pv != nil {
			c.Approval, c.PR = pv.Approval, pv.PullRequest
			for _, r := range pv.Approvers {
				c.Approvers = append(c.Approvers, r.Login)
			}
		}
		p.Changes = append(p.Changes, c)
	}
	return p
}

func changeType(t audit.Type) bool {
	switch t {
	case audit.PolicyCreated, audit.PolicyUpdated, audit.PolicyDeleted, audit.PolicyAdopted, audit.PolicyRenamed,
		audit.HoldProtected, audit.HoldReleased, audit.CeilingSet:
		return true
	}
	return false
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// project is the storage at 0 and each of plan.Horizons, in the plan's
// storage model: offline, what the repository's policies keep; with live,
// the plan's current and planned sides (plan.Project). The gaps of each
// side add their share of every day: planned, those of the repository
// with the live policies its plan leaves alone; current, those of the live
// policies.
func project(repo policy.Repo, live *Live) []Point {
	e := repo.Settings.Estimates
	years := append([]int{0}, plan.Horizons...)
	planned := plan.CoverageOf(repo.Policies)
	var current plan.Coverage
	var kept []float64
	var both []plan.Projection
	if live == nil {
		kept = plan.ProjectPolicies(repo.Policies, e, years)
	} else {
		e = live.Plan.Settings.Estimates
		both = plan.Project(live.Plan, years)
		planned = plan.CoverageOf(append(append([]policy.Policy(nil), repo.Policies...), plan.LiveKept(plan.LeftAlone(live.Plan, live.Policies))...))
		current = plan.CoverageOf(plan.LiveKept(live.Policies))
	}
	out := make([]Point, len(years))
	for i, y := range years {
		days := 365 * y
		pt := Point{Years: y, GapGB: planned.UncoveredGB(e, days)}
		if live == nil {
			pt.PlannedGB = kept[i]
		} else {
			pt.PlannedGB, pt.CurrentGB = both[i].PlannedGB, both[i].CurrentGB
			pt.CurrentGapGB = current.UncoveredGB(e, days)
		}
		out[i] = pt
	}
	return out
}
