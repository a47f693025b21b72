package audit

import (
	"context"
	"testing"

	"github.com/google/uuid"
)

// BenchmarkRecord measures one durable (fsynced) Record.
func BenchmarkRecord(b *testing.B) {
	l := openTestLog(b)
	e := Event{Type: PolicyUpdated, Policy: "Inbound calls - 90 days", Outcome: Success,
		Before: map[string]any{"days": 30}, After: map[string]any{"days": 90}}
	for b.Loop() {
		if err := l.Record(context.Background(), e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordParallel shows fsyncs shared by concurrent writers.
func BenchmarkRecordParallel(b *testing.B) {
	l := openTestLog(b)
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := l.Record(context.Background(), Event{Type: JobReady, Outcome: Success}); err != nil {
				b.Error(err)
			}
		}
	})
}

// BenchmarkFlush10k delivers 10,000 pending events (100 POSTs) to a local receiver.
func BenchmarkFlush10k(b *testing.B) {
	rcv := newReceiver(b, nil)
	for b.Loop() {
		b.StopTimer()
		l := openTestLog(b)
		for range 10_000 {
			if _, err := l.write(Event{ID: uuid.NewString(), Type: PolicyUpdated, Policy: "p", Outcome: Success}); err != nil {
				b.Fatal(err)
			}
		}
		l.f.Sync()
		d, err := NewDeliverer(WebhookConfig{URL: rcv.srv.URL, Secret: testSecret})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := d.Flush(context.Background(), l.Path(), "bench", nil)
		if err != nil || res.Delivered != 10_000 {
			b.Fatal(res, err)
		}
	}
}
