package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/policy"
)

func TestCoverage(t *testing.T) {
	off := false
	dir := func(op string, v any) policy.Filter {
		return policy.Filter{Attribute: "direction", Operator: op, Value: v}
	}
	ps := []policy.Policy{
		{Name: "in", ObjectType: policy.Call, RetentionPeriod: 90, Filters: []policy.Filter{dir("EQ", "INBOUND")}},
		{Name: "both", ObjectType: policy.Call, RetentionPeriod: 30, Filters: []policy.Filter{dir("IN", []any{"INBOUND", "OUTBOUND"})}},
		{Name: "queue", ObjectType: policy.Call, RetentionPeriod: 10, Filters: []policy.Filter{{Attribute: "queue", Operator: "EQ", Value: "q"}}},
		{Name: "chat", ObjectType: policy.Chat, RetentionPeriod: 30},
		{Name: "long chat", ObjectType: policy.Chat, RetentionPeriod: 400},
		{Name: "office hours", ObjectType: policy.Email, RetentionPeriod: 60, TimeAllowed: &policy.TimeAllowed{}},
		{Name: "off", ObjectType: policy.Message, RetentionPeriod: 10, Enabled: &off},
		{Name: "live multi", ObjectType: "chat+message", RetentionPeriod: 5, Enabled: &off},
	}
	c := CoverageOf(ps)
	if cl := c[policy.Call]["INBOUND"]; cl.Gap || cl.Days != 90 || cl.By != "in" || len(cl.Partial) != 1 {
		t.Errorf("call inbound: the longest full policy, the queue one in part: %+v", cl)
	}
	if cl := c[policy.Call]["OUTBOUND"]; cl.Gap || cl.Days != 30 {
		t.Errorf("call outbound: direction IN covers it: %+v", cl)
	}
	if cl := c[policy.Chat]["OUTBOUND"]; cl.Days != 400 || cl.By != "long chat" {
		t.Errorf("chat: %+v", cl)
	}
	if cl := c[policy.Email]["INBOUND"]; !cl.Gap || len(cl.Partial) != 1 {
		t.Errorf("email: time slots cover only part: %+v", cl)
	}
	if cl := c[policy.Message]["INBOUND"]; !cl.Gap || len(cl.Partial) != 0 {
		t.Errorf("message: disabled policies cover nothing: %+v", cl)
	}
	if got := len(c.Gaps()); got != 4 {
		t.Errorf("gaps: email and message, both directions: %v", c.Gaps())
	}
	if !covers("sms", policy.Message) || !covers("call+chat", policy.Chat) || covers("call", policy.Chat) {
		t.Error("covers")
	}
}

// TestGapWarnings: a plan warns once per object type with gaps, pointing
// at the policies directory, and not at all when everything is covered.
func TestGapWarnings(t *testing.T) {
	in := policy.Policy{Name: "in", ObjectType: policy.Call, RetentionPeriod: 90,
		Filters: []policy.Filter{{Attribute: "direction", Operator: "EQ", Value: "INBOUND"}}}
	sales := policy.Policy{Name: "sales", ObjectType: policy.Call, RetentionPeriod: 365,
		Filters: []policy.Filter{{Attribute: "direction", Operator: "EQ", Value: "OUTBOUND"}, {Attribute: "queue", Operator: "EQ", Value: "q"}}}
	chat := policy.Policy{Name: "chat", ObjectType: policy.Chat, RetentionPeriod: 30}
	p, err := Make(policy.Repo{Dir: "policies", Policies: []policy.Policy{in, sales, chat}, Settings: policy.DefaultSettings()}, Live{})
	if err != nil {
		t.Fatal(err)
	}
	var gaps []policy.Violation
	for _, v := range p.Violations {
		if v.Rule == RuleCoverageGap {
			gaps = append(gaps, v)
		}
	}
	if len(gaps) != 3 {
		t.Fatalf("want call, email, message: %+v", gaps)
	}
	call := gaps[0]
	for _, want := range []string{"outbound call recordings", "call × OUTBOUND", "keeps them indefinitely", "sales (365 days)", "direction EQ OUTBOUND"} {
		if !strings.Contains(call.Message, want) {
			t.Errorf("call gap lacks %q: %s", want, call.Message)
		}
	}
	if call.Severity != policy.Warn || call.File != "policies" || call.Policy != "" {
		t.Errorf("call gap: %+v", call)
	}
	if !strings.Contains(gaps[1].Message, "email × INBOUND, email × OUTBOUND") || !strings.Contains(gaps[1].Message, "email policy without filters") {
		t.Errorf("email gap: %s", gaps[1].Message)
	}
	all := []policy.Policy{{Name: "calls", ObjectType: policy.Call, RetentionPeriod: 30}, chat,
		{Name: "email", ObjectType: policy.Email, RetentionPeriod: 30}, {Name: "sms", ObjectType: policy.SMS, RetentionPeriod: 30}}
	if p, _ := Make(policy.Repo{Policies: all, Settings: policy.DefaultSettings()}, Live{}); len(p.Violations) != 0 {
		t.Errorf("covered: %+v", p.Violations)
	}
	// A warning changes nothing apply does: the fingerprint ignores it.
	if q, _ := Make(policy.Repo{Policies: []policy.Policy{in, sales, chat}, Settings: policy.DefaultSettings()}, Live{}); q.Fingerprint != p.Fingerprint {
		t.Error("the fingerprint moved with the directory")
	}
}

// TestGapNamesAreBounded: of thousands of policies covering a gap in part,
// a cell and the warning name MaxPartial and count the rest, once when
// both directions have the same ones, direction by direction otherwise.
func TestGapNamesAreBounded(t *testing.T) {
	var ps []policy.Policy
	for i := range 2000 {
		ps = append(ps, policy.Policy{Name: fmt.Sprintf("queue %04d", i), ObjectType: policy.Email, RetentionPeriod: 30,
			Filters: []policy.Filter{{Attribute: "queue", Operator: "EQ", Value: fmt.Sprintf("q%d", i)}}})
	}
	ps = append(ps, policy.Policy{Name: "sales", ObjectType: policy.Call, RetentionPeriod: 365,
		Filters: []policy.Filter{{Attribute: "direction", Operator: "EQ", Value: "OUTBOUND"}, {Attribute: "queue", Operator: "EQ", Value: "q"}}})
	c := CoverageOf(ps)
	if cl := c[policy.Email]["INBOUND"]; len(cl.Partial) != MaxPartial || cl.PartialCount != 2000 {
		t.Errorf("email cell: %d named of %d", len(cl.Partial), cl.PartialCount)
	}
	msgs := map[string]string{}
	for _, v := range gapWarnings(policy.Repo{Dir: "policies", Policies: ps}) {
		msgs[strings.Fields(v.Message)[0]] = v.Message
	}
	email := msgs["email"]
	if !strings.Contains(email, "covered only in part by queue 0000 (30 days), queue 0001 (30 days), queue 0002 (30 days), queue 0003 (30 days), queue 0004 (30 days) and 1995 more;") || len(email) > 500 {
		t.Errorf("email: %s", email)
	}
	if call := msgs["call"]; !strings.Contains(call, "covered only in part: call × OUTBOUND by sales (365 days);") {
		t.Errorf("call: %s", call)
	}
}
