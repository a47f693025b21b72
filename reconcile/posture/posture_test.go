package posture

import (
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/plan"
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
	p := Build(repo, entries, nil)
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
	p := Build(repo, nil, nil)
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
	// The plan's model: each policy keeps its type's whole volume for its
	// retention (in 2×90, queue only 2×10, the chats 1×30 and 1×min(t,400));
	// the call outbound gap half the call volume, 1 GB a day, for ever.
	one := p.Storage[1]
	if one.PlannedGB != 180+20+30+365 || one.GapGB != 365 {
		t.Errorf("after a year: %+v", one)
	}
	if five := p.Storage[3]; five.PlannedGB != 180+20+30+400 || five.GapGB != 5*365 {
		t.Errorf("after five years: %+v", five)
	}
	if m := Markdown(p); !strings.Contains(m, "**Planned only**") || strings.Contains(m, "current (GB)") {
		t.Errorf("offline, the report says planned only:\n%s", m)
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
	p := Build(repo, []audit.Entry{{Event: audit.Event{Type: audit.PolicyDeleted, Policy: evil}}}, nil)
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

// TestCurrentAgainstPlanned: read against an organisation, the storage has
// a current side (its live policies) beside the planned one, in the
// plan's model, and each side has its own gaps.
func TestCurrentAgainstPlanned(t *testing.T) {
	s := policy.DefaultSettings()
	repo := policy.Repo{Settings: s, Policies: []policy.Policy{
		{Name: "Calls", ObjectType: policy.Call, RetentionPeriod: 30},
		{Name: "Chats", ObjectType: policy.Chat, RetentionPeriod: 30},
	}}
	calls := mapping.ToAPI(policy.Policy{Name: "Calls", ObjectType: policy.Call, RetentionPeriod: 400}, nil)
	calls.ID = "id-1"
	mail := mapping.ToAPI(policy.Policy{Name: "Hand made", ObjectType: policy.Email, RetentionPeriod: 60}, nil)
	mail.ID, mail.Description = "id-2", "made in the admin UI"
	live := []model.Policy{calls, mail}
	pl, err := plan.Make(repo, plan.Live{Policies: live})
	if err != nil {
		t.Fatal(err)
	}
	p := Build(repo, nil, &Live{Org: "https://api.example.com", Plan: pl, Policies: live})
	one := p.Storage[1]
	// current: calls 3 GB × 365, mail 1.2 GB × 60; gaps chat 0.32 and message 0.03 GB a day.
	// planned: calls 3 × 30, chats 0.32 × 30, the same mail; gaps message only.
	want := Point{Years: 1, CurrentGB: 1095 + 72, CurrentGapGB: 127.75, PlannedGB: 90 + 9.6 + 72, GapGB: 10.95}
	if one != want {
		t.Errorf("after a year:\n got %+v\nwant %+v", one, want)
	}
	if five := p.Storage[3]; five.CurrentGB != pl.Storage.CurrentGB || five.PlannedGB != pl.Storage.ProposedGB {
		t.Errorf("after five years %+v, the plan's %v → %v", five, pl.Storage.CurrentGB, pl.Storage.ProposedGB)
	}
	if !strings.Contains(strings.Join(p.Gaps, ","), "email × INBOUND") {
		t.Errorf("the matrix is the repository's: %v", p.Gaps)
	}
	m := Markdown(p)
	for _, w := range []string{"**Current against planned**", "https://api.example.com", "| 1 year | 1294.8 | 127.8 | 182.5 | 10.9 | -1112.2 |"} {
		if !strings.Contains(m, w) {
			t.Errorf("markdown lacks %q:\n%s", w, m)
		}
	}
	h, err := HTML(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(h), `class="bar current"`) || !strings.Contains(string(h), `class="bar planned"`) || !strings.Contains(string(h), "Current against planned") {
		t.Errorf("the chart lacks a side:\n%s", h)
	}
}
