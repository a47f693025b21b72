package mapping

import (
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Duration operators, Genesys' durationMode. Genesys documents no format
// for durationRange: a string value is sent verbatim; whole seconds are
// written as "300", and a [min, max] range as "60-600" (retainctl's form).
const (
	opOver    = "OVER"
	opUnder   = "UNDER"
	opBetween = "BETWEEN"
)

// conditions builds a part's conditions from p's filters and time slots,
// keeping from base what the YAML cannot state (keptConditions).
func conditions(p policy.Policy, base *model.Conditions) *model.Conditions {
	c := keptConditions(base)
	if ta := apiTimeAllowed(p.TimeAllowed); ta != nil {
		c.TimeAllowed = ta
	}
	for _, f := range p.Filters {
		vals := f.Values()
		switch f.Attribute {
		case policy.Direction:
			c.Directions = upper(vals)
		case policy.Queue:
			c.ForQueues = append(refs(vals), c.ForQueues...)
		case policy.User:
			c.ForUsers = append(refs(vals), c.ForUsers...)
		case policy.Team:
			c.Teams = append(refs(vals), c.Teams...)
		case policy.WrapupCode:
			c.WrapupCodes = append(refs(vals), c.WrapupCodes...)
		case policy.Language:
			c.Languages = append(refs(vals), c.Languages...)
		case policy.CustomerParticipation:
			if len(vals) > 0 {
				c.CustomerParticipation = strings.ToUpper(vals[0])
			}
		case policy.Duration:
			c.Duration = durationCondition(f)
		case policy.DateRange:
			c.DateRanges = append([]string(nil), vals...)
		}
	}
	if reflect.ValueOf(c).IsZero() {
		return nil
	}
	return &c
}

func durationCondition(f policy.Filter) *model.DurationCondition {
	vals := f.Values()
	d := &model.DurationCondition{DurationTarget: "DURATION", DurationOperator: f.DurationOperator, DurationRange: first(vals)}
	switch strings.ToUpper(f.Operator) {
	case opBetween:
		d.DurationTarget, d.DurationMode = "DURATION_RANGE", "Between"
		if len(vals) == 2 {
			d.DurationRange = vals[0] + "-" + vals[1]
		}
	case opUnder:
		d.DurationMode = "Under"
	default:
		d.DurationMode = "Over"
	}
	return d
}

// filters reads the filter-driven fields of c back as YAML filters, in the
// canonical attribute order. A list of one value is written with EQ.
func filters(c *model.Conditions) []policy.Filter {
	if c == nil {
		return nil
	}
	var out []policy.Filter
	add := func(attr policy.Attribute, vals []string) {
		if len(vals) > 0 {
			out = append(out, listFilter(attr, vals))
		}
	}
	add(policy.Direction, upper(c.Directions))
	add(policy.Queue, ids(c.ForQueues))
	add(policy.User, ids(c.ForUsers))
	add(policy.Team, ids(c.Teams))
	add(policy.WrapupCode, ids(c.WrapupCodes))
	add(policy.Language, ids(c.Languages))
	if c.CustomerParticipation != "" {
		out = append(out, policy.Filter{Attribute: policy.CustomerParticipation, Operator: "EQ", Value: strings.ToUpper(c.CustomerParticipation)})
	}
	if f, ok := durationFilter(c.Duration); ok {
		out = append(out, f)
	}
	add(policy.DateRange, c.DateRanges)
	return out
}

// durationFilter reads a duration condition back as a YAML filter; ok is
// false for one no filter writes (an unknown mode or target), which
// updates then keep as they are.
func durationFilter(d *model.DurationCondition) (policy.Filter, bool) {
	if d == nil || d.DurationRange == "" {
		return policy.Filter{}, false
	}
	f := policy.Filter{Attribute: policy.Duration, DurationOperator: d.DurationOperator}
	target := "DURATION"
	switch d.DurationMode {
	case "Between":
		target, f.Operator, f.Value = "DURATION_RANGE", opBetween, d.DurationRange
		if lo, hi, ok := strings.Cut(d.DurationRange, "-"); ok && isInt(lo) && isInt(hi) {
			f.Value = []any{number(lo), number(hi)}
		}
	case "Under":
		f.Operator, f.Value = opUnder, number(d.DurationRange)
	case "Over":
		f.Operator, f.Value = opOver, number(d.DurationRange)
	default:
		return policy.Filter{}, false
	}
	if d.DurationTarget != target {
		return policy.Filter{}, false
	}
	return f, true
}

func isInt(s string) bool {
	_, ok := number(s).(int)
	return ok
}

// CanonicalFilters sorts filters by attribute and normalises their values
// (sorted, de-duplicated, EQ for one value), so that two ways of writing the
// same filter compare equal and render the same.
func CanonicalFilters(in []policy.Filter) []policy.Filter {
	out := make([]policy.Filter, 0, len(in))
	for _, f := range in {
		switch f.Attribute {
		case policy.Duration:
			out = append(out, canonicalDuration(f))
		case policy.CustomerParticipation:
			out = append(out, policy.Filter{Attribute: f.Attribute, Operator: "EQ", Value: strings.ToUpper(first(f.Values()))})
		case policy.Direction:
			out = append(out, listFilter(f.Attribute, upper(f.Values())))
		default:
			out = append(out, listFilter(f.Attribute, f.Values()))
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return policy.AttributeRank(out[i].Attribute) < policy.AttributeRank(out[j].Attribute)
	})
	if len(out) == 0 {
		return nil
	}
	return out
}

func canonicalDuration(f policy.Filter) policy.Filter {
	vals := f.Values()
	out := policy.Filter{Attribute: f.Attribute, Operator: strings.ToUpper(f.Operator), DurationOperator: f.DurationOperator}
	if out.Operator == opBetween && len(vals) == 2 {
		out.Value = []any{number(vals[0]), number(vals[1])}
		return out
	}
	out.Value = number(first(vals))
	return out
}

func listFilter(attr policy.Attribute, vals []string) policy.Filter {
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

func refs(vals []string) []model.Ref {
	vals = sortedUnique(vals)
	out := make([]model.Ref, len(vals))
	for i, v := range vals {
		out[i] = model.Ref{ID: v}
	}
	return out
}

func ids(rs []model.Ref) []string {
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
