package plan

import (
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
)

func TestKeptGB(t *testing.T) {
	e := policy.DefaultSettings().Estimates // call: 2.5 GB/day × 1.2
	p := policy.Policy{Name: "c", ObjectType: policy.Call, RetentionPeriod: 90}
	if got := KeptGB(&p, e, 30); got != 90 {
		t.Errorf("30 days of a 90-day policy: %v", got)
	}
	if got, steady := KeptGB(&p, e, 365*5), steadyGB(&p, e); got != 270 || got != steady {
		t.Errorf("after its retention: %v, the plan's steady state %v", got, steady)
	}
	forever := policy.Policy{ObjectType: policy.Call, RetentionPeriod: policy.KeptForGood}
	if got := KeptGB(&forever, e, 365); got != 1095 {
		t.Errorf("kept for good keeps every day: %v", got)
	}
	off := false
	p.Enabled = &off
	if KeptGB(&p, e, 365) != 0 || KeptGB(nil, e, 365) != 0 {
		t.Error("disabled or absent keeps nothing")
	}
	v := 1.0
	own := policy.Policy{ObjectType: policy.Message, RetentionPeriod: 30, DailyVolumeGB: &v}
	if got := KeptGB(&own, e, 365); got != 9 { // its own volume × message's 0.3
		t.Errorf("own volume: %v", got)
	}
}

// TestProjectConvergesOnThePlan: current is the live side and planned the
// desired side of each change, both with what the plan leaves alone; once
// every retention has run its course they are the plan's storage totals.
func TestProjectConvergesOnThePlan(t *testing.T) {
	s := policy.DefaultSettings()
	calls := policy.Policy{Name: "Calls", ObjectType: policy.Call, RetentionPeriod: 30}
	live := mapping.ToAPI(policy.Policy{Name: "Calls", ObjectType: policy.Call, RetentionPeriod: 400}, nil)
	live.ID = "id-1"
	hand := mapping.ToAPI(policy.Policy{Name: "Hand made", ObjectType: policy.Chat, RetentionPeriod: 60}, nil)
	hand.ID, hand.Description = "id-2", "made in the admin UI"
	p, err := Make(policy.Repo{Policies: []policy.Policy{calls}, Settings: s}, Live{Policies: []model.Policy{live, hand}})
	if err != nil {
		t.Fatal(err)
	}
	got := Project(p, []int{1, 3, 5})
	// one year: current 365 days × 3 GB + 60 days × 0.32 GB; planned 30 days × 3 GB + the same chat.
	if got[0] != (Projection{Years: 1, CurrentGB: 1114.2, PlannedGB: 109.2}) {
		t.Errorf("after a year: %+v", got[0])
	}
	if five := got[2]; five.CurrentGB != p.Storage.CurrentGB || five.PlannedGB != p.Storage.ProposedGB {
		t.Errorf("after five years %+v, the plan's totals %v → %v", five, p.Storage.CurrentGB, p.Storage.ProposedGB)
	}
	if left := LeftAlone(p, []model.Policy{live, hand}); len(left) != 1 || left[0].ID != "id-2" {
		t.Errorf("left alone: %+v", left)
	}
	if kept := LiveKept([]model.Policy{live, hand}); len(kept) != 2 || kept[0].RetentionPeriod != 400 {
		t.Errorf("live kept: %+v", kept)
	}
}

func TestUncoveredGB(t *testing.T) {
	e := policy.DefaultSettings().Estimates
	in := policy.Policy{Name: "in", ObjectType: policy.Call, RetentionPeriod: 90,
		Filters: []policy.Filter{{Attribute: "direction", Operator: "EQ", Value: "INBOUND"}}}
	c := CoverageOf([]policy.Policy{in,
		{Name: "chat", ObjectType: policy.Chat, RetentionPeriod: 30},
		{Name: "email", ObjectType: policy.Email, RetentionPeriod: 30},
		{Name: "msg", ObjectType: policy.Message, RetentionPeriod: 30}})
	// call outbound: half of 2.5 × 1.2 GB a day, every day.
	if got := c.UncoveredGB(e, 365); got != 547.5 {
		t.Errorf("a year of outbound calls: %v", got)
	}
}
