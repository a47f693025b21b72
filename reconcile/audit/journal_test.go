// Tests of the journal: recording, torn tails, concurrency, reading back.

package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRecordStampsAndPersists(t *testing.T) {
	clock := time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.FixedZone("X", 3600))
	ci := &CI{Repository: "acme/retention", Commit: "abc123", PullRequest: 7}
	l := openTestLog(t, withRunID("run-1"), withClock(func() time.Time { return clock }), WithCI(ci), WithTool("retainctl v1"))
	ctx := context.Background()
	if err := l.Record(ctx, Event{Type: PolicyCreated, Policy: "Calls 90d", PolicyID: "pid", Outcome: Success,
		After: map[string]any{"name": "Calls 90d"}, RequestID: "ctx-1", LatencyMs: 12.5}); err != nil {
		t.Fatal(err)
	}
	if err := l.Record(ctx, Event{}); err == nil {
		t.Fatal("an event without a type must be refused")
	}
	entries, warns, err := ReadLog(l.Path())
	if err != nil || len(warns) != 0 || len(entries) != 1 {
		t.Fatalf("ReadLog = %d entries, %v, %v", len(entries), warns, err)
	}
	e := entries[0].Event
	if e.ID == "" || e.RunID != "run-1" || e.Seq != 1 || e.Tool != "retainctl v1" || *e.CI != *ci {
		t.Fatalf("stamps: %+v", e)
	}
	if !e.Time.Equal(clock) || e.Time.Location() != time.UTC {
		t.Fatalf("time %v, want %v in UTC", e.Time, clock)
	}
	if !strings.Contains(string(entries[0].Raw), `"time":"2025-03-01T11:00:00.123456789Z"`) {
		t.Fatalf("time not RFC 3339 UTC with nanoseconds: %s", entries[0].Raw)
	}
	if string(e.After.(map[string]any)["name"].(string)) != "Calls 90d" {
		t.Fatalf("after: %#v", e.After)
	}
}

func TestOpenRepairsTornTail(t *testing.T) {
	l := openTestLog(t)
	ids := recordN(t, l, 3)
	l.Close()
	f, _ := os.OpenFile(l.Path(), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"id":"torn","type":"policy.upd`) // a crash mid-write
	f.Close()

	var warned []string
	l2, err := Open(l.Path(), WithWarnings(func(s string) { warned = append(warned, s) }), WithCI(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if len(warned) != 1 {
		t.Fatalf("warnings on open: %v", warned)
	}
	ids = append(ids, recordN(t, l2, 1)...)
	entries, warns, err := ReadLog(l.Path())
	if err != nil || len(warns) != 1 || warns[0].Line != 4 {
		t.Fatalf("warnings %v, err %v", warns, err)
	}
	if got := entryIDs(entries); fmt.Sprint(got) != fmt.Sprint(ids) {
		t.Fatalf("ids %v, want %v", got, ids)
	}
}

func TestConcurrentRecord(t *testing.T) {
	l := openTestLog(t)
	const workers, each = 16, 50
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				if err := l.Record(context.Background(), Event{Type: JobReady, Message: fmt.Sprintf("w%d-%d", w, i)}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	entries, warns, err := ReadLog(l.Path())
	if err != nil || len(warns) != 0 {
		t.Fatal(warns, err)
	}
	msgs := map[string]int{}
	seqs := map[int64]bool{}
	for _, e := range entries {
		msgs[e.Event.Message]++
		seqs[e.Event.Seq] = true
	}
	if len(entries) != workers*each || len(msgs) != workers*each || len(seqs) != workers*each {
		t.Fatalf("%d entries, %d distinct messages, %d distinct seqs; want %d", len(entries), len(msgs), len(seqs), workers*each)
	}
}

func TestRecordAfterClose(t *testing.T) {
	l := openTestLog(t)
	l.Close()
	if err := l.Record(context.Background(), Event{Type: Error}); err == nil {
		t.Fatal("Record after Close must fail")
	}
}

func TestParseLogSkipsGarbage(t *testing.T) {
	in := `{"id":"a","type":"error"}
not json
{"id":"","type":"error"}

{"id":"a","type":"error"}
{"id":"b","type":"job.ready"`
	entries, warns, err := parseLog(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(entryIDs(entries)) != "[a]" || len(warns) != 4 {
		t.Fatalf("entries %v, warnings %v", entryIDs(entries), warns)
	}
}

func FuzzParseLog(f *testing.F) {
	f.Add([]byte(`{"id":"a","type":"error","time":"2025-01-01T00:00:00Z"}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, _, err := parseLog(strings.NewReader(string(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Event.ID == "" || e.Event.Type == "" || !json.Valid(e.Raw) {
				t.Fatalf("bad entry %+v", e)
			}
		}
	})
}

func entryIDs(entries []Entry) []string {
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.Event.ID)
	}
	return ids
}

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
