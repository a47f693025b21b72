package enforce

import (
	"strings"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// A due policy never deletes what an overlapping policy keeps longer: its
// DELETE job waits for the longest retention.
func TestProtectWaitsForTheLongestRetention(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	inbound := policy.Filter{Attribute: "direction", Operator: "EQ", Value: "INBOUND"}
	short := policy.Policy{Name: "Inbound", ObjectType: "call", RetentionPeriod: 90, Filters: []policy.Filter{inbound},
		Schedule: &policy.Schedule{Frequency: "DAILY"}}
	long := policy.Policy{Name: "Hold", ObjectType: "interaction", RetentionPeriod: 400}
	other := policy.Policy{Name: "Chat", ObjectType: "chat", RetentionPeriod: 30, Schedule: &policy.Schedule{Frequency: "DAILY"}}
	s := policy.DefaultSettings()
	s.Conflicts.WindowDays = 0
	p, err := plan.Build([]policy.Policy{short, long, other}, nil, s)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := Select([]policy.Policy{short, other}, now, "")
	if err != nil {
		t.Fatal(err)
	}
	pl := NewPlan(withLive(Protect(sel, p.Overlaps)), now, Horizon(now))
	cutoff := map[string]string{}
	for _, j := range pl.Jobs {
		if j.Action == "DELETE" {
			cutoff[j.Policy] = j.Query.ConversationQuery.Interval
		}
	}
	if want := now.AddDate(0, 0, -400).Format(time.RFC3339); !strings.HasSuffix(cutoff["Inbound"], want) {
		t.Errorf("Inbound deletes up to %s, want %s", cutoff["Inbound"], want)
	}
	if want := now.AddDate(0, 0, -400).Format(time.RFC3339); !strings.HasSuffix(cutoff["Chat"], want) {
		t.Errorf("Chat deletes up to %s, want %s (the interaction hold covers chats too)", cutoff["Chat"], want)
	}
	if pl.Policies[0].KeptDays != 400 || pl.Policies[0].KeptFor[0] != "Hold" {
		t.Errorf("report %+v", pl.Policies[0])
	}
}

// Only what the organisation already has is enforced, and nothing a
// policy keeps for good is deleted.
func TestGate(t *testing.T) {
	retain := true
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	daily := &policy.Schedule{Frequency: "DAILY"}
	same := policy.Policy{Name: "Same", ObjectType: "email", RetentionPeriod: 90, Schedule: daily}
	changed := policy.Policy{Name: "Changed", ObjectType: "chat", RetentionPeriod: 30, Schedule: daily}
	added := policy.Policy{Name: "New", ObjectType: "message", RetentionPeriod: 30, Schedule: daily}
	live := []genesys.Policy{
		withID(mapping.ToAPI(same, nil), "1"),
		withID(mapping.ToAPI(policy.Policy{Name: "Changed", ObjectType: "chat", RetentionPeriod: 60}, nil), "2"),
		withID(genesys.Policy{Name: "Hold", Description: "legal hold, by hand", MediaPolicies: &genesys.MediaPolicies{
			EmailPolicy: &genesys.MediaPolicy{Actions: &genesys.Actions{RetainRecording: &retain}}, // retained, never deleted: kept for good
		}}, "3"),
	}
	s := policy.DefaultSettings()
	s.Conflicts.WindowDays = 0
	ps := []policy.Policy{same, changed, added}
	p, err := plan.Build(ps, live, s)
	if err != nil {
		t.Fatal(err)
	}
	sel, _ := Select(ps, now, "")
	found, _ := plan.Overlaps(append(ps, liveKeeps(live)...), 0)
	pl := NewPlan(Gate(sel, p.Changes, live, found), now, Horizon(now))
	refused := map[string]string{}
	for _, r := range pl.Policies {
		refused[r.Name] = r.Refused
	}
	if !strings.Contains(refused["Same"], "for good") || !strings.Contains(refused["Changed"], "apply first") || !strings.Contains(refused["New"], "not in the organisation") {
		t.Errorf("refusals %q", refused)
	}
	if len(pl.Jobs) != 0 {
		t.Errorf("%d jobs built", len(pl.Jobs))
	}
}

func liveKeeps(live []genesys.Policy) []policy.Policy {
	var out []policy.Policy
	for _, l := range live {
		out = append(out, mapping.FromAPI(l).Keeps...)
	}
	return out
}

func withID(g genesys.Policy, id string) genesys.Policy {
	g.ID = id
	return g
}

// A hold still protects while the repository's change to it is not applied:
// what counts is what the organisation keeps now.
func TestGateCountsPendingChangesAsLive(t *testing.T) {
	retain := true
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	daily := &policy.Schedule{Frequency: "DAILY"}
	a := policy.Policy{Name: "A", ObjectType: "call", RetentionPeriod: 30, Schedule: daily}
	b := policy.Policy{Name: "B", ObjectType: "call", RetentionPeriod: 30} // live: kept for good
	liveB := mapping.ToAPI(b, nil)
	liveB.MediaPolicies.CallPolicy.Actions = &genesys.Actions{RetainRecording: &retain}
	live := []genesys.Policy{withID(mapping.ToAPI(a, nil), "1"), withID(liveB, "2")}
	ps := []policy.Policy{a, b}
	p, err := plan.Build(ps, live, policy.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	found, _ := plan.Overlaps(append(ps, liveKeeps(live)...), 0)
	sel, _ := Select(ps, now, "")
	pl := NewPlan(Gate(sel, p.Changes, live, found), now, Horizon(now))
	if len(pl.Jobs) != 0 || !strings.Contains(pl.Policies[0].Refused, "for good") {
		t.Errorf("A was enforced while live B keeps its recordings for good: %+v", pl.Policies)
	}
}
