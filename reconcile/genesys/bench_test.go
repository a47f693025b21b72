package genesys_test

import (
	"context"
	"strconv"
	"testing"

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
