package enforce

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/audit/audittest"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/sim"
)

// fixture is a simulated org on loopback, a real client against it, and a
// record of the peak number of active jobs after every request.
type fixture struct {
	org    *sim.Org
	client *genesys.Client
	now    time.Time

	mu         sync.Mutex
	peakActive int
	slotErrors int // creates the org refused for the job limit
}

func newFixture(t testing.TB, now time.Time) *fixture {
	t.Helper()
	org, err := sim.New(sim.Options{Seed: 7, Now: func() time.Time { return now }, RateLimit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{org: org, now: now}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w}
		org.ServeHTTP(rec, r)
		f.mu.Lock()
		defer f.mu.Unlock()
		f.peakActive = max(f.peakActive, org.ActiveJobs())
		if r.Method == http.MethodPost && r.URL.Path == "/api/v2/recording/jobs" && rec.status == http.StatusBadRequest {
			f.slotErrors++
		}
	}))
	t.Cleanup(srv.Close)
	f.client, err = genesys.New(genesys.Config{BaseURL: srv.URL, ClientID: sim.DemoClientID, ClientSecret: sim.DemoClientSecret,
		RateLimit: 1 << 20, Sleep: noSleep})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(s int) { w.status = s; w.ResponseWriter.WriteHeader(s) }

func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// runner returns a silent runner on api that never really sleeps and
// records its audit events in rec.
func runner(api JobAPI, rec *audittest.Recorder) *Runner {
	return &Runner{API: api, Audit: rec, Sleep: noSleep, Timeout: time.Minute}
}

// enforce selects the due policies at f.now, plans and runs them.
func (f *fixture) enforce(t *testing.T, r *Runner, ps []policy.Policy) Report {
	t.Helper()
	sel, err := Select(ps, f.now, "")
	if err != nil {
		t.Fatal(err)
	}
	return r.Run(context.Background(), f.plan(t, ps, sel))
}

// plan creates ps in the organisation where they are not yet, reads them
// back and gates sel against them, as `retainctl enforce` does.
func (f *fixture) plan(t *testing.T, ps []policy.Policy, sel []Selected) Plan {
	t.Helper()
	ctx := context.Background()
	live, err := f.client.ListPolicies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, l := range live {
		have[l.Name] = true
	}
	for _, p := range ps {
		if !have[p.Name] {
			if _, err := f.client.CreatePolicy(ctx, mapping.ToAPI(p, nil)); err != nil {
				t.Fatalf("creating %q: %v", p.Name, err)
			}
		}
	}
	if live, err = f.client.ListPolicies(ctx); err != nil {
		t.Fatal(err)
	}
	pl, err := plan.Build(ps, live, policy.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	return NewPlan(Gate(sel, pl.Changes, live, nil), f.now, Horizon(f.now))
}

// withLive gives each selected policy a live policy exactly as written,
// for tests of the pure planning.
func withLive(sel []Selected) []Selected {
	out := slices.Clone(sel)
	for i := range out {
		if out[i].Live == nil {
			g := mapping.ToAPI(out[i].Policy, nil)
			g.ID = "id-" + out[i].Policy.Name
			out[i].Live = &g
		}
	}
	return out
}

// byID indexes recordings by id.
func byID(rs []sim.Recording) map[string]sim.Recording {
	m := make(map[string]sim.Recording, len(rs))
	for _, r := range rs {
		m[r.RecordingID] = r
	}
	return m
}
