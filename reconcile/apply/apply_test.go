package apply_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/apply"
	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/audit/audittest"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/genesys/genesystest"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

func pol(name string, media policy.ObjectType, days policy.Retention) policy.Policy {
	return policy.Policy{Name: name, ObjectType: media, RetentionPeriod: days}
}

// seed creates live policies; managed ones carry the marker.
func seed(t *testing.T, c apply.API, managed bool, ps ...policy.Policy) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, p := range ps {
		g := mapping.ToAPI(p, nil)
		if !managed {
			g.Description = "made by hand"
		}
		got, err := c.CreatePolicy(context.Background(), g)
		if err != nil {
			t.Fatal(err)
		}
		ids[p.Name] = got.ID
	}
	return ids
}

func planFor(t *testing.T, c apply.API, desired []policy.Policy, prune bool) (plan.Plan, []genesys.Policy) {
	t.Helper()
	live, err := c.ListPolicies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s := policy.DefaultSettings()
	s.Prune = prune
	p, err := plan.Build(desired, live, s)
	if err != nil {
		t.Fatal(err)
	}
	return p, live
}

func run(t *testing.T, c apply.API, p plan.Plan, live []genesys.Policy, rec *audittest.Recorder) apply.Result {
	t.Helper()
	res, err := apply.Run(context.Background(), c, p, live, apply.Options{Recorder: rec, Concurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func liveByName(t *testing.T, c apply.API) map[string][]genesys.Policy {
	t.Helper()
	live, err := c.ListPolicies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]genesys.Policy{}
	for _, l := range live {
		m[l.Name] = append(m[l.Name], l)
	}
	return m
}

func TestApplyEveryActionThenConverges(t *testing.T) {
	_, c := newOrg()
	ids := seed(t, c, true, pol("Old", "call", 30), pol("Rename me", "chat", 60), pol("Shorten", "email", 400))
	seed(t, c, false, pol("Adopt me", "message", 90), pol("Hand made", "call", 10))

	renamed := pol("Renamed", "chat", 60)
	renamed.RenamedFrom = "Rename me"
	desired := []policy.Policy{pol("New", "call", 90), renamed, pol("Shorten", "email", 100), pol("Adopt me", "message", 90)}
	p, live := planFor(t, c, desired, true)
	if s := p.Summary; s.Create != 1 || s.Update != 2 || s.Adopt != 1 || s.Delete != 1 {
		t.Fatalf("summary %+v", s)
	}
	rec := &audittest.Recorder{}
	res := run(t, c, p, live, rec)
	if !res.OK() || res.Count(apply.Applied) != 5 {
		t.Fatalf("result %+v", res)
	}
	got := liveByName(t, c)
	if got["Renamed"][0].ID != ids["Rename me"] || len(got["Rename me"]) != 0 {
		t.Errorf("rename did not keep the id: %+v", got["Renamed"])
	}
	if len(got["Old"]) != 0 || len(got["Hand made"]) != 1 || !mapping.IsManaged(got["Adopt me"][0]) {
		t.Errorf("delete, unmanaged or adopt wrong: %v", got)
	}
	again, _ := planFor(t, c, desired, true)
	if again.Summary.Changes() != 0 {
		t.Errorf("re-plan is not empty: %+v", again.Summary)
	}
	want := map[audit.Type]int{audit.PolicyCreated: 1, audit.PolicyRenamed: 1, audit.PolicyUpdated: 1, audit.PolicyAdopted: 1, audit.PolicyDeleted: 1}
	for typ, n := range want {
		if rec.Types()[typ] != n {
			t.Errorf("%s events: %d, want %d (%v)", typ, rec.Types()[typ], n, rec.Types())
		}
	}
}

// Deletes run after creates, and retention decreases after increases.
func TestApplyOrder(t *testing.T) {
	_, c := newOrg()
	seed(t, c, true, pol("Gone", "call", 30), pol("Down", "chat", 400), pol("Up", "email", 30))
	p, live := planFor(t, c, []policy.Policy{pol("Down", "chat", 100), pol("Up", "email", 400), pol("New", "call", 90)}, true)
	rec := &audittest.Recorder{}
	run(t, c, p, live, rec)
	pos := map[string]int{}
	for i, ev := range rec.Events() {
		pos[ev.Policy] = i
	}
	if !(pos["Up"] < pos["Down"] && pos["New"] < pos["Down"] && pos["Down"] < pos["Gone"]) {
		t.Errorf("order %v", pos)
	}
}

// A policy of the planned name appears before the POST: the 409 is resolved
// by taking it over when retainctl manages it, never by a duplicate, and
// never by touching a policy someone made by hand.
func TestApplyConflictOnCreate(t *testing.T) {
	for _, tc := range []struct {
		name     string
		strategy policy.Strategy
		managed  bool
		wantDays policy.Retention
		wantOK   bool
	}{
		{"merge-max keeps the longer retention", "merge-max", true, 365, true},
		{"warn overwrites", "warn", true, 90, true},
		{"fail fails", "fail", true, 365, false},
		{"unmanaged is never touched", "merge-max", false, 365, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, c := newOrg()
			p, live := planFor(t, c, []policy.Policy{pol("Race", "call", 90)}, false)
			p.Settings.Conflicts.Strategy = tc.strategy
			seed(t, c, tc.managed, pol("Race", "call", 365)) // someone else, meanwhile
			rec := &audittest.Recorder{}
			res := run(t, c, p, live, rec)
			if res.Failed() == 0 != tc.wantOK {
				t.Fatalf("result %+v", res.Changes)
			}
			got := liveByName(t, c)["Race"]
			if len(got) != 1 {
				t.Fatalf("%d policies named Race", len(got))
			}
			if days := mapping.FromAPI(got[0]).Policy.RetentionPeriod; days != tc.wantDays {
				t.Errorf("retention %d, want %d", days, tc.wantDays)
			}
			if mapping.IsManaged(got[0]) != tc.managed {
				t.Error("an unmanaged policy was taken over")
			}
			if tc.wantOK && rec.Types()[audit.ConflictResolved] != 1 {
				t.Errorf("events %v", rec.Types())
			}
		})
	}
}

// A managed policy that appeared before the POST and keeps recordings for
// good, or has fields retainctl cannot model, is never overwritten by
// merge-max: a finite retention would shorten it, and an update from the
// model would drop what it does not know.
func TestApplyConflictNeverShortensOrDrops(t *testing.T) {
	forever := mapping.ToAPI(pol("Race", "call", 30), nil)
	forever.ID = "race"
	forever.MediaPolicies.CallPolicy.Actions.RetentionDuration = nil
	unknown := mapping.ToAPI(pol("Race", "call", 30), nil)
	unknown.ID, unknown.Unknown = "race", []string{"mediaPolicies.callPolicy.conditions.futureField"}
	for name, found := range map[string]genesys.Policy{"kept for good": forever, "unknown fields": unknown} {
		p, err := plan.Build([]policy.Policy{pol("Race", "call", 30)}, nil, policy.DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		api := &genesystest.Fake{
			ListPoliciesFunc: func(context.Context) ([]genesys.Policy, error) { return []genesys.Policy{found}, nil },
			CreatePolicyFunc: func(context.Context, genesys.Policy) (genesys.Policy, error) {
				return genesys.Policy{}, &genesys.APIError{Status: 409}
			},
			FindPoliciesByNameFunc: func(context.Context, string) ([]genesys.Policy, error) { return []genesys.Policy{found}, nil },
			UpdatePolicyFunc: func(context.Context, string, genesys.Policy) (genesys.Policy, error) {
				t.Errorf("%s: the policy was overwritten", name)
				return genesys.Policy{}, nil
			},
		}
		res := run(t, api, p, nil, &audittest.Recorder{})
		if res.Failed() != 1 || !strings.Contains(res.Changes[0].Error.Message, "left alone") {
			t.Errorf("%s: result %+v", name, res.Changes)
		}
	}
}

// One change fails; the others complete, and a fresh plan and apply converge.
func TestApplyPartialFailureThenRerun(t *testing.T) {
	_, c := newOrg()
	ids := seed(t, c, true, pol("Vanishes", "call", 30))
	desired := []policy.Policy{pol("A", "call", 90), pol("B", "chat", 90), pol("Vanishes", "call", 60)}
	p, live := planFor(t, c, desired, false)
	if err := c.DeletePolicy(context.Background(), ids["Vanishes"]); err != nil {
		t.Fatal(err)
	}
	res := run(t, c, p, live, &audittest.Recorder{})
	if res.Failed() != 1 || res.Count(apply.Applied) != 2 || res.OK() {
		t.Fatalf("result %+v", res.Changes)
	}
	for _, ch := range res.Changes {
		if ch.Outcome == apply.Failed && (ch.Error == nil || ch.Error.Status != 404 || !strings.Contains(ch.Error.Message, "not.found")) {
			t.Errorf("failure lacks the API's answer: %+v", ch.Error)
		}
	}
	p, live = planFor(t, c, desired, false)
	if p.Summary.Create != 1 || p.Summary.Noop != 2 {
		t.Fatalf("rerun plan %+v", p.Summary)
	}
	if res := run(t, c, p, live, &audittest.Recorder{}); !res.OK() {
		t.Fatalf("rerun %+v", res)
	}
	for name, ps := range liveByName(t, c) {
		if len(ps) != 1 {
			t.Errorf("%d policies named %q", len(ps), name)
		}
	}
}

// A failure stops the later phases: no delete runs after a create or an
// update it may depend on has failed.
func TestFailureStopsLaterPhases(t *testing.T) {
	_, c := newOrg()
	ids := seed(t, c, true, pol("Vanishes", "call", 30), pol("Old name", "chat", 90))
	p, live := planFor(t, c, []policy.Policy{pol("Vanishes", "call", 60), pol("New name", "chat", 90)}, true)
	if err := c.DeletePolicy(context.Background(), ids["Vanishes"]); err != nil {
		t.Fatal(err)
	}
	rec := &audittest.Recorder{}
	res := run(t, c, p, live, rec)
	if rec.Types()[audit.ChangeSkipped] != 1 {
		t.Errorf("skipped delete not in the audit trail: %v", rec.Types())
	}
	outcome := map[string]apply.Outcome{}
	for _, ch := range res.Changes {
		outcome[ch.Name] = ch.Outcome
	}
	if outcome["Vanishes"] != apply.Failed || outcome["New name"] != apply.Applied || outcome["Old name"] != apply.Skipped {
		t.Errorf("outcomes %v", outcome)
	}
	if len(liveByName(t, c)["Old name"]) != 1 {
		t.Error("the delete ran after a failure")
	}
}

// failingAfter is an audit log that takes n events, then fails every one,
// like a disk filling up mid-run.
type failingAfter struct {
	audittest.Recorder
	n int
}

func (f *failingAfter) Record(ctx context.Context, e audit.Event) error {
	if len(f.Events()) >= f.n {
		return errors.New("disk full")
	}
	return f.Recorder.Record(ctx, e)
}

// Once the audit log fails, no further change is started and the run says
// why; the change it could not record the start of is not made.
func TestAuditFailureStopsTheRun(t *testing.T) {
	o, c := newOrg()
	p, live := planFor(t, c, []policy.Policy{pol("A", "call", 90), pol("B", "chat", 90), pol("C", "email", 90)}, false)
	rec := &failingAfter{n: 2} // A's start and outcome
	res, err := apply.Run(context.Background(), c, p, live, apply.Options{Recorder: rec, Concurrency: 1})
	if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "no change goes unrecorded") {
		t.Fatalf("error %v", err)
	}
	outcome := map[string]apply.Outcome{}
	for _, ch := range res.Changes {
		outcome[ch.Name] = ch.Outcome
	}
	if outcome["A"] != apply.Applied || outcome["B"] != apply.Skipped || outcome["C"] != apply.Skipped {
		t.Errorf("outcomes %v", outcome)
	}
	if live, _ := o.list(context.Background()); len(live) != 1 {
		t.Errorf("%d policies made, want only A", len(live))
	}
}
