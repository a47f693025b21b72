package plan

import (
	"slices"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Horizons are the years over which storage is projected.
var Horizons = []int{1, 3, 5}

// daysIn is the days of years, as the projection counts them.
func daysIn(years int) int { return 365 * years }

// KeptGB is what p holds after it has run for days, in the plan's storage
// model: its daily volume × its type's multiplier × the days it keeps, which
// is every day until its retention and its retention's worth after. From
// its retention on this is the plan's steady state (Storage); a policy kept
// for good keeps every day, and a disabled or absent one keeps nothing new.
func KeptGB(p *policy.Policy, e policy.Estimates, days int) float64 {
	if p == nil || !p.IsEnabled() {
		return 0
	}
	kept := min(float64(days), float64(p.RetentionPeriod))
	return round(dailyGB(p, e) * multiplier(firstMedia(p.ObjectType), e) * kept)
}

// UncoveredGB is what the gaps of c hold after days: each gap cell takes
// an equal share of its type's daily volume (× multiplier) across the
// directions, and keeps every day of it.
func (c Coverage) UncoveredGB(e policy.Estimates, days int) float64 {
	gb := 0.0
	for _, g := range c.Gaps() {
		gb += e.DailyVolumeGB[g.ObjectType] * multiplier(g.ObjectType, e) / float64(len(Directions)) * float64(days)
	}
	return round(gb)
}

// Projection is the storage the organisation holds after Years, as it is
// (current) and once the plan is applied (planned). Gaps are not in it:
// see Coverage.UncoveredGB.
type Projection struct {
	Years     int     `json:"years"`
	CurrentGB float64 `json:"currentGB"`
	PlannedGB float64 `json:"plannedGB"`
}

// Project is p's storage after each of years: current counts each
// change's live policy, planned its desired one, and both the live
// policies the plan leaves alone (a live policy that never deletes keeps
// every day). Once every retention has run out it is p.Storage's current
// and proposed totals. Pure.
func Project(p Plan, years []int) []Projection {
	out := make([]Projection, 0, len(years))
	for _, y := range years {
		pr := Projection{Years: y}
		days := daysIn(y)
		for _, c := range p.Changes {
			pr.CurrentGB += KeptGB(c.Before, p.Settings.Estimates, days)
			pr.PlannedGB += KeptGB(c.After, p.Settings.Estimates, days)
		}
		for _, ref := range slices.Concat(p.Unmanaged, p.Orphaned) {
			lp := policy.Policy{ObjectType: firstMedia(ref.Media), RetentionPeriod: ref.Retention}
			if ref.Forever {
				lp.RetentionPeriod = policy.KeptForGood
			}
			gb := KeptGB(&lp, p.Settings.Estimates, days)
			pr.CurrentGB += gb
			pr.PlannedGB += gb
		}
		pr.CurrentGB, pr.PlannedGB = round(pr.CurrentGB), round(pr.PlannedGB)
		out = append(out, pr)
	}
	return out
}

// ProjectPolicies is what ps hold after each of years, summed: the
// projection of a repository planned against no organisation.
func ProjectPolicies(ps []policy.Policy, e policy.Estimates, years []int) []float64 {
	out := make([]float64, len(years))
	for i, y := range years {
		for j := range ps {
			out[i] += KeptGB(&ps[j], e, daysIn(y))
		}
		out[i] = round(out[i])
	}
	return out
}

// LiveKept is what live policies keep, in the YAML vocabulary: each of
// their parts that keeps recordings (mapping's Keeps), for their coverage.
func LiveKept(live []model.Policy) []policy.Policy {
	var ps []policy.Policy
	for _, l := range live {
		ps = append(ps, mapping.FromAPI(l).Keeps...)
	}
	return ps
}

// LeftAlone is the live policies p leaves in the organisation as they are
// (unmanaged, and orphaned without prune), out of live.
func LeftAlone(p Plan, live []model.Policy) []model.Policy {
	ids := map[string]bool{}
	for _, r := range slices.Concat(p.Unmanaged, p.Orphaned) {
		ids[r.ID] = true
	}
	var out []model.Policy
	for _, l := range live {
		if ids[l.ID] {
			out = append(out, l)
		}
	}
	return out
}
