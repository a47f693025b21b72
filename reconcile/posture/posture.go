// Package posture is the organisation's retention posture for reviewers and
// auditors: what each kind of recording is kept for, what no policy covers
// (the platform keeps it for ever), the storage that holds over five years,
// the active legal holds and waivers, and the last changes with who
// approved them. Build is pure; Markdown and HTML render it (every name
// escaped: names are input).
package posture

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Directions are the matrix's columns.
var Directions = []string{"INBOUND", "OUTBOUND"}

// Types are the matrix's rows: the object types a policy can cover.
var Types = []policy.ObjectType{policy.Call, policy.Chat, policy.Email, policy.Message, policy.SMS}

// Cell is one object type × direction.
type Cell struct {
	Days    policy.Retention // the effective (longest) retention of the policies covering all of it; 0: none
	Gap     bool             // no enabled policy covers all of it: kept indefinitely
	By      string           // the policy giving Days
	Partial []string         // policies covering part of it (other filters), "name (N days)"
}

// Posture is the report.
type Posture struct {
	Matrix  map[policy.ObjectType]map[string]Cell
	Gaps    []string // "call × INBOUND", for the text
	Storage []Point  // at 0, 1, 3 and 5 years
	Holds   []policy.Hold
	Waivers []policy.Waiver
	Changes []Change
}

// Point is the projected storage after Years, with and without the gaps.
type Point struct {
	Years     int
	PlannedGB float64 // what the policies keep
	GapGB     float64 // what the gaps add: never deleted
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
// and the last changes of the audit entries.
func Build(repo policy.Repo, entries []audit.Entry) Posture {
	p := Posture{Matrix: map[policy.ObjectType]map[string]Cell{}}
	for _, t := range Types {
		row := map[string]Cell{}
		for _, d := range Directions {
			c := cell(repo.Policies, t, d)
			row[d] = c
			if c.Gap {
				p.Gaps = append(p.Gaps, string(t)+" × "+d)
			}
		}
		p.Matrix[t] = row
	}
	for _, years := range []int{0, 1, 3, 5} {
		p.Storage = append(p.Storage, p.project(years, repo.Settings.Estimates))
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

// cell: the enabled policies of type t whose only filter, if any, is
// direction = d cover all of the cell; those with other filters cover part.
func cell(ps []policy.Policy, t policy.ObjectType, d string) Cell {
	var c Cell
	for _, p := range ps {
		if !p.IsEnabled() || !slices.Contains(strings.Split(string(p.ObjectType), "+"), string(t)) {
			continue
		}
		full, matches := true, true
		for _, f := range p.Filters {
			if f.Attribute == "direction" && f.Operator == "EQ" {
				matches = matches && strings.EqualFold(fmt.Sprint(f.Value), d)
				continue
			}
			full = false
		}
		switch {
		case !matches:
		case full && p.RetentionPeriod > c.Days:
			c.Days, c.By = p.RetentionPeriod, p.Name
		case !full:
			c.Partial = append(c.Partial, fmt.Sprintf("%s (%s)", p.Name, p.RetentionPeriod))
		}
	}
	c.Gap = c.Days == 0
	return c
}

// project: each cell holds half its type's daily volume × multiplier for
// as many of the days as its retention keeps; a gap keeps every day.
func (p Posture) project(years int, e policy.Estimates) Point {
	pt := Point{Years: years}
	days := float64(365 * years)
	for _, t := range Types {
		daily := e.DailyVolumeGB[t] * cmpOrF(e.Multipliers[t], 1) / float64(len(Directions))
		for _, d := range Directions {
			c := p.Matrix[t][d]
			if c.Gap || c.Days.ForGood() {
				pt.GapGB += daily * days
				continue
			}
			pt.PlannedGB += daily * math.Min(days, float64(c.Days))
		}
	}
	pt.PlannedGB, pt.GapGB = math.Round(pt.PlannedGB*10)/10, math.Round(pt.GapGB*10)/10
	return pt
}

func cmpOrF(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}
