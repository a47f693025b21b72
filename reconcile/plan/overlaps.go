package plan

import (
	"fmt"

	"github.com/retainctl/retainctl/reconcile/overlap"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// overlaps finds the policies that can match the same recordings with
// retentions more than windowDays apart: the desired ones, and the live ones
// the plan leaves in place (they keep recordings too). Genesys keeps the
// longest, so each such change learns its effective retention and why.
func overlaps(cs []Change, untouched []policy.Policy, windowDays int) []Overlap {
	var ps []policy.Policy
	var at []int // index into cs of each policy in ps; -1 for untouched live ones
	for i, c := range cs {
		if c.After != nil {
			ps = append(ps, *c.After)
			at = append(at, i)
		}
	}
	for _, u := range untouched {
		ps = append(ps, u)
		at = append(at, -1)
	}
	all := overlap.Conflicts(ps, windowDays)
	for _, c := range all { // the effective retention counts every pair
		if i := at[c.Policy]; i >= 0 && ps[c.Other].RetentionPeriod > cs[i].EffectiveRetention {
			cs[i].EffectiveRetention = ps[c.Other].RetentionPeriod
		}
	}
	kept, omitted := overlap.Bound(ps, all)
	found := overlapsOf(ps, kept)
	for i, c := range kept {
		if at[c.Policy] >= 0 {
			noteOverlap(&cs[at[c.Policy]], found[i])
		}
	}
	for p, n := range omitted {
		if at[p] >= 0 {
			cs[at[p]].Reasons = append(cs[at[p]].Reasons, fmt.Sprintf("and %d more overlapping policies, not listed", n))
		}
	}
	return found
}

// Overlaps finds, among ps, the pairs that can match the same recordings
// with retentions more than windowDays apart, the shorter first; pairs
// indexes each one into ps.
func Overlaps(ps []policy.Policy, windowDays int) (found []Overlap, pairs []overlap.Conflict) {
	pairs, _ = overlap.Bound(ps, overlap.Conflicts(ps, windowDays))
	return overlapsOf(ps, pairs), pairs
}

// overlapsOf writes conflicts as the plan's overlaps.
func overlapsOf(ps []policy.Policy, pairs []overlap.Conflict) (found []Overlap) {
	for _, c := range pairs {
		sp, lp := ps[c.Policy], ps[c.Other]
		found = append(found, Overlap{
			Policy: sp.Name, With: lp.Name, ObjectType: sp.ObjectType,
			Retention: sp.RetentionPeriod, WithRetention: lp.RetentionPeriod,
			Effective: lp.RetentionPeriod, Shadowed: overlap.Covers(lp, sp),
		})
	}
	return found
}

// noteOverlap tells the shorter policy's change where it is overruled.
func noteOverlap(c *Change, o Overlap) {
	why := fmt.Sprintf("overlaps %q (%s): Genesys keeps recordings matching both %s", o.With, days(o.WithRetention), kept(o.Effective))
	if o.Shadowed {
		why = fmt.Sprintf("shadowed by %q (%s): every recording this policy matches is kept %s, so its own retention never applies", o.With, days(o.WithRetention), kept(o.Effective))
	}
	c.Reasons = append(c.Reasons, why)
}

// kept says for how long recordings are kept: "for 90 days", "for good".
func kept(n policy.Retention) string {
	if n.ForGood() {
		return "for good"
	}
	return "for " + days(n)
}
