package overlap

import (
	"slices"
	"strings"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// Covers reports whether every conversation b matches is also matched by a,
// so that a's longer retention leaves b's own retention no effect. It errs
// on the side of false: durations and date ranges must be written the same.
func Covers(a, b policy.Policy) bool {
	if a.ObjectType != policy.Interaction && a.ObjectType != b.ObjectType {
		return false
	}
	for _, fa := range a.Filters {
		i := slices.IndexFunc(b.Filters, func(fb policy.Filter) bool { return fb.Attribute == fa.Attribute })
		if i < 0 || !within(b.Filters[i], fa) {
			return false
		}
	}
	return true
}

// within reports whether inner's values are all among outer's.
func within(inner, outer policy.Filter) bool {
	if slices.Contains(setAttributes[:], inner.Attribute) {
		have := outer.Values()
		for _, v := range inner.Values() {
			if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, v) }) {
				return false
			}
		}
		return true
	}
	return strings.EqualFold(inner.Operator, outer.Operator) && slices.Equal(inner.Values(), outer.Values())
}
