// Tests of Session: pending events healed at start, report and delivery at the end.

package audit

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/redact"
)

func TestSessionDeliversPendingThenReports(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	earlier, err := Open(path, WithMasker(redact.New()), WithCI(nil))
	if err != nil {
		t.Fatal(err)
	}
	ids := recordN(t, earlier, 2) // a run whose webhook was down
	earlier.Close()

	rcv := newReceiver(t, nil)
	var out bytes.Buffer
	s, err := StartSession(ctx, path, testDeliverer(t, rcv.srv.URL), &out, WithMasker(redact.New()), WithCI(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "delivered 2 events left pending by earlier runs") {
		t.Fatalf("start: %q", out.String())
	}
	if err := s.Record(ctx, Event{Type: ApplyStarted}); err != nil {
		t.Fatal(err)
	}
	s.RecordRequest(RequestStat{Method: "GET", Status: 200, Latency: time.Millisecond, Attempt: 1})
	rep, pending, err := s.Finish(ctx)
	if err != nil || pending != 0 || rep.Events[ApplyStarted] != 1 || rep.Requests.Total != 1 {
		t.Fatalf("Finish = %+v, %d, %v", rep, pending, err)
	}
	if _, err := os.Stat(reportPath(path, rep.RunID)); err != nil {
		t.Fatalf("report file: %v", err)
	}
	if !strings.Contains(out.String(), "Audit report, run "+rep.RunID) || !strings.Contains(out.String(), "1 events delivered, 0 pending") {
		t.Fatalf("finish: %q", out.String())
	}
	if seen := rcv.counts(); len(seen) != len(ids)+1 {
		t.Fatalf("receiver saw %d events, want %d", len(seen), len(ids)+1)
	}
	if last := rcv.bodies[len(rcv.bodies)-1]; !bytes.Contains(last, []byte(`"report":{"runId":"`+rep.RunID)) {
		t.Fatalf("report not delivered: %s", last)
	}
}

func TestSessionWithoutWebhook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	var out bytes.Buffer
	s, err := StartSession(context.Background(), path, nil, &out, WithMasker(redact.New()), WithCI(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Record(context.Background(), Event{Type: EnforceStarted}); err != nil {
		t.Fatal(err)
	}
	if _, pending, err := s.Finish(context.Background()); err != nil || pending != 0 {
		t.Fatalf("Finish: %d pending, %v", pending, err)
	}
	if !strings.Contains(out.String(), "no "+EnvWebhookURL+" set") {
		t.Fatalf("%q", out.String())
	}
}
