// Package overlap decides which retention policies cover the same
// recordings. Genesys keeps a recording for the longest retention of every
// policy that matches it, so an overlap is where a policy's own retention
// may not be the one that applies.
package overlap

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// Intersects reports whether some conversation could match both a and b:
// their media meet, and every filter attribute both set has values in common.
// An attribute only one of them sets does not separate them.
func Intersects(a, b policy.Policy) bool {
	if !mediaMeet(a.ObjectType, b.ObjectType) {
		return false
	}
	bf := byAttribute(b.Filters)
	for _, fa := range a.Filters {
		if fb, ok := bf[fa.Attribute]; ok && !filtersMeet(fa, fb) {
			return false
		}
	}
	return true
}

// Covers reports whether every conversation b matches is also matched by a.
// It errs on the side of false: durations and date ranges must be equal.
func Covers(a, b policy.Policy) bool {
	if a.ObjectType != policy.Interaction && a.ObjectType != b.ObjectType {
		return false
	}
	bf := byAttribute(b.Filters)
	for _, fa := range a.Filters {
		fb, ok := bf[fa.Attribute]
		if !ok || !subset(fb, fa) {
			return false
		}
	}
	return true
}

func mediaMeet(a, b string) bool {
	return a == b || a == policy.Interaction || b == policy.Interaction
}

func byAttribute(fs []policy.Filter) map[string]policy.Filter {
	m := make(map[string]policy.Filter, len(fs))
	for _, f := range fs {
		m[f.Attribute] = f
	}
	return m
}

func filtersMeet(a, b policy.Filter) bool {
	switch a.Attribute {
	case "duration":
		alo, ahi := durationSpan(a)
		blo, bhi := durationSpan(b)
		return alo < bhi && blo < ahi
	case "dateRange":
		return intervalsMeet(a.Values(), b.Values())
	default:
		return shareValue(a.Values(), b.Values())
	}
}

// subset reports whether inner's values are all among outer's.
func subset(inner, outer policy.Filter) bool {
	switch inner.Attribute {
	case "duration", "dateRange":
		return strings.EqualFold(inner.Operator, outer.Operator) && equalSets(inner.Values(), outer.Values())
	}
	have := set(outer.Values())
	for _, v := range inner.Values() {
		if !have[strings.ToUpper(v)] {
			return false
		}
	}
	return true
}

func shareValue(a, b []string) bool {
	have := set(a)
	for _, v := range b {
		if have[strings.ToUpper(v)] {
			return true
		}
	}
	return false
}

func equalSets(a, b []string) bool {
	return len(set(a)) == len(set(b)) && len(a) > 0 && shareAll(a, b)
}

func shareAll(a, b []string) bool {
	have := set(b)
	for _, v := range a {
		if !have[strings.ToUpper(v)] {
			return false
		}
	}
	return true
}

func set(vals []string) map[string]bool {
	m := make(map[string]bool, len(vals))
	for _, v := range vals {
		m[strings.ToUpper(v)] = true
	}
	return m
}

// durationSpan returns the half-open range of seconds a duration filter
// matches. Anything unreadable matches everything, so it never hides an overlap.
func durationSpan(f policy.Filter) (lo, hi float64) {
	vals := f.Values()
	num := func(i int) (float64, bool) {
		if i >= len(vals) {
			return 0, false
		}
		n, err := strconv.ParseFloat(vals[i], 64)
		return n, err == nil
	}
	switch strings.ToUpper(f.Operator) {
	case "OVER":
		if n, ok := num(0); ok {
			return n, math.Inf(1)
		}
	case "UNDER":
		if n, ok := num(0); ok {
			return 0, n
		}
	case "BETWEEN":
		a, okA := num(0)
		b, okB := num(1)
		if okA && okB {
			return a, b
		}
	}
	return 0, math.Inf(1)
}

// intervalsMeet reports whether any ISO-8601 interval of a meets one of b.
// An interval that does not parse is taken to meet everything.
func intervalsMeet(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			xs, xe, okX := interval(x)
			ys, ye, okY := interval(y)
			if !okX || !okY || (xs.Before(ye) && ys.Before(xe)) {
				return true
			}
		}
	}
	return false
}

func interval(s string) (start, end time.Time, ok bool) {
	a, b, found := strings.Cut(s, "/")
	if !found {
		return start, end, false
	}
	start, err1 := time.Parse(time.RFC3339, a)
	end, err2 := time.Parse(time.RFC3339, b)
	return start, end, err1 == nil && err2 == nil
}
