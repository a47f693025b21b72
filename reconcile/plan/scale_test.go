package plan_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/sim"
)

var media = []policy.ObjectType{"call", "chat", "email", "message"}

// generated returns n desired policies, each on its own queue so that the
// overlap index has realistic work.
func generated(n int) []policy.Policy {
	out := make([]policy.Policy, n)
	for i := range out {
		out[i] = policy.Policy{
			Name: fmt.Sprintf("policy-%05d", i), ObjectType: media[i%len(media)], RetentionPeriod: policy.Retention(30 + i%700),
			Filters: []policy.Filter{{Attribute: "queue", Operator: "EQ", Value: fmt.Sprintf("queue-%d", i)}},
		}
	}
	return out
}

// orgWith serves a simulator holding live and returns a client for it. The
// simulator's and client's rate limits are lifted: seeding is not measured.
func orgWith(tb testing.TB, live []policy.Policy) (*sim.Org, *genesys.Client, string) {
	tb.Helper()
	org, err := sim.New(sim.Options{Seed: 1, RateLimit: 1 << 30})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(org)
	tb.Cleanup(srv.Close)
	c, err := genesys.New(genesys.Config{BaseURL: srv.URL, ClientID: sim.DemoClientID, ClientSecret: sim.DemoClientSecret, RateLimit: 1 << 30})
	if err != nil {
		tb.Fatal(err)
	}
	var wg sync.WaitGroup
	var failed atomic.Value
	sem := make(chan struct{}, 8)
	for _, p := range live {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if _, err := c.CreatePolicy(context.Background(), mapping.ToAPI(p, nil)); err != nil {
				failed.Store(err)
			}
		}()
	}
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		tb.Fatal(err)
	}
	return org, c, srv.URL
}

// Planning lists; it never GETs policies one by one.
func TestPlanListsOnly(t *testing.T) {
	org, _, url := orgWith(t, generated(1000))
	before := org.RouteCounts()
	fresh, err := genesys.New(genesys.Config{BaseURL: url, ClientID: sim.DemoClientID, ClientSecret: sim.DemoClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	live, err := fresh.ListPolicies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(generated(1000), live, policy.DefaultSettings())
	if err != nil || p.Summary.Noop != 1000 {
		t.Fatalf("plan %+v, %v", p.Summary, err)
	}
	after := org.RouteCounts()
	used := map[string]int{}
	for route, n := range after {
		if d := n - before[route]; d > 0 {
			used[route] = d
		}
	}
	want := map[string]int{"POST /oauth/token": 1, "GET /api/v2/recording/mediaretentionpolicies": 10}
	if fmt.Sprint(used) != fmt.Sprint(want) {
		t.Errorf("requests %v, want %v", used, want)
	}
}

// BenchmarkPlan10k plans 10,000 desired policies against 10,000 live ones
// (a third changed) through the in-process simulator: listing and diffing.
func BenchmarkPlan10k(b *testing.B) {
	const n = 10_000
	live := generated(n)
	org, c, _ := orgWith(b, live)
	desired := generated(n)
	for i := 0; i < n; i += 3 {
		desired[i].RetentionPeriod++
	}
	peak := watchHeap(b)
	requests := org.RequestCount()
	b.ResetTimer()
	for range b.N {
		got, err := c.ListPolicies(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		p, err := plan.Build(desired, got, policy.DefaultSettings())
		if err != nil || p.Summary.Update != (n+2)/3 {
			b.Fatalf("plan %+v, %v", p.Summary, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(org.RequestCount()-requests)/float64(b.N), "requests/op")
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
}

// watchHeap samples the heap in use until the benchmark ends and returns
// a function reporting the largest sample.
func watchHeap(b *testing.B) func() uint64 {
	var max atomic.Uint64
	done := make(chan struct{})
	b.Cleanup(func() { close(done) })
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > max.Load() {
					max.Store(ms.HeapInuse)
				}
			}
		}
	}()
	return max.Load
}
