package plan

import (
	"slices"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/policy"
)

func hold(name string, released bool, ids ...string) policy.Hold {
	return policy.Hold{Name: name, Owner: name + "@example.com", Reason: "r", ReviewBy: "2027-01-01", Released: released, Conversations: ids}
}

func protectedSet(ids ...string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func makePlan(t *testing.T, holds []policy.Hold, live Live) Plan {
	t.Helper()
	p, err := Make(policy.Repo{Holds: holds, Settings: policy.DefaultSettings()}, live)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A conversation two holds claim stays protected until both release it;
// what no active hold claims any more is released, and that is destructive.
func TestHoldsPlanProtectsAndReleases(t *testing.T) {
	holds := []policy.Hold{hold("A", false, "c1", "c2"), hold("B", true, "c2", "c3", "c4")}
	p := makePlan(t, holds, Live{Protected: protectedSet("c2", "c3")})
	a, b := p.Holds[0], p.Holds[1]
	if !slices.Equal(a.Protect, []string{"c1"}) || a.Risk != Safe || len(a.Release) != 0 {
		t.Errorf("A: %+v", a)
	}
	if !slices.Equal(b.Release, []string{"c3"}) || !slices.Equal(b.StillHeld, []string{"c2"}) || b.Risk != Destructive || len(b.Protect) != 0 {
		t.Errorf("B: %+v (c4 is not protected, so there is nothing to release)", b)
	}
	if p.Summary.Protect != 1 || p.Summary.Release != 1 || !p.HasDestructive() || p.Summary.Changes() != 2 {
		t.Errorf("summary %+v, destructive %v", p.Summary, p.HasDestructive())
	}
}

func TestHoldsAsWrittenAreNoChange(t *testing.T) {
	p := makePlan(t, []policy.Hold{hold("A", false, "c1")}, Live{Protected: protectedSet("c1")})
	if p.Summary.Changes() != 0 || p.Holds[0].Changed() || len(p.Holds[0].Reasons) != 0 {
		t.Errorf("plan %+v", p.Holds)
	}
}

// The reviewed plan is stale when protection changed in the organisation
// since it was made, and says which hold moved.
func TestHoldsStaleCheck(t *testing.T) {
	reviewed := makePlan(t, []policy.Hold{hold("A", false, "c1", "c2")}, Live{Protected: protectedSet("c1")})
	if err := CheckStale(reviewed, Live{Protected: protectedSet("c1")}); err != nil {
		t.Fatalf("unchanged organisation: %v", err)
	}
	err := CheckStale(reviewed, Live{})
	se, ok := err.(*StaleError)
	if !ok || len(se.Moved) != 1 {
		t.Fatalf("someone revoked c1 outside retainctl: err %v", err)
	}
}

func TestCeilingRisk(t *testing.T) {
	for _, tt := range []struct {
		desired, live int
		action        Action
		risk          Risk
	}{
		{0, 400, "", ""},
		{400, 400, Noop, Safe},
		{400, 0, Update, Destructive},
		{300, 400, Update, Destructive},
		{500, 400, Update, Review},
	} {
		s := policy.DefaultSettings()
		s.Analytics.RetentionDays = tt.desired
		p, err := Make(policy.Repo{Settings: s}, Live{Ceiling: tt.live})
		if err != nil {
			t.Fatal(err)
		}
		c := p.Ceiling
		switch {
		case tt.action == "" && c != nil:
			t.Errorf("%d → %d: unmanaged ceiling planned %+v", tt.live, tt.desired, c)
		case tt.action != "" && (c == nil || c.Action != tt.action || c.Risk != tt.risk):
			t.Errorf("%d → %d: %+v, want %s %s", tt.live, tt.desired, c, tt.action, tt.risk)
		}
		if want := tt.action == Update; (p.Summary.Ceiling == 1) != want {
			t.Errorf("%d → %d: summary %+v", tt.live, tt.desired, p.Summary)
		}
	}
}

// The fingerprint covers what apply does to holds and the ceiling, so a
// plan file edited to protect other conversations does not read.
func TestFingerprintCoversHoldsAndCeiling(t *testing.T) {
	base := makePlan(t, []policy.Hold{hold("A", false, "c1")}, Live{})
	other := makePlan(t, []policy.Hold{hold("A", false, "c9")}, Live{})
	if base.Fingerprint == other.Fingerprint {
		t.Error("protecting other conversations kept the fingerprint")
	}
	s := policy.DefaultSettings()
	s.Analytics.RetentionDays = 400
	p1, _ := Make(policy.Repo{Settings: s}, Live{Ceiling: 500})
	s.Analytics.RetentionDays = 300
	p2, _ := Make(policy.Repo{Settings: s}, Live{Ceiling: 500})
	if p1.Fingerprint == p2.Fingerprint {
		t.Error("another ceiling kept the fingerprint")
	}
}

// A hold merged after a release was reviewed keeps what it claims.
func TestStillClaimed(t *testing.T) {
	p := makePlan(t, []policy.Hold{hold("A", true, "c1", "c2")}, Live{Protected: protectedSet("c1", "c2")})
	if err := StillClaimed(p, []policy.Hold{hold("A", true, "c1", "c2")}); err != nil {
		t.Fatalf("nothing claims them now: %v", err)
	}
	if err := StillClaimed(p, []policy.Hold{hold("B", false, "c2")}); err == nil || !strings.Contains(err.Error(), `hold "B"`) {
		t.Fatalf("c2 is claimed by B: %v", err)
	}
}
