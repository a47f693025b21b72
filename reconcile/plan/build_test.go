package plan

import (
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
)

func desired(name string, media policy.ObjectType, days policy.Retention, filters ...policy.Filter) policy.Policy {
	return policy.Policy{Name: name, ObjectType: media, RetentionPeriod: days, Filters: filters}
}

// live returns the Genesys policy retainctl would have written for d, as if
// the server had stored it and filled in its defaults.
func live(id string, d policy.Policy) model.Policy {
	g := mapping.ToAPI(d, nil)
	g.ID = id
	g.SelfURI = "/api/v2/recording/mediaretentionpolicies/" + id
	g.CreatedDate = "2026-01-02T03:04:05.000Z"
	g.PolicyErrors = &model.PolicyErrors{}
	return g
}

func unmanaged(g model.Policy) model.Policy {
	g.Description = "set up by hand"
	return g
}

var inbound = policy.Filter{Attribute: "direction", Operator: "EQ", Value: "INBOUND"}

func TestBuild(t *testing.T) {
	calls := desired("Calls", "call", 90, inbound)
	tests := []struct {
		name    string
		desired []policy.Policy
		live    []model.Policy
		prune   bool
		want    map[string]Action // name → action
		risk    map[string]Risk
		orphans int
		unmgd   int
	}{
		{
			name:    "converged organisation plans nothing",
			desired: []policy.Policy{calls},
			live:    []model.Policy{live("1", calls)},
			want:    map[string]Action{"Calls": Noop},
		},
		{
			name:    "create",
			desired: []policy.Policy{calls},
			want:    map[string]Action{"Calls": Create},
			risk:    map[string]Risk{"Calls": Safe},
		},
		{
			name:    "shorter retention is destructive",
			desired: []policy.Policy{desired("Calls", "call", 30, inbound)},
			live:    []model.Policy{live("1", calls)},
			want:    map[string]Action{"Calls": Update},
			risk:    map[string]Risk{"Calls": Destructive},
		},
		{
			name:    "longer retention is safe",
			desired: []policy.Policy{desired("Calls", "call", 365, inbound)},
			live:    []model.Policy{live("1", calls)},
			want:    map[string]Action{"Calls": Update},
			risk:    map[string]Risk{"Calls": Safe},
		},
		{
			name:    "narrower filter needs review",
			desired: []policy.Policy{desired("Calls", "call", 90, inbound, policy.Filter{Attribute: "queue", Operator: "EQ", Value: "q1"})},
			live:    []model.Policy{live("1", calls)},
			want:    map[string]Action{"Calls": Update},
			risk:    map[string]Risk{"Calls": Review},
		},
		{
			name:    "rename keeps the id",
			desired: []policy.Policy{func() policy.Policy { p := calls; p.Name, p.RenamedFrom = "Voice", "Calls"; return p }()},
			live:    []model.Policy{live("1", calls)},
			want:    map[string]Action{"Voice": Update},
			risk:    map[string]Risk{"Voice": Safe},
		},
		{
			name:    "adopt an unmanaged policy of the same name",
			desired: []policy.Policy{calls},
			live:    []model.Policy{unmanaged(live("1", calls))},
			want:    map[string]Action{"Calls": Adopt},
		},
		{
			name:  "unmanaged and unmatched is listed, never touched",
			live:  []model.Policy{unmanaged(live("1", calls))},
			prune: true,
			want:  map[string]Action{},
			unmgd: 1,
		},
		{
			name:    "managed and gone is kept without prune",
			live:    []model.Policy{live("1", calls)},
			want:    map[string]Action{},
			orphans: 1,
		},
		{
			name:  "managed and gone is deleted with prune",
			live:  []model.Policy{live("1", calls)},
			prune: true,
			want:  map[string]Action{"Calls": Delete},
			risk:  map[string]Risk{"Calls": Destructive},
		},
		{
			name:    "disabling is destructive",
			desired: []policy.Policy{func() policy.Policy { p := calls; p.Enabled = new(bool); return p }()},
			live:    []model.Policy{live("1", calls)},
			want:    map[string]Action{"Calls": Update},
			risk:    map[string]Risk{"Calls": Destructive},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := policy.DefaultSettings()
			s.Prune = tc.prune
			p, err := Build(tc.desired, tc.live, s)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]Action{}
			for _, c := range p.Changes {
				got[c.Name] = c.Action
				if want, ok := tc.risk[c.Name]; ok && c.Risk != want {
					t.Errorf("%s: risk %s, want %s (reasons %v)", c.Name, c.Risk, want, c.Reasons)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("changes %v, want %v", got, tc.want)
			}
			for n, a := range tc.want {
				if got[n] != a {
					t.Errorf("%s: action %s, want %s", n, got[n], a)
				}
			}
			if len(p.Orphaned) != tc.orphans || len(p.Unmanaged) != tc.unmgd {
				t.Errorf("orphaned %d unmanaged %d, want %d %d", len(p.Orphaned), len(p.Unmanaged), tc.orphans, tc.unmgd)
			}
		})
	}
}

// Every schema field survives the trip to the API and back, so that no
// policy plans a change forever.
func TestNoPerpetualDiff(t *testing.T) {
	order, vol := 3, 1.5
	all := []policy.Policy{
		{Name: "a", Description: "  spaced  ", ObjectType: "call", RetentionPeriod: 90, ArchiveAfter: 30, Order: &order,
			Schedule: &policy.Schedule{Frequency: "DAILY"}, Tags: []string{"b", "a"}, DailyVolumeGB: &vol,
			Filters: []policy.Filter{
				{Attribute: "queue", Operator: "IN", Value: []any{"q2", "q1", "q2"}},
				{Attribute: "direction", Operator: "IN", Value: []any{"inbound"}},
				{Attribute: "duration", Operator: "BETWEEN", Value: []any{60, 600}},
				{Attribute: "dateRange", Operator: "EQ", Value: "2024-01-01T00:00:00Z/2025-01-01T00:00:00Z"},
				{Attribute: "wrapupCode", Operator: "EQ", Value: "w"},
				{Attribute: "user", Operator: "EQ", Value: "u"},
				{Attribute: "team", Operator: "EQ", Value: "t"},
			}},
		{Name: "b", ObjectType: "sms", RetentionPeriod: 30, Filters: []policy.Filter{
			{Attribute: "customerParticipation", Operator: "EQ", Value: "yes"},
			{Attribute: "language", Operator: "EQ", Value: "l"},
		}},
		{Name: "c", ObjectType: "interaction", RetentionPeriod: 2555, Filters: []policy.Filter{
			{Attribute: "duration", Operator: "OVER", Value: 30},
		}},
		{Name: "d", ObjectType: "chat", RetentionPeriod: 7, Enabled: new(bool)},
		{Name: "e", ObjectType: "email", RetentionPeriod: 400, Filters: []policy.Filter{{Attribute: "duration", Operator: "UNDER", Value: 10}}},
	}
	var lv []model.Policy
	for i, d := range all {
		lv = append(lv, live(string(rune('1'+i)), mapping.Canonical(d)))
	}
	p, err := Build(all, lv, policy.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Changes {
		if c.Action != Noop {
			t.Errorf("%s: %s, want noop; fields %+v", c.Name, c.Action, c.Fields)
		}
	}
}

func TestFingerprintIgnoresRendering(t *testing.T) {
	calls := desired("Calls", "call", 90, inbound)
	p1, _ := Build([]policy.Policy{calls}, nil, policy.DefaultSettings())
	calls.Source = policy.Source{File: "elsewhere.yaml", Line: 42}
	s := policy.DefaultSettings()
	s.Estimates.DailyVolumeGB = map[policy.ObjectType]float64{"call": 99}
	p2, _ := Build([]policy.Policy{calls}, nil, s)
	if p1.Fingerprint != p2.Fingerprint {
		t.Error("fingerprint changed with file position or estimates")
	}
	p3, _ := Build([]policy.Policy{desired("Calls", "call", 91, inbound)}, nil, policy.DefaultSettings())
	if p3.Fingerprint == p1.Fingerprint {
		t.Error("fingerprint did not change with the retention")
	}
	if !strings.HasPrefix(p1.Fingerprint, "sha256:") {
		t.Errorf("fingerprint %q", p1.Fingerprint)
	}
}

func TestDuplicateLiveNamesRefused(t *testing.T) {
	calls := desired("Calls", "call", 90)
	_, err := Build([]policy.Policy{calls}, []model.Policy{live("1", calls), live("2", calls)}, policy.DefaultSettings())
	if err == nil || !strings.Contains(err.Error(), "two policies named") {
		t.Fatalf("err = %v", err)
	}
}

func TestOverlapEffectiveRetention(t *testing.T) {
	short := desired("Inbound", "call", 90, inbound)
	long := desired("All calls", "call", 365)
	p, _ := Build([]policy.Policy{short, long}, nil, policy.DefaultSettings())
	if len(p.Overlaps) != 1 || !p.Overlaps[0].Shadowed || p.Overlaps[0].Effective != 365 {
		t.Fatalf("overlaps %+v", p.Overlaps)
	}
	for _, c := range p.Changes {
		if c.Name == "Inbound" && c.EffectiveRetention != 365 {
			t.Errorf("effective retention %d", c.EffectiveRetention)
		}
	}
	// Within the window the difference is immaterial.
	near := desired("All calls", "call", 100)
	p, _ = Build([]policy.Policy{short, near}, nil, policy.DefaultSettings())
	if len(p.Overlaps) != 0 {
		t.Errorf("overlaps within window: %+v", p.Overlaps)
	}
}

func TestStorage(t *testing.T) {
	d := desired("Calls", "call", 100)
	d.ArchiveAfter = 25
	p, _ := Build([]policy.Policy{d}, nil, policy.DefaultSettings())
	s := p.Changes[0].Storage
	// 2.5 GB/day × 1.2 × 100 days.
	if s.ProposedGB != 300 || s.CurrentGB != 0 || s.HotGB != 75 || s.ArchiveGB != 225 || s.Level != "LOW" {
		t.Errorf("storage %+v", s)
	}
	if p.Storage.ProposedGB != 300 || p.Storage.DeltaGB != 300 {
		t.Errorf("org storage %+v", p.Storage)
	}
}

// Live policies the plan leaves in place still keep recordings, so they
// count in the overlap analysis.
func TestOverlapWithUnmanagedLive(t *testing.T) {
	hold := unmanaged(live("9", desired("Legal hold", "call", 3650, policy.Filter{Attribute: "queue", Operator: "EQ", Value: "q2"})))
	p, err := Build([]policy.Policy{desired("Inbound", "call", 90, inbound)}, []model.Policy{hold}, policy.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Overlaps) != 1 || p.Overlaps[0].With != "Legal hold" || p.Overlaps[0].Shadowed {
		t.Fatalf("overlaps %+v", p.Overlaps)
	}
	if c := p.Changes[0]; c.EffectiveRetention != 3650 {
		t.Errorf("effective retention %d", c.EffectiveRetention)
	}
}

// Two desired policies never resolve to one live policy: applying both
// would merge them, and one policy would silently vanish.
func TestOneLivePolicyPerDesired(t *testing.T) {
	old := live("1", desired("Old", "call", 90))
	b, c := desired("B", "call", 120), desired("C", "call", 30)
	b.RenamedFrom, c.RenamedFrom = "Old", "Old"
	if _, err := Build([]policy.Policy{b, c}, []model.Policy{old}, policy.DefaultSettings()); err == nil || !strings.Contains(err.Error(), "both resolve") {
		t.Errorf("two claims: err = %v", err)
	}
	// A rename from a name still in the repository leaves that policy alone.
	kept := desired("Old", "call", 90)
	p, err := Build([]policy.Policy{kept, b}, []model.Policy{old}, policy.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range p.Changes {
		if ch.Name == "B" && ch.Action != Create || ch.Name == "Old" && ch.Action != Noop {
			t.Errorf("%s: %s", ch.Name, ch.Action)
		}
	}
}

// A live policy without deleteRetention keeps recordings for good: giving
// it a retention deletes recordings, so it is destructive, and while it is
// left alone it outlasts any overlapping policy.
func TestKeptForGood(t *testing.T) {
	forever := live("1", desired("Hold", "call", 90))
	forever.MediaPolicies.CallPolicy.Actions.RetentionDuration = nil
	p, err := Build([]policy.Policy{desired("Hold", "call", 90)}, []model.Policy{forever}, policy.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Changes[0]; c.Action != Update || c.Risk != Destructive {
		t.Errorf("forever → 90 days: %s %s %v", c.Action, c.Risk, c.Reasons)
	}
	p, _ = Build([]policy.Policy{desired("Calls", "call", 30)}, []model.Policy{unmanaged(forever)}, policy.DefaultSettings())
	if len(p.Overlaps) != 1 || p.Overlaps[0].Effective != policy.KeptForGood || !strings.Contains(strings.Join(p.Changes[0].Reasons, " "), "for good") {
		t.Errorf("overlap with a hold kept for good: %+v %v", p.Overlaps, p.Changes[0].Reasons)
	}
}

// A create whose name reads the same as a live policy's (case, width,
// spacing) would be refused by Genesys on every apply: the plan refuses it
// first, saying how to take the live one over.
func TestLookAlikeLiveNameIsRefused(t *testing.T) {
	live := []model.Policy{{ID: "l1", Name: "foo policy"}}
	p, err := Build([]policy.Policy{{Name: "Foo policy", ObjectType: "call", RetentionPeriod: 90}}, live, policy.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Violations) != 1 || p.Violations[0].Rule != "live.look-alike-name" || !strings.Contains(p.Violations[0].Message, `renamedFrom: "foo policy"`) {
		t.Errorf("violations %+v", p.Violations)
	}
}

// A listing that holds one id twice (a page repeated while the organisation
// changed) is refused rather than planned.
func TestRepeatedLiveIDIsRefused(t *testing.T) {
	live := []model.Policy{{ID: "l1", Name: "a"}, {ID: "l1", Name: "b"}}
	if _, err := Build(nil, live, policy.DefaultSettings()); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("err = %v", err)
	}
}
