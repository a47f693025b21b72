package plan

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// diff fills c (which holds the desired After) against the live policy l.
func diff(c Change, l model.Policy) Change {
	lv := mapping.Read(l, c.After.ObjectType)
	before, after := lv.Policy, c.After
	// Schedule, tags and volume live only in the repository: carry them over
	// so they never show as a change Genesys would have to make.
	before.Schedule, before.Tags, before.DailyVolumeGB, before.RenamedFrom =
		after.Schedule, after.Tags, after.DailyVolumeGB, after.RenamedFrom
	if after.Order == nil {
		after.Order = before.Order
	}
	c.ID, c.Before = l.ID, &before
	c.PolicyErrors = lv.Errors
	if l.Name != after.Name {
		c.RenamedFrom = l.Name
	}
	c.Fields = fieldChanges(before, *after)
	if lv.Immediate {
		c.Fields = append(c.Fields, FieldChange{Field: "deleteImmediately", Before: true, After: false})
	}
	if lv.Forever {
		c.Fields = append(c.Fields, FieldChange{Field: "keepForever", Before: true, After: false})
	}
	c.Risk, c.Reasons = assess(c.Fields)
	c.Kept, c.Removed = carriedThrough(l, lv, *after)
	if len(c.Removed) > 0 {
		c.Risk = Destructive
		c.Reasons = append(c.Reasons, "the update removes from the live policy what the YAML cannot say: "+describe(c.Removed))
	}
	switch {
	case !lv.Managed:
		c.Action = Adopt
		c.Reasons = append([]string{"takes over an unmanaged live policy of the same name: the managed marker is added to its description"}, c.Reasons...)
	case len(c.Fields) == 0 && len(c.Removed) == 0:
		c.Action, c.Risk, c.Reasons = Noop, Safe, []string{}
	default:
		c.Action = Update
	}
	return c
}

// carriedThrough splits what the YAML cannot say about l into what the
// update keeps and what it removes, by building the update and reading it
// back: the only way to be sure nothing goes unnamed.
func carriedThrough(l model.Policy, lv mapping.Live, after policy.Policy) (kept, removed []mapping.Carried) {
	if len(lv.Carried) == 0 {
		return nil, nil
	}
	next := mapping.Read(mapping.ToAPI(after, &l), after.ObjectType)
	stays := map[mapping.Carried]bool{}
	for _, c := range next.Carried {
		stays[c] = true
	}
	for _, c := range lv.Carried {
		if stays[c] {
			kept = append(kept, c)
		} else {
			removed = append(removed, c)
		}
	}
	return kept, removed
}

func describe(cs []mapping.Carried) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s (%s)", or(c.Path, "policy level"), c.What)
	}
	return strings.Join(parts, "; ")
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// fieldChanges lists the fields that differ, in a fixed order.
func fieldChanges(b, a policy.Policy) []FieldChange {
	var out []FieldChange
	add := func(field string, before, after any) {
		if !reflect.DeepEqual(before, after) {
			out = append(out, FieldChange{Field: field, Before: before, After: after})
		}
	}
	add("name", b.Name, a.Name)
	add("description", b.Description, a.Description)
	add("enabled", b.IsEnabled(), a.IsEnabled())
	add("objectType", b.ObjectType, a.ObjectType)
	add("retentionPeriod", b.RetentionPeriod, a.RetentionPeriod)
	add("archiveAfter", b.ArchiveAfter, a.ArchiveAfter)
	add("order", deref(b.Order), deref(a.Order))
	add("timeAllowed", b.TimeAllowed, a.TimeAllowed)
	bf, af := filterMap(b.Filters), filterMap(a.Filters)
	for _, attr := range filterAttrs(b.Filters, a.Filters) {
		add("filters."+string(attr), bf[attr], af[attr])
	}
	return out
}

// filterValue is a filter as compared and shown: operator and value.
type filterValue struct {
	Operator         string `json:"operator"`
	Value            any    `json:"value"`
	DurationOperator string `json:"durationOperator,omitempty"`
}

func filterMap(fs []policy.Filter) map[policy.Attribute]*filterValue {
	m := map[policy.Attribute]*filterValue{}
	for _, f := range fs {
		m[f.Attribute] = &filterValue{Operator: f.Operator, Value: f.Value, DurationOperator: f.DurationOperator}
	}
	return m
}

// timeRisk: adding or changing time slots narrows when the policy applies
// (review); removing them only widens it (safe).
func timeRisk(f FieldChange) (Risk, string) {
	if a, _ := f.After.(*policy.TimeAllowed); a == nil {
		return Safe, "broader: the time slots are removed, the policy applies at any time"
	}
	if b, _ := f.Before.(*policy.TimeAllowed); b == nil {
		return Review, "narrower: the policy now applies only in its time slots"
	}
	return Review, "time slots changed"
}

// filterAttrs returns the attributes either side sets, in canonical order.
func filterAttrs(b, a []policy.Filter) []policy.Attribute {
	seen := map[policy.Attribute]bool{}
	var out []policy.Attribute
	for _, f := range mapping.CanonicalFilters(append(append([]policy.Filter(nil), b...), a...)) {
		if !seen[f.Attribute] {
			seen[f.Attribute] = true
			out = append(out, f.Attribute)
		}
	}
	return out
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// assess classifies the field changes (README, "How a plan is made") and
// says why.
func assess(fields []FieldChange) (Risk, []string) {
	risk, reasons := Safe, []string{}
	for _, f := range fields {
		r, why := fieldRisk(f)
		if riskRank[r] > riskRank[risk] {
			risk = r
		}
		reasons = append(reasons, why)
	}
	return risk, reasons
}

func fieldRisk(f FieldChange) (Risk, string) {
	switch {
	case f.Field == "name":
		return Safe, fmt.Sprintf("renamed from %q in place: the Genesys id is kept", f.Before)
	case f.Field == "description":
		return Safe, "description changed"
	case f.Field == "enabled":
		if f.After == false {
			return Destructive, "disabled: new recordings it matches are no longer kept by this policy"
		}
		return Safe, "enabled"
	case f.Field == "objectType":
		return Destructive, fmt.Sprintf("object type %v → %v: %v recordings are no longer covered by this policy", f.Before, f.After, f.Before)
	case f.Field == "retentionPeriod":
		return retentionRisk(f.Before.(policy.Retention), f.After.(policy.Retention))
	case f.Field == "archiveAfter":
		return Review, fmt.Sprintf("archive after %s → %s", archiveDays(f.Before), archiveDays(f.After))
	case f.Field == "order":
		return Review, fmt.Sprintf("evaluation order %v → %v", orNone(f.Before), orNone(f.After))
	case f.Field == "keepForever":
		return Destructive, "the live policy keeps recordings for good; it will delete them after the retention period"
	case f.Field == "timeAllowed":
		return timeRisk(f)
	case f.Field == "deleteImmediately":
		return Review, "the live policy deletes recordings at once; it will keep them for the retention period instead"
	case strings.HasPrefix(f.Field, "filters."):
		return filterRisk(strings.TrimPrefix(f.Field, "filters."), f.Before.(*filterValue), f.After.(*filterValue))
	}
	return Review, f.Field + " changed"
}

func retentionRisk(before, after policy.Retention) (Risk, string) {
	if after < before {
		return Destructive, fmt.Sprintf("retention %d → %d days: new recordings are deleted %s sooner", int(before), int(after), days(before-after))
	}
	if before == 0 {
		return Safe, fmt.Sprintf("retention set to %s", days(after))
	}
	return Safe, fmt.Sprintf("retention %d → %d days: recordings are kept %s longer", int(before), int(after), days(after-before))
}

// filterRisk: a narrower filter drops recordings from the policy (review);
// a broader one only adds recordings to it (safe).
func filterRisk(attr string, before, after *filterValue) (Risk, string) {
	switch {
	case before == nil:
		return Review, fmt.Sprintf("narrower: now only matches %s %s", attr, show(after))
	case after == nil:
		return Safe, fmt.Sprintf("broader: the %s filter (%s) is removed", attr, show(before))
	}
	b, a := valueSet(before), valueSet(after)
	if before.Operator == after.Operator || (isList(before) && isList(after)) {
		switch {
		case subsetOf(a, b):
			return Review, fmt.Sprintf("narrower %s filter: %s → %s", attr, show(before), show(after))
		case subsetOf(b, a):
			return Safe, fmt.Sprintf("broader %s filter: %s → %s", attr, show(before), show(after))
		}
	}
	return Review, fmt.Sprintf("%s filter changed: %s → %s", attr, show(before), show(after))
}

func isList(f *filterValue) bool { return f.Operator == "EQ" || f.Operator == "IN" }

func valueSet(f *filterValue) map[string]bool {
	m := map[string]bool{}
	for _, v := range (policy.Filter{Value: f.Value}).Values() {
		m[v] = true
	}
	return m
}

func subsetOf(a, b map[string]bool) bool {
	for v := range a {
		if !b[v] {
			return false
		}
	}
	return true
}

func show(f *filterValue) string { return fmt.Sprintf("%s %v", f.Operator, f.Value) }

func archiveDays(v any) string {
	if v == 0 {
		return "never"
	}
	return fmt.Sprintf("%v days", v)
}

func orNone(v any) any {
	if v == nil {
		return "unset"
	}
	return v
}
