package genesys_test

import (
	"context"
	"errors"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/sim"
)

const queue1 = "5b7b5a0e-0d4e-4c2b-9a51-4a1f2c3d4e01"

func deleteJob(media string) genesys.RecordingJobsQuery {
	return genesys.RecordingJobsQuery{
		Action: genesys.JobDelete,
		ConversationQuery: &genesys.AsyncConversationQuery{
			Interval: "2022-06-01T00:00:00.000Z/2026-11-01T00:00:00.000Z",
			SegmentFilters: []genesys.QueryFilter{
				{Type: "and", Predicates: []genesys.Predicate{
					{Type: "dimension", Dimension: "mediaType", Value: media},
					{Type: "dimension", Dimension: "queueId", Value: queue1},
				}},
				{Type: "or", Predicates: []genesys.Predicate{
					{Dimension: "direction", Value: "inbound"},
				}},
			},
		},
	}
}

// poll reads a job until it reaches want, failing after a few polls.
func poll(t *testing.T, c *genesys.Client, id, want string) genesys.RecordingJob {
	t.Helper()
	for range 10 {
		j, err := c.GetRecordingJob(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if j.State == want {
			return j
		}
	}
	t.Fatalf("job %s never reached %s", id, want)
	return genesys.RecordingJob{}
}

func TestRecordingJobLifecycle(t *testing.T) {
	e := newEnv(t, sim.Options{Seed: 7}, nil)
	ctx := context.Background()
	before := e.org.Recordings("call")
	want := 0
	for _, r := range before {
		if r.QueueID == queue1 && r.Direction == "inbound" && r.CreatedAt.Year() < 2027 && r.CreatedAt.Before(e.clock.Now().AddDate(0, -1, 0)) {
			want++
		}
	}
	j, err := e.client.CreateRecordingJob(ctx, deleteJob("voice"))
	if err != nil || j.State != genesys.JobPending || j.ID == "" {
		t.Fatalf("create: %v %+v", err, j)
	}
	if _, err := e.client.ExecuteRecordingJob(ctx, j.ID); err == nil {
		t.Fatal("executing a PENDING job must fail")
	}
	ready := poll(t, e.client, j.ID, genesys.JobReady)
	if ready.TotalRecordings == 0 || ready.TotalRecordings > want+5 {
		t.Fatalf("ready totals = %d recordings, expected about %d", ready.TotalRecordings, want)
	}
	if _, err := e.client.ExecuteRecordingJob(ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	done := poll(t, e.client, j.ID, genesys.JobFulfilled)
	if done.PercentProgress != 100 || done.TotalProcessedRecordings != ready.TotalRecordings {
		t.Fatalf("fulfilled job = %+v", done)
	}
	after := e.org.Recordings("voice")
	if len(before)-len(after) != ready.TotalRecordings {
		t.Fatalf("deleted %d recordings, job said %d", len(before)-len(after), ready.TotalRecordings)
	}
	for _, r := range after {
		if r.QueueID == queue1 && r.Direction == "inbound" && r.CreatedAt.Before(e.clock.Now().AddDate(0, -1, 0)) && r.CreatedAt.Year() >= 2020 {
			t.Fatalf("recording %s should have been deleted", r.RecordingID)
		}
	}
	failed, err := e.client.ListFailedRecordings(ctx, j.ID)
	if err != nil || len(failed) != 0 {
		t.Fatalf("failed recordings: %v %v", err, failed)
	}
	if err := e.client.CancelRecordingJob(ctx, j.ID); err == nil {
		t.Fatal("cancelling a FULFILLED job must fail")
	}
	list, err := e.client.ListRecordingJobs(ctx, genesys.JobFulfilled)
	if err != nil || len(list) != 1 || list[0].ID != j.ID {
		t.Fatalf("list fulfilled: %v %+v", err, list)
	}
}

func TestAtMostTwoActiveJobs(t *testing.T) {
	e := newEnv(t, sim.Options{}, nil)
	ctx := context.Background()
	var ids []string
	for range 2 {
		j, err := e.client.CreateRecordingJob(ctx, deleteJob("chat"))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	_, err := e.client.CreateRecordingJob(ctx, deleteJob("chat"))
	var ae *genesys.APIError
	if !errors.As(err, &ae) || ae.Status != 400 || len(ae.Details) != 1 || ae.Details[0].ErrorCode != "recording.job.concurrent.limit" {
		t.Fatalf("third job: want 400 concurrent limit, got %v", err)
	}
	if err := e.client.CancelRecordingJob(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.CreateRecordingJob(ctx, deleteJob("chat")); err != nil {
		t.Fatalf("after a cancel a slot is free: %v", err)
	}
	pending, err := e.client.ListRecordingJobs(ctx, genesys.JobPending)
	if err != nil || len(pending) != 2 {
		t.Fatalf("pending jobs: %v %d", err, len(pending))
	}
}

func TestJobValidation(t *testing.T) {
	e := newEnv(t, sim.Options{}, nil)
	ctx := context.Background()
	for name, q := range map[string]genesys.RecordingJobsQuery{
		"bad action":      {Action: "PURGE", ConversationQuery: deleteJob("voice").ConversationQuery},
		"export needs id": {Action: genesys.JobExport, ConversationQuery: deleteJob("voice").ConversationQuery},
		"no query":        {Action: genesys.JobDelete},
		"bad interval":    {Action: genesys.JobDelete, ConversationQuery: &genesys.AsyncConversationQuery{Interval: "last week"}},
		"unknown dimension": {Action: genesys.JobDelete, ConversationQuery: &genesys.AsyncConversationQuery{
			Interval:       "2024-01-01T00:00:00Z/2024-02-01T00:00:00Z",
			SegmentFilters: []genesys.QueryFilter{{Type: "and", Predicates: []genesys.Predicate{{Dimension: "colour", Value: "red"}}}}}},
	} {
		_, err := e.client.CreateRecordingJob(ctx, q)
		var ae *genesys.APIError
		if !errors.As(err, &ae) || ae.Status != 400 || ae.Code != "invalid.value" {
			t.Errorf("%s: want 400 invalid.value, got %v", name, err)
		}
	}
}
