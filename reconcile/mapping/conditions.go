package mapping

import (
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Filter attributes (design §3); validation guarantees only these reach here.
const (
	AttrDirection             = "direction"
	AttrQueue                 = "queue"
	AttrUser                  = "user"
	AttrTeam                  = "team"
	AttrWrapupCode            = "wrapupCode"
	AttrLanguage              = "language"
	AttrCustomerParticipation = "customerParticipation"
	AttrDuration              = "duration"
	AttrDateRange             = "dateRange"
)

// Duration operators. Genesys publishes no enum for durationRange, so
// retainctl writes seconds ("300", or "60-600" for a range) and reads back
// only what it wrote.
const (
	opOver    = "OVER"
	opUnder   = "UNDER"
	opBetween = "BETWEEN"
)

// conditions sets the filter-driven fields of base from filters. Fields no
// filter drives (timeAllowed, mediaTypes) are kept from base.
func conditions(filters []policy.Filter, base *genesys.Conditions) *genesys.Conditions {
	c := genesys.Conditions{}
	if base != nil {
		c = genesys.Conditions{TimeAllowed: base.TimeAllowed, MediaTypes: base.MediaTypes}
	}
	for _, f := range filters {
		vals := f.Values()
		switch f.Attribute {
		case AttrDirection:
			c.Directions = upper(vals)
		case AttrQueue:
			c.ForQueues = refs(vals)
		case AttrUser:
			c.ForUsers = refs(vals)
		case AttrTeam:
			c.Teams = refs(vals)
		case AttrWrapupCode:
			c.WrapupCodes = refs(vals)
		case AttrLanguage:
			c.Languages = refs(vals)
		case AttrCustomerParticipation:
			if len(vals) > 0 {
				c.CustomerParticipation = strings.ToUpper(vals[0])
			}
		case AttrDuration:
			c.Duration = durationCondition(f.Operator, vals)
		case AttrDateRange:
			c.DateRanges = append([]string(nil), vals...)
		}
	}
	if reflect.ValueOf(c).IsZero() {
		return nil
	}
	return &c
}

func durationCondition(op string, vals []string) *genesys.DurationCondition {
	switch strings.ToUpper(op) {
	case opBetween:
		if len(vals) != 2 {
			return nil
		}
		return &genesys.DurationCondition{DurationTarget: "DURATION_RANGE", DurationMode: "Between", DurationRange: vals[0] + "-" + vals[1]}
	case opUnder:
		return &genesys.DurationCondition{DurationTarget: "DURATION", DurationMode: "Under", DurationRange: first(vals)}
	default:
		return &genesys.DurationCondition{DurationTarget: "DURATION", DurationMode: "Over", DurationRange: first(vals)}
	}
}

// filters reads the filter-driven fields of c back as YAML filters, in the
// canonical attribute order. A list of one value is written with EQ.
func filters(c *genesys.Conditions) []policy.Filter {
	if c == nil {
		return nil
	}
	var out []policy.Filter
	add := func(attr string, vals []string) {
		if len(vals) > 0 {
			out = append(out, listFilter(attr, vals))
		}
	}
	add(AttrDirection, upper(c.Directions))
	add(AttrQueue, ids(c.ForQueues))
	add(AttrUser, ids(c.ForUsers))
	add(AttrTeam, ids(c.Teams))
	add(AttrWrapupCode, ids(c.WrapupCodes))
	add(AttrLanguage, ids(c.Languages))
	if c.CustomerParticipation != "" {
		out = append(out, policy.Filter{Attribute: AttrCustomerParticipation, Operator: "EQ", Value: strings.ToUpper(c.CustomerParticipation)})
	}
	if f, ok := durationFilter(c.Duration); ok {
		out = append(out, f)
	}
	add(AttrDateRange, c.DateRanges)
	return out
}

func durationFilter(d *genesys.DurationCondition) (policy.Filter, bool) {
	if d == nil || d.DurationRange == "" {
		return policy.Filter{}, false
	}
	f := policy.Filter{Attribute: AttrDuration}
	switch strings.ToLower(d.DurationMode) {
	case "between":
		lo, hi, ok := strings.Cut(d.DurationRange, "-")
		if !ok {
			return policy.Filter{}, false
		}
		f.Operator, f.Value = opBetween, []any{number(lo), number(hi)}
	case "under":
		f.Operator, f.Value = opUnder, number(d.DurationRange)
	default:
		f.Operator, f.Value = opOver, number(d.DurationRange)
	}
	return f, true
}

// CanonicalFilters sorts filters by attribute and normalises their values
// (sorted, de-duplicated, EQ for one value), so that two ways of writing the
// same filter compare equal and render the same.
func CanonicalFilters(in []policy.Filter) []policy.Filter {
	out := make([]policy.Filter, 0, len(in))
	for _, f := range in {
		switch f.Attribute {
		case AttrDuration:
			out = append(out, canonicalDuration(f))
		case AttrCustomerParticipation:
			out = append(out, policy.Filter{Attribute: f.Attribute, Operator: "EQ", Value: strings.ToUpper(first(f.Values()))})
		case AttrDirection:
			out = append(out, listFilter(f.Attribute, upper(f.Values())))
		default:
			out = append(out, listFilter(f.Attribute, f.Values()))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return attrRank(out[i].Attribute) < attrRank(out[j].Attribute) })
	if len(out) == 0 {
		return nil
	}
	return out
}

func canonicalDuration(f policy.Filter) policy.Filter {
	vals := f.Values()
	op := strings.ToUpper(f.Operator)
	if op == opBetween && len(vals) == 2 {
		return policy.Filter{Attribute: f.Attribute, Operator: op, Value: []any{number(vals[0]), number(vals[1])}}
	}
	return policy.Filter{Attribute: f.Attribute, Operator: op, Value: number(first(vals))}
}

func listFilter(attr string, vals []string) policy.Filter {
	vals = sortedUnique(vals)
	if len(vals) == 1 {
		return policy.Filter{Attribute: attr, Operator: "EQ", Value: vals[0]}
	}
	list := make([]any, len(vals))
	for i, v := range vals {
		list[i] = v
	}
	return policy.Filter{Attribute: attr, Operator: "IN", Value: list}
}

var attrOrder = []string{AttrDirection, AttrQueue, AttrUser, AttrTeam, AttrWrapupCode, AttrLanguage, AttrCustomerParticipation, AttrDuration, AttrDateRange}

func attrRank(attr string) int {
	for i, a := range attrOrder {
		if a == attr {
			return i
		}
	}
	return len(attrOrder)
}

func refs(vals []string) []genesys.Ref {
	vals = sortedUnique(vals)
	out := make([]genesys.Ref, len(vals))
	for i, v := range vals {
		out[i] = genesys.Ref{ID: v}
	}
	return out
}

func ids(rs []genesys.Ref) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		if r.ID != "" {
			out = append(out, r.ID)
		}
	}
	return out
}

func upper(vals []string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.ToUpper(v)
	}
	return sortedUnique(out)
}

func sortedUnique(vals []string) []string {
	out := append([]string(nil), vals...)
	sort.Strings(out)
	n := 0
	for i, v := range out {
		if i == 0 || v != out[n-1] {
			out[n] = v
			n++
		}
	}
	return out[:n]
}

func first(vals []string) string {
	if len(vals) == 0 {
		return ""
	}
	return vals[0]
}

// number returns s as an int when it is one, so that durations read back
// from the API compare equal to the integers written in YAML.
func number(s string) any {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		return n
	}
	return s
}
