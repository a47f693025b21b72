package overlap

import (
	"slices"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// MaxListed is how many overlapping partners each policy's findings name:
// a repository of n policies that all overlap has n² pairs, far more than
// anyone reads or any comment holds.
const MaxListed = 3

// Bound keeps, for each shorter policy, the MaxListed conflicts with the
// longest other retention (the ones that decide what Genesys keeps), and
// counts the rest per policy. The result is in the order of cs.
func Bound(ps []policy.Policy, cs []Conflict) (kept []Conflict, omitted map[int]int) {
	by := map[int][]int{} // policy → indexes into cs
	for i, c := range cs {
		by[c.Policy] = append(by[c.Policy], i)
	}
	keep := make([]bool, len(cs))
	omitted = map[int]int{}
	for p, idx := range by {
		slices.SortStableFunc(idx, func(a, b int) int {
			return int(ps[cs[b].Other].RetentionPeriod) - int(ps[cs[a].Other].RetentionPeriod)
		})
		for n, i := range idx {
			if n < MaxListed {
				keep[i] = true
			} else {
				omitted[p]++
			}
		}
	}
	for i, c := range cs {
		if keep[i] {
			kept = append(kept, c)
		}
	}
	return kept, omitted
}
