package validate

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/retainctl/retainctl/reconcile/overlap"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// input builds the one Rego input document as an AST value: the document
// ast.InterfaceToValue would make of the JSON-shaped maps, built directly.
// Going through map[string]any first cost a Go map per policy and filter,
// then an AST object for each; at 10,000 policies that was a quarter of the
// run's allocations.
func input(repo policy.Repo, conflicts []overlap.Conflict, now time.Time) (ast.Value, error) {
	b := newBuilder(len(repo.Policies))
	ps := make([]*ast.Term, len(repo.Policies))
	for i, p := range repo.Policies {
		t, err := b.policy(p)
		if err != nil {
			return nil, err
		}
		ps[i] = t
	}
	cs := make([]*ast.Term, len(conflicts))
	for i, c := range conflicts {
		cs[i] = b.object(
			ast.Item(keyPolicy, b.int(c.Policy)),
			ast.Item(keyOther, b.int(c.Other)),
		)
	}
	settings, err := settingsInput(repo.Settings)
	if err != nil {
		return nil, err
	}
	hs := make([]*ast.Term, len(repo.Holds))
	for i, h := range repo.Holds {
		hs[i] = b.hold(h)
	}
	return ast.NewObject(
		ast.Item(keyPolicies, ast.ArrayTerm(ps...)),
		ast.Item(keyHolds, ast.ArrayTerm(hs...)),
		ast.Item(keySettings, ast.NewTerm(settings)),
		ast.Item(keyConflicts, ast.ArrayTerm(cs...)),
		ast.Item(keyToday, b.str(policy.Day(now).Format(policy.DateLayout))),
	), nil
}

// The input's keys, one term each, shared by every object that has them.
var (
	keyPolicies  = ast.StringTerm("policies")
	keyHolds     = ast.StringTerm("holds")
	keySettings  = ast.StringTerm("settings")
	keyConflicts = ast.StringTerm("conflicts")
	keyToday     = ast.StringTerm("today")
	keyPolicy    = ast.StringTerm("policy")
	keyOther     = ast.StringTerm("other")

	keyName            = ast.StringTerm("name")
	keyDescription     = ast.StringTerm("description")
	keyEnabled         = ast.StringTerm("enabled")
	keyObjectType      = ast.StringTerm("objectType")
	keyRetentionPeriod = ast.StringTerm("retentionPeriod")
	keyArchiveAfter    = ast.StringTerm("archiveAfter")
	keyFilters         = ast.StringTerm("filters")
	keyTags            = ast.StringTerm("tags")
	keyRenamedFrom     = ast.StringTerm("renamedFrom")
	keyFile            = ast.StringTerm("file")
	keyLine            = ast.StringTerm("line")
	keyOrder           = ast.StringTerm("order")
	keyDailyVolumeGB   = ast.StringTerm("dailyVolumeGB")
	keyTimeAllowed     = ast.StringTerm("timeAllowed")
	keySchedule        = ast.StringTerm("schedule")

	keyTimezone   = ast.StringTerm("timezone")
	keySlots      = ast.StringTerm("slots")
	keyDay        = ast.StringTerm("day")
	keyStart      = ast.StringTerm("start")
	keyStop       = ast.StringTerm("stop")
	keyFrequency  = ast.StringTerm("frequency")
	keyDayOfWeek  = ast.StringTerm("dayOfWeek")
	keyDayOfMonth = ast.StringTerm("dayOfMonth")

	keyAttribute        = ast.StringTerm("attribute")
	keyOperator         = ast.StringTerm("operator")
	keyValue            = ast.StringTerm("value")
	keyDurationOperator = ast.StringTerm("durationOperator")

	keyOwner             = ast.StringTerm("owner")
	keyReason            = ast.StringTerm("reason")
	keyReviewBy          = ast.StringTerm("reviewBy")
	keyReleased          = ast.StringTerm("released")
	keyConversations     = ast.StringTerm("conversations")
	keyConversationsFile = ast.StringTerm("conversationsFile")
	keyInline            = ast.StringTerm("inline")
)

// builder makes the input's terms. Values that repeat across policies
// (file names, object types, attributes, operators, time zones) are one
// term each; the others come from a slab, not one allocation per term.
type builder struct {
	shared map[string]*ast.Term
	slab   []ast.Term
}

func newBuilder(policies int) *builder {
	return &builder{shared: make(map[string]*ast.Term, 64+policies/16)}
}

// term returns a new term holding v.
func (b *builder) term(v ast.Value) *ast.Term {
	if len(b.slab) == 0 {
		b.slab = make([]ast.Term, 1024)
	}
	t := &b.slab[0]
	b.slab = b.slab[1:]
	t.Value = v
	return t
}

// str is a string that is unique to its object (a name, a description).
func (b *builder) str(s string) *ast.Term {
	if s == "" {
		return emptyString
	}
	return b.term(ast.String(s))
}

var emptyString = ast.StringTerm("")

// common is a string that many objects share.
func (b *builder) common(s string) *ast.Term {
	if t, ok := b.shared[s]; ok {
		return t
	}
	t := ast.StringTerm(s)
	b.shared[s] = t
	return t
}

func (b *builder) int(i int) *ast.Term {
	if ast.HasInternedIntNumberTerm(i) {
		return ast.InternedTerm(i)
	}
	return b.term(ast.Number(strconv.Itoa(i)))
}

func (b *builder) object(items ...[2]*ast.Term) *ast.Term {
	return b.term(ast.NewObject(items...))
}

// scalar converts a filter's value as ast.InterfaceToValue does; strings,
// whole numbers and lists of them, the values YAML gives, without it.
func (b *builder) scalar(x any) (*ast.Term, error) {
	switch x := x.(type) {
	case string:
		return b.str(x), nil
	case int:
		return b.int(x), nil
	case bool:
		return ast.InternedTerm(x), nil
	case []any:
		items := make([]*ast.Term, len(x))
		for i, e := range x {
			t, err := b.scalar(e)
			if err != nil {
				return nil, err
			}
			items[i] = t
		}
		return b.term(ast.NewArray(items...)), nil
	}
	v, err := ast.InterfaceToValue(x)
	if err != nil {
		return nil, err
	}
	return b.term(v), nil
}

// hold is a hold without its conversations, which can number hundreds of
// thousands: rules see how many there are.
func (b *builder) hold(h policy.Hold) *ast.Term {
	return b.object(
		ast.Item(keyName, b.str(h.Name)),
		ast.Item(keyOwner, b.str(h.Owner)),
		ast.Item(keyReason, b.str(h.Reason)),
		ast.Item(keyReviewBy, b.str(string(h.ReviewBy))),
		ast.Item(keyReleased, ast.InternedTerm(h.Released)),
		ast.Item(keyConversations, b.int(len(h.Conversations))),
		ast.Item(keyConversationsFile, b.str(h.ConversationsFile)),
		ast.Item(keyInline, ast.InternedTerm(len(h.Source.Lines) > 0 && h.Source.Lines["conversations"] > 0)),
		ast.Item(keyFile, b.common(h.Source.File)),
		ast.Item(keyLine, b.int(h.Source.Line)),
	)
}

func (b *builder) policy(p policy.Policy) (*ast.Term, error) {
	filters, err := b.filters(p.Filters)
	if err != nil {
		return nil, err
	}
	items := make([][2]*ast.Term, 0, 15)
	items = append(items,
		ast.Item(keyName, b.str(p.Name)),
		ast.Item(keyDescription, b.str(p.Description)),
		ast.Item(keyEnabled, ast.InternedTerm(p.IsEnabled())),
		ast.Item(keyObjectType, b.common(string(p.ObjectType))),
		ast.Item(keyRetentionPeriod, b.int(int(p.RetentionPeriod))),
		ast.Item(keyArchiveAfter, b.int(p.ArchiveAfter)),
		ast.Item(keyFilters, filters),
		ast.Item(keyTags, b.strings(p.Tags)),
		ast.Item(keyRenamedFrom, b.str(p.RenamedFrom)),
		ast.Item(keyFile, b.common(p.Source.File)),
		ast.Item(keyLine, b.int(p.Source.Line)),
	)
	if p.Order != nil {
		items = append(items, ast.Item(keyOrder, b.int(*p.Order)))
	}
	if p.DailyVolumeGB != nil {
		v, _ := b.scalar(*p.DailyVolumeGB) // a float64 always converts
		items = append(items, ast.Item(keyDailyVolumeGB, v))
	}
	if t := p.TimeAllowed; t != nil {
		slots := make([]*ast.Term, len(t.Slots))
		for i, s := range t.Slots {
			slots[i] = b.object(
				ast.Item(keyDay, b.common(s.Day)),
				ast.Item(keyStart, b.common(s.Start)),
				ast.Item(keyStop, b.common(s.Stop)),
			)
		}
		items = append(items, ast.Item(keyTimeAllowed, b.object(
			ast.Item(keyTimezone, b.common(t.Timezone)),
			ast.Item(keySlots, b.term(ast.NewArray(slots...))),
		)))
	}
	if s := p.Schedule; s != nil {
		items = append(items, ast.Item(keySchedule, b.object(
			ast.Item(keyFrequency, b.common(string(s.Frequency))),
			ast.Item(keyDayOfWeek, b.common(s.DayOfWeek)),
			ast.Item(keyDayOfMonth, b.int(s.DayOfMonth)),
			ast.Item(keyTimezone, b.common(s.Timezone)),
		)))
	}
	return b.object(items...), nil
}

func (b *builder) filters(fs []policy.Filter) (*ast.Term, error) {
	out := make([]*ast.Term, len(fs))
	for i, f := range fs {
		v, err := b.scalar(f.Value)
		if err != nil {
			return nil, err
		}
		if f.DurationOperator != "" {
			out[i] = b.object(
				ast.Item(keyAttribute, b.common(string(f.Attribute))),
				ast.Item(keyOperator, b.common(f.Operator)),
				ast.Item(keyValue, v),
				ast.Item(keyDurationOperator, b.common(f.DurationOperator)),
			)
			continue
		}
		out[i] = b.object(
			ast.Item(keyAttribute, b.common(string(f.Attribute))),
			ast.Item(keyOperator, b.common(f.Operator)),
			ast.Item(keyValue, v),
		)
	}
	return b.term(ast.NewArray(out...)), nil
}

func (b *builder) strings(ss []string) *ast.Term {
	out := make([]*ast.Term, len(ss))
	for i, s := range ss {
		out[i] = b.common(s)
	}
	return b.term(ast.NewArray(out...))
}

// settingsInput is the settings as their JSON contract, plus where they were
// written so rules can point at a key's line.
func settingsInput(s policy.Settings) (ast.Value, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	lines := map[string]any{}
	for k, l := range s.Lines {
		lines[k] = l
	}
	m["file"], m["lines"] = s.Source.File, lines
	return ast.InterfaceToValue(m)
}
