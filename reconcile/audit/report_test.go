// Tests of the run report.

package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBuildReport(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	events := []Event{
		{Type: ApplyStarted, Time: at(0)},
		{Type: ChangeStarted, Action: "create", Time: at(1)},
		{Type: ChangeStarted, Action: "create", Time: at(1)},
		{Type: ChangeStarted, Action: "create", Time: at(1)},
		{Type: ChangeStarted, Action: "create", Time: at(1)},
		{Type: PolicyCreated, Outcome: Success, Time: at(1)},
		{Type: PolicyCreated, Outcome: Success, Time: at(2)},
		{Type: ConflictResolved, Outcome: Success, Time: at(2)},
		{Type: Error, Action: "create", Outcome: Failure, Time: at(3)},
		{Type: PolicyUpdated, Outcome: Success, Time: at(3)},
		{Type: PolicyDeleted, Outcome: Skipped, Time: at(3)},
		{Type: Error, Outcome: Failure, Time: at(3)},
		{Type: JobCreated, JobID: "j1", Policy: "A", Time: at(4)},
		{Type: JobCreated, JobID: "j2", Policy: "B", Time: at(4)},
		{Type: JobFulfilled, JobID: "j1", Time: at(14)},
		{Type: JobFailed, JobID: "j2", Time: at(9)},
		{Type: ApplyFinished, Time: at(20)},
	}
	var stats []RequestStat
	for i := 1; i <= 100; i++ {
		stats = append(stats, RequestStat{Status: 200, Latency: time.Duration(i) * time.Millisecond, Attempt: 1, PaceWait: 15 * time.Millisecond})
	}
	stats = append(stats,
		RequestStat{Status: 429, RateLimited: true, RetryWait: 2 * time.Second, Latency: time.Millisecond, Attempt: 1},
		RequestStat{Status: 503, Latency: 200 * time.Millisecond, Attempt: 2},
		RequestStat{Err: errors.New("reset"), Attempt: 3})
	r := buildReport("run", events, stats)

	if r.Events[PolicyCreated] != 2 || r.Errors != 2 || r.DurationMs != 20000 || !r.Start.Equal(at(0)) {
		t.Fatalf("totals: %+v", r)
	}
	if c := r.Changes; c.Applied != 4 || c.Failed != 1 || c.Skipped != 1 || *c.SuccessRate != 0.8 {
		t.Fatalf("changes: %+v", c)
	}
	if c := r.Conflicts; c.Creates != 4 || c.Resolved != 1 || *c.Rate != 1.0/4 {
		t.Fatalf("conflicts: %+v", c)
	}
	q := r.Requests // latencies sorted: 0,1,1,2..100,200 ms; nearest rank
	if q.Total != 103 || q.Failed != 2 || q.Retries != 2 || q.RateLimited != 1 || q.RateLimitWaitMs != 2000 ||
		q.PaceWaitMs != 1500 || q.P50Ms != 50 || q.P95Ms != 96 || q.MaxMs != 200 {
		t.Fatalf("requests: %+v", q)
	}
	var text strings.Builder
	if err := r.WriteText(&text); err != nil || !strings.Contains(text.String(), "\n  429s:      1, 2.0s spent waiting; paced 1.5s\n") {
		t.Fatalf("the 429 line: %q, %v", text.String(), err)
	}
	j := r.Jobs
	if j.Created != 2 || j.Fulfilled != 1 || j.Failed != 1 || j.AvgMs != 10000 || j.MaxMs != 10000 || len(j.Durations) != 2 ||
		j.Durations[0] != (JobDuration{JobID: "j1", Policy: "A", State: JobFulfilled, DurationMs: 10000}) {
		t.Fatalf("jobs: %+v", j)
	}
}

func TestReportEmptyRatesAreNull(t *testing.T) {
	r := buildReport("run", nil, nil)
	data, _ := json.Marshal(r)
	if !bytes.Contains(data, []byte(`"successRate":null`)) || !bytes.Contains(data, []byte(`"rate":null`)) {
		t.Fatalf("%s", data)
	}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil || !strings.Contains(b.String(), "success rate n/a") {
		t.Fatalf("%q, %v", b.String(), err)
	}
}

func TestWriteReportFile(t *testing.T) {
	dir := t.TempDir()
	path := reportPath(filepath.Join(dir, "audit.jsonl"), "r1")
	if filepath.Base(path) != "retainctl-report-r1.json" {
		t.Fatal(path)
	}
	r := buildReport("r1", []Event{{Type: PolicyCreated, Outcome: Success}}, nil)
	if err := writeReportFile(path, r, nil); err != nil {
		t.Fatal(err)
	}
	var back Report
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &back); err != nil || back.Changes.Applied != 1 {
		t.Fatalf("%s: %v", data, err)
	}
}

func TestRequestStatsRecorder(t *testing.T) {
	var s requestStats
	s.add(RequestStat{Method: "GET", Status: 200, Latency: time.Millisecond})
	if got := s.snapshot(); len(got) != 1 || got[0].Method != "GET" {
		t.Fatalf("%+v", got)
	}
}

func TestReportTextNamesConflictsOnlyWithCreates(t *testing.T) {
	var none strings.Builder
	if err := buildReport("enforce", []Event{{Type: JobCreated}}, nil).WriteText(&none); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(none.String(), "conflicts:") {
		t.Errorf("a run without creates reports conflicts:\n%s", none.String())
	}
	var some strings.Builder
	creates := []Event{{Type: ChangeStarted, Action: "create"}, {Type: ConflictResolved}}
	if err := buildReport("apply", creates, nil).WriteText(&some); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(some.String(), "conflicts: 1 resolved of 1 creates") {
		t.Errorf("a run with a create does not report its conflicts:\n%s", some.String())
	}
}
