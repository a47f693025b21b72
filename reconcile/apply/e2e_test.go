package apply_test

import (
	"net/http/httptest"
	"testing"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/audit/audittest"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/sim"
)

// These tests run apply through the real client against the simulator, for
// what the fake cannot show: the client's handling of the wire. Both rate
// limits are lifted so that they take milliseconds.

func newSim(t *testing.T) (*sim.Org, *genesys.Client) {
	t.Helper()
	const unlimited = 1 << 20
	org, err := sim.New(sim.Options{Seed: 1, RateLimit: unlimited})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	c, err := genesys.New(genesys.Config{BaseURL: srv.URL, ClientID: sim.DemoClientID, ClientSecret: sim.DemoClientSecret, RateLimit: unlimited})
	if err != nil {
		t.Fatal(err)
	}
	return org, c
}

// A create whose answer is lost is looked up, not re-sent.
func TestApplyLostCreateAnswer(t *testing.T) {
	org, c := newSim(t)
	p, live := planFor(t, c, []policy.Policy{pol("Once", "call", 90)}, false)
	org.DropResponse(1)
	if res := run(t, c, p, live, &audittest.Recorder{}); !res.OK() {
		t.Fatalf("result %+v", res.Changes)
	}
	if n := len(liveByName(t, c)["Once"]); n != 1 {
		t.Errorf("%d policies named Once", n)
	}
}

// The API's own 409 for a name taken since the plan is recognised, and
// resolved by taking the managed policy over.
func TestApplyConflictOnCreateAgainstSimulator(t *testing.T) {
	_, c := newSim(t)
	p, live := planFor(t, c, []policy.Policy{pol("Race", "call", 90)}, false)
	seed(t, c, true, pol("Race", "call", 365))
	rec := &audittest.Recorder{}
	if res := run(t, c, p, live, rec); res.Failed() != 0 {
		t.Fatalf("result %+v", res.Changes)
	}
	got := liveByName(t, c)["Race"]
	if len(got) != 1 || mapping.FromAPI(got[0]).Policy.RetentionPeriod != 365 {
		t.Fatalf("policies named Race: %+v", got)
	}
	if rec.Types()[audit.ConflictResolved] != 1 {
		t.Errorf("events %v", rec.Types())
	}
}
