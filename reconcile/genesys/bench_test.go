package genesys_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/sim"
)

// BenchmarkListPolicies250 lists 250 policies (3 pages) from the simulator
// over loopback, rate limiter and all.
func BenchmarkListPolicies250(b *testing.B) {
	e := newEnv(b, sim.Options{}, nil)
	defer e.srv.Close()
	ctx := context.Background()
	for i := range 250 {
		if _, err := e.client.CreatePolicy(ctx, callPolicy("bench "+strconv.Itoa(i), 30)); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if ps, err := e.client.ListPolicies(ctx); err != nil || len(ps) != 250 {
			b.Fatal(err, len(ps))
		}
	}
}

// BenchmarkRecordingJob runs a DELETE job end to end (create, poll to
// READY, execute, poll to FULFILLED) over all voice recordings.
func BenchmarkRecordingJob(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b, sim.Options{}, nil)
		b.StartTimer()
		j, err := e.client.CreateRecordingJob(ctx, deleteJob("voice"))
		if err != nil {
			b.Fatal(err)
		}
		for j.State != "READY" {
			j, _ = e.client.GetRecordingJob(ctx, j.ID)
		}
		if _, err := e.client.ExecuteRecordingJob(ctx, j.ID); err != nil {
			b.Fatal(err)
		}
		for j.State != "FULFILLED" {
			j, _ = e.client.GetRecordingJob(ctx, j.ID)
		}
		e.srv.Close()
	}
}

// The platform as the throughput benchmarks see it: 20 ms added to every
// answer and 300 requests a minute per token, answered 429 with
// Retry-After past that (limitedOrg).
const (
	benchLatency = 20 * time.Millisecond
	benchRate    = 300
)

// pattern is one way of using the API: the tokens and how many requests
// go at once.
type pattern struct {
	name       string
	pool       int // tokens
	listConc   int // pages at once after the first (1: one after another)
	createConc int // creates at once
	timeScale  int // 1: real time; n: every duration divided by n
}

var (
	// oldPattern is how retainctl used the API before issue 13: one token,
	// page after page, apply's default of 4 workers.
	oldPattern = pattern{name: "old", pool: 1, listConc: 1, createConc: 4, timeScale: 1}
	// newPattern is the pool switched on: 10 tokens (the Terraform
	// provider's pool), 8 pages at once, 10 workers.
	newPattern = pattern{name: "new", pool: 10, listConc: genesys.DefaultListConcurrency, createConc: 10, timeScale: 1}
)

// scaled returns p with every duration divided by n.
func (p pattern) scaled(n int) pattern {
	p.timeScale = n
	p.name += "-x" + strconv.Itoa(n)
	return p
}

// client is a client of o that uses the API as p says.
func (p pattern) client(b *testing.B, o *limitedOrg) *genesys.Client {
	cfg := o.config()
	cfg.TokenPool, cfg.ListConcurrency = p.pool, p.listConc
	c, err := genesys.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// org is a limitedOrg with n policies, at p's time scale.
func (p pattern) org(b *testing.B, n int) *limitedOrg {
	s := time.Duration(p.timeScale)
	return newLimitedOrg(b, benchRate, time.Minute/s, benchLatency/s, n)
}

// report adds the requests, 429s and (for a scaled run) the time the run
// would take on the platform, per operation.
func (p pattern) report(b *testing.B, o *limitedOrg, start time.Time) {
	through, limited := o.counts()
	reqs, n429 := 0, 0
	for _, n := range through {
		reqs += n
	}
	for _, n := range limited {
		n429 += n
	}
	b.ReportMetric(float64(reqs+o.granted())/float64(b.N), "requests/op")
	b.ReportMetric(float64(n429)/float64(b.N), "429s/op")
	if p.timeScale > 1 {
		b.ReportMetric(time.Since(start).Seconds()*float64(p.timeScale)/float64(b.N), "platform-s/op")
	}
}

// BenchmarkListAtTheLimit lists 1,000 and 10,000 policies the old way and
// the new way, in real time: 20 ms latency, 300 requests/min per token.
// Each operation is a fresh client (its tokens, its limiter).
func BenchmarkListAtTheLimit(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		for _, p := range []pattern{oldPattern, newPattern} {
			b.Run(strconv.Itoa(n)+"/"+p.name, func(b *testing.B) {
				o := p.org(b, n)
				ctx := context.Background()
				start := time.Now()
				for b.Loop() {
					if ps, err := p.client(b, o).ListPolicies(ctx); err != nil || len(ps) != n {
						b.Fatal(len(ps), err)
					}
				}
				p.report(b, o, start)
			})
		}
	}
}

// BenchmarkCreateAtTheLimit makes 1,000 creates the old way and the new
// way. At the real limit the old way takes three minutes, so both run 40
// times faster (a 1.5 s window, 0.5 ms latency) and report platform-s/op,
// the time scaled back; the new way also runs in real time, where it fits
// in its first minute's allowance.
func BenchmarkCreateAtTheLimit(b *testing.B) {
	for _, p := range []pattern{oldPattern.scaled(40), newPattern.scaled(40), newPattern} {
		b.Run("1000/"+p.name, func(b *testing.B) {
			o := p.org(b, 0)
			ctx := context.Background()
			start := time.Now()
			for b.Loop() {
				c := p.client(b, o)
				work := make(chan int)
				var wg sync.WaitGroup
				for range p.createConc {
					wg.Go(func() {
						for i := range work {
							if _, err := c.CreatePolicy(ctx, callPolicy("bench "+strconv.Itoa(i), 30)); err != nil {
								b.Error(err)
							}
						}
					})
				}
				for i := range 1000 {
					work <- i
				}
				close(work)
				wg.Wait()
			}
			p.report(b, o, start)
		})
	}
}
