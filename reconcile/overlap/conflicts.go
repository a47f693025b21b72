package overlap

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// Conflict is a pair of overlapping policies whose retention periods differ
// by more than the window: Policy (an index into the policies) has the
// shorter retention, Other the longer one, which Genesys applies.
type Conflict struct {
	Policy int `json:"policy"`
	Other  int `json:"other"`
}

// Conflicts finds every conflicting pair once. Two enabled policies overlap
// when their media intersect (same object type, or either is interaction)
// and their filters intersect: for each attribute both set, the value sets
// (or, for duration and dateRange, the intervals) intersect; an attribute
// only one sets does not separate them. Candidates come from an index on one
// of each policy's filter attributes, so realistic repositories are far from
// the n² pairs.
func Conflicts(ps []policy.Policy, windowDays int) []Conflict {
	shapes := make([]shape, len(ps))
	idx := newIndex()
	for i, p := range ps {
		shapes[i] = newShape(p)
		if shapes[i].active {
			idx.add(i, p.ObjectType, shapes[i])
		}
	}
	var out []Conflict
	seen := make([]int, len(ps)) // seen[q] == i+1: q already checked for i
	for i, p := range ps {
		if !shapes[i].active {
			continue
		}
		idx.candidates(p.ObjectType, shapes[i], func(q int) {
			if q <= i || seen[q] == i+1 {
				return
			}
			seen[q] = i + 1
			o := ps[q]
			if abs(int(p.RetentionPeriod-o.RetentionPeriod)) <= windowDays || !shapes[i].intersects(shapes[q]) {
				return
			}
			if p.RetentionPeriod < o.RetentionPeriod {
				out = append(out, Conflict{Policy: i, Other: q})
			} else {
				out = append(out, Conflict{Policy: q, Other: i})
			}
		})
	}
	slices.SortFunc(out, func(a, b Conflict) int {
		if a.Policy != b.Policy {
			return a.Policy - b.Policy
		}
		return a.Other - b.Other
	})
	return out
}

// shape is a policy's filters reduced to what intersection needs.
type shape struct {
	active    bool                         // enabled, with a known object type
	has       uint8                        // bit k: setAttributes[k] is set
	sets      [len(setAttributes)][]string // setAttributes[k] → its distinct values
	duration  *span                        // seconds
	dateRange []span                       // unix seconds; nil when not set
}

// setAttributes are the filters whose values are plain sets of names or ids.
var setAttributes = [...]policy.Attribute{policy.Direction, policy.Queue, policy.User, policy.Team, policy.WrapupCode, policy.Language, policy.CustomerParticipation}

// setIndex is attr's place in setAttributes, or -1.
func setIndex(attr policy.Attribute) int {
	for k, a := range setAttributes {
		if a == attr {
			return k
		}
	}
	return -1
}

type span struct{ lo, hi float64 }

func newShape(p policy.Policy) shape {
	s := shape{active: p.IsEnabled() && knownType(p.ObjectType) && p.RetentionPeriod > 0}
	for _, f := range p.Filters {
		switch k := setIndex(f.Attribute); {
		case f.Attribute == policy.Duration && s.duration == nil:
			s.duration = durationSpan(f)
		case f.Attribute == policy.DateRange && s.dateRange == nil:
			s.dateRange = dateSpans(f.Values())
		case k >= 0 && s.has&(1<<k) == 0:
			s.has |= 1 << k
			s.sets[k] = distinct(f.Values())
		}
	}
	return s
}

// distinct is vals without repeated values, in order; vals itself, which
// it never changes (it may be the policy's), when none repeats.
func distinct(vals []string) []string {
	if len(vals) > 16 {
		seen := make(map[string]struct{}, len(vals))
		var out []string
		for _, v := range vals {
			if _, dup := seen[v]; !dup {
				seen[v] = struct{}{}
				out = append(out, v)
			}
		}
		return out
	}
	for i, v := range vals {
		if slices.Contains(vals[:i], v) {
			out := slices.Clone(vals[:i])
			for _, v := range vals[i+1:] {
				if !slices.Contains(out, v) {
					out = append(out, v)
				}
			}
			return out
		}
	}
	return vals
}

func knownType(t policy.ObjectType) bool {
	switch t {
	case policy.Call, policy.Chat, policy.Email, policy.Message, policy.Interaction:
		return true
	}
	return false
}

func (s shape) intersects(o shape) bool {
	for k := range setAttributes {
		if s.has&o.has&(1<<k) != 0 && !shareValue(s.sets[k], o.sets[k]) {
			return false
		}
	}
	if s.duration != nil && o.duration != nil && !s.duration.meets(*o.duration) {
		return false
	}
	if s.dateRange != nil && o.dateRange != nil && !anyMeets(s.dateRange, o.dateRange) {
		return false
	}
	return true
}

func shareValue(a, b []string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a)*len(b) > 64 {
		in := make(map[string]struct{}, len(b))
		for _, v := range b {
			in[v] = struct{}{}
		}
		for _, v := range a {
			if _, ok := in[v]; ok {
				return true
			}
		}
		return false
	}
	for _, v := range a {
		if slices.Contains(b, v) {
			return true
		}
	}
	return false
}

// meets is conservative: only clearly disjoint spans do not meet.
func (a span) meets(b span) bool { return a.lo <= b.hi && b.lo <= a.hi }

func anyMeets(a, b []span) bool {
	for _, x := range a {
		for _, y := range b {
			if x.meets(y) {
				return true
			}
		}
	}
	return false
}

// durationSpan reads OVER/UNDER/BETWEEN seconds; nil (matches anything) when
// the filter is malformed, which the rules report.
func durationSpan(f policy.Filter) *span {
	num := func(v any) (float64, bool) {
		switch n := v.(type) {
		case int:
			return float64(n), true
		case float64:
			return n, true
		}
		return 0, false
	}
	switch f.Operator {
	case "OVER":
		if n, ok := num(f.Value); ok {
			return &span{n, math.Inf(1)}
		}
	case "UNDER":
		if n, ok := num(f.Value); ok {
			return &span{0, n}
		}
	case "BETWEEN":
		if l, ok := f.Value.([]any); ok && len(l) == 2 {
			lo, ok1 := num(l[0])
			hi, ok2 := num(l[1])
			if ok1 && ok2 {
				return &span{lo, hi}
			}
		}
	}
	return nil
}

// dateSpans parses "start/end" intervals; an unreadable one matches all time.
func dateSpans(vals []string) []span {
	out := make([]span, 0, len(vals))
	for _, v := range vals {
		start, end, _ := strings.Cut(v, "/")
		a, err1 := time.Parse(time.RFC3339, start)
		b, err2 := time.Parse(time.RFC3339, end)
		if err1 != nil || err2 != nil {
			return []span{{math.Inf(-1), math.Inf(1)}}
		}
		out = append(out, span{float64(a.Unix()), float64(b.Unix())})
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// index buckets active policies by object type and, within a bucket, by the
// values of each set attribute.
type index struct {
	buckets map[policy.ObjectType]*bucket
}

type bucket struct {
	all     []int
	lacking [len(setAttributes)][]int            // setAttributes[k] → policies without that filter
	byValue [len(setAttributes)]map[string][]int // setAttributes[k] → value → policies
}

func newIndex() *index { return &index{buckets: map[policy.ObjectType]*bucket{}} }

func (x *index) add(i int, objectType policy.ObjectType, s shape) {
	b := x.buckets[objectType]
	if b == nil {
		b = &bucket{}
		x.buckets[objectType] = b
	}
	b.all = append(b.all, i)
	for k := range setAttributes {
		if s.has&(1<<k) == 0 {
			b.lacking[k] = append(b.lacking[k], i)
			continue
		}
		if b.byValue[k] == nil {
			b.byValue[k] = map[string][]int{}
		}
		for _, v := range s.sets[k] {
			b.byValue[k][v] = append(b.byValue[k][v], i)
		}
	}
}

// candidates calls fn (possibly more than once) for every policy that may
// overlap one of objectType with shape s: every policy that does, and some
// that do not. It walks the cheapest of s's set attributes.
func (x *index) candidates(objectType policy.ObjectType, s shape, fn func(int)) {
	var buckets []*bucket
	for t, b := range x.buckets {
		if t == objectType || t == policy.Interaction || objectType == policy.Interaction {
			buckets = append(buckets, b)
		}
	}
	best, bestCost := -1, 0
	for _, b := range buckets {
		bestCost += len(b.all)
	}
	for k := range setAttributes {
		if s.has&(1<<k) == 0 {
			continue
		}
		cost := 0
		for _, b := range buckets {
			cost += len(b.lacking[k])
			for _, v := range s.sets[k] {
				cost += len(b.byValue[k][v])
			}
		}
		if cost < bestCost {
			best, bestCost = k, cost
		}
	}
	for _, b := range buckets {
		if best < 0 {
			each(b.all, fn)
			continue
		}
		each(b.lacking[best], fn)
		for _, v := range s.sets[best] {
			each(b.byValue[best][v], fn)
		}
	}
}

func each(is []int, fn func(int)) {
	for _, i := range is {
		fn(i)
	}
}
