package posture

import (
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		os.WriteFile(path, []byte(got), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update to accept):\n%s", path, got)
	}
}

// TestExampleGolden: the demo organisation's policies and a change with
// its approvers.
func TestExampleGolden(t *testing.T) {
	repo, err := policy.Load("../../policies")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	entries := []audit.Entry{
		{Event: audit.Event{Type: audit.ApplyStarted, Time: at}},
		{Event: audit.Event{Type: audit.PolicyUpdated, Time: at, Policy: "Inbound calls - 90 days", Outcome: audit.Success,
			Provenance: &audit.Provenance{Approval: audit.ApprovedOnPullRequest, PullRequest: 42, Approvers: []audit.Reviewer{{Login: "ann"}, {Login: "bob"}}}}},
		{Event: audit.Event{Type: audit.PolicyCreated, Time: at.Add(time.Minute), Policy: "Chats", Outcome: audit.Success,
			Provenance: &audit.Provenance{Approval: audit.ApprovedAutomatically}}},
	}
	p := Build(repo, entries)
	golden(t, "example.md", Markdown(p))
	if len(p.Changes) != 2 || p.Changes[0].Target != "Chats" {
		t.Errorf("changes, newest first: %+v", p.Changes)
	}
}

func TestGapsAndStorage(t *testing.T) {
	days := func(n int) policy.Retention { return policy.Retention(n) }
	off := false
	repo := policy.Repo{
		Policies: []policy.Policy{
			{Name: "in", ObjectType: policy.Call, RetentionPeriod: days(90), Filters: []policy.Filter{{Attribute: "direction", Operator: "EQ", Value: "INBOUND"}}},
			{Name: "all chat", ObjectType: policy.Chat, RetentionPeriod: days(30)},
			{Name: "long chat", ObjectType: policy.Chat, RetentionPeriod: days(400)},
			{Name: "queue only", ObjectType: policy.Call, RetentionPeriod: days(10), Filters: []policy.Filter{{Attribute: "queue", Operator: "EQ", Value: "q"}}},
			{Name: "disabled", ObjectType: policy.Email, RetentionPeriod: days(10), Enabled: &off},
		},
		Settings: policy.Settings{Estimates: policy.Estimates{
			DailyVolumeGB: map[policy.ObjectType]float64{policy.Call: 2, policy.Chat: 1},
			Multipliers:   map[policy.ObjectType]float64{policy.Call: 1, policy.Chat: 1},
		}},
	}
	p := Build(repo, nil)
	if c := p.Matrix[policy.Chat]["OUTBOUND"]; c.Gap || c.Days != 400 || c.By != "long chat" {
		t.Errorf("chat outbound: %+v", c)
	}
	if c := p.Matrix[policy.Call]["OUTBOUND"]; !c.Gap || len(c.Partial) != 1 {
		t.Errorf("call outbound (a queue-only policy covers part): %+v", c)
	}
	if c := p.Matrix[policy.Email]["INBOUND"]; !c.Gap {
		t.Errorf("a disabled policy covers: %+v", c)
	}
	if !strings.Contains(strings.Join(p.Gaps, ","), "call × OUTBOUND") {
		t.Errorf("gaps %v", p.Gaps)
	}
	// call inbound: 1 GB/day for 90 days; chat: 0.5 GB/day ×2 for min(t, 400);
	// call outbound: 1 GB/day for ever.
	one := p.Storage[1]
	if one.PlannedGB != 90+365 || one.GapGB != 365 {
		t.Errorf("after a year: %+v", one)
	}
	if five := p.Storage[3]; five.PlannedGB != 90+400 || five.GapGB != 5*365 {
		t.Errorf("after five years: %+v", five)
	}
}

// TestHostileNamesAreEscaped: a name is input; neither format lets it
// become markup.
func TestHostileNamesAreEscaped(t *testing.T) {
	evil := `<script>alert(1)</script>|**x**`
	repo := policy.Repo{
		Policies: []policy.Policy{{Name: evil, ObjectType: policy.Call, RetentionPeriod: 30}},
		Holds:    []policy.Hold{{Name: evil, Owner: `"><img src=x onerror=alert(1)>`, ReviewBy: "2026-12-01"}},
		Settings: policy.Settings{Waivers: []policy.Waiver{{Rule: "r", Policy: evil, Owner: evil, Expires: "2026-06-01"}}},
	}
	p := Build(repo, []audit.Entry{{Event: audit.Event{Type: audit.PolicyDeleted, Policy: evil}}})
	page, err := HTML(p)
	if err != nil {
		t.Fatal(err)
	}
	h := string(page)
	for _, bad := range []string{"<script", "<img", "onerror=alert(1)>", "http://", "https://", "src=\"http"} {
		if strings.Contains(strings.ReplaceAll(h, "http://www.w3.org/2000/svg", ""), bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	if !strings.Contains(h, "<svg") || !strings.Contains(h, `class="gap"`) || !strings.Contains(h, "kept indefinitely") {
		t.Error("the page lacks the chart or the gaps")
	}
	m := Markdown(p)
	if strings.Contains(m, "<script") || strings.Contains(m, "|**x**") {
		t.Errorf("markdown lets markup through:\n%s", m)
	}
}
