package overlap

import (
	"slices"
	"strings"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// Pairs returns every pair of indexes i < j whose policies intersect, in
// order. Policies are bucketed by media and queue first, so that the common
// case of policies split by queue is not compared pairwise.
func Pairs(ps []policy.Policy) [][2]int {
	idx := newIndex(ps)
	var out [][2]int
	for i, p := range ps {
		js := idx.candidates(p, i)
		slices.Sort(js)
		for _, j := range js {
			if Intersects(p, ps[j]) {
				out = append(out, [2]int{i, j})
			}
		}
	}
	return out
}

const anyQueue = "*"

// index maps media → queue id (or anyQueue) → policy indexes.
type index map[string]map[string][]int

func newIndex(ps []policy.Policy) index {
	idx := index{}
	for i, p := range ps {
		byQueue := idx[p.ObjectType]
		if byQueue == nil {
			byQueue = map[string][]int{}
			idx[p.ObjectType] = byQueue
		}
		for _, q := range queues(p) {
			byQueue[q] = append(byQueue[q], i)
		}
	}
	return idx
}

// candidates returns the indexes above i that may intersect p, each once.
func (idx index) candidates(p policy.Policy, i int) []int {
	seen := map[int]bool{}
	var out []int
	add := func(js []int) {
		for _, j := range js {
			if j > i && !seen[j] {
				seen[j] = true
				out = append(out, j)
			}
		}
	}
	for media, byQueue := range idx {
		if !mediaMeet(p.ObjectType, media) {
			continue
		}
		pq := queues(p)
		if pq[0] == anyQueue {
			for _, js := range byQueue {
				add(js)
			}
			continue
		}
		add(byQueue[anyQueue])
		for _, q := range pq {
			add(byQueue[q])
		}
	}
	return out
}

// queues returns p's queue ids, or anyQueue when it has no queue filter.
func queues(p policy.Policy) []string {
	for _, f := range p.Filters {
		if f.Attribute == "queue" {
			var ids []string
			for _, v := range f.Values() {
				ids = append(ids, strings.ToUpper(v))
			}
			if len(ids) > 0 {
				return ids
			}
		}
	}
	return []string{anyQueue}
}
