package apply_test

import (
	"context"
	"fmt"
	"github.com/retainctl/retainctl/reconcile/audit/audittest"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/apply"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/sim"
)

// throttled counts the 429s the client met.
type throttled struct{ n atomic.Int64 }

func (t *throttled) RecordRequest(s genesys.RequestStat) {
	if s.RateLimited {
		t.n.Add(1)
	}
}

// BenchmarkApply1000Creates applies 1,000 creates against a simulator that
// allows 3,000 requests a minute, with the client paced at the same rate. The
// bound is the requests divided by the rate: about 20 s.
func BenchmarkApply1000Creates(b *testing.B) {
	const n, perMinute = 1000, 3000
	for range b.N {
		org, err := sim.New(sim.Options{Seed: 1, RateLimit: perMinute})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(org)
		rec := &throttled{}
		c, err := genesys.New(genesys.Config{BaseURL: srv.URL, ClientID: sim.DemoClientID, ClientSecret: sim.DemoClientSecret,
			RateLimit: perMinute, Recorder: rec})
		if err != nil {
			b.Fatal(err)
		}
		desired := make([]policy.Policy, n)
		for i := range desired {
			desired[i] = policy.Policy{Name: fmt.Sprintf("bench-%04d", i), ObjectType: "call", RetentionPeriod: 90}
		}
		p, err := plan.Build(desired, nil, policy.DefaultSettings())
		if err != nil {
			b.Fatal(err)
		}
		before := org.RequestCount()
		start := time.Now()
		res, err := apply.Run(context.Background(), c, p, nil, apply.Options{Concurrency: 8, Recorder: &audittest.Recorder{}})
		wall := time.Since(start)
		if err != nil || !res.OK() {
			b.Fatalf("apply: %v, %d failed", err, res.Failed())
		}
		requests := org.RequestCount() - before
		bound := time.Duration(requests) * time.Minute / perMinute
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(bound.Seconds(), "bound-s")
		b.ReportMetric(wall.Seconds()/bound.Seconds(), "wall/bound")
		b.ReportMetric(float64(rec.n.Load()), "429s")
		b.ReportMetric(float64(requests), "requests")
		srv.Close()
	}
}
