package enforce

import (
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Check refuses every way a job could be wider than its policy.
func TestCheckRefusesWiderJobs(t *testing.T) {
	now := at("2026-11-30T12:00:00Z")
	scope := policy.Policy{Name: "p", ObjectType: "call", RetentionPeriod: 90, Filters: []policy.Filter{
		{Attribute: "queue", Operator: "IN", Value: []any{"q1", "q2"}},
		{Attribute: "dateRange", Operator: "EQ", Value: "2024-01-01T00:00:00Z/2025-01-01T00:00:00Z"},
	}}
	jobs, err := Jobs(scope, now, Horizon(now))
	if err != nil || len(jobs) != 1 {
		t.Fatalf("%v %+v", err, jobs)
	}
	good := jobs[0].Query
	if err := Check(good, scope, 90, now, Horizon(now)); err != nil {
		t.Fatalf("the built job fails its own check: %v", err)
	}
	tests := []struct {
		name   string
		change func(q *genesys.RecordingJobsQuery)
		want   string
	}{
		{"aged interval", func(q *genesys.RecordingJobsQuery) {
			q.ConversationQuery, q.AgedConversationInterval = nil, "2019-01-01T00:00:00Z/2019-06-01T00:00:00Z"
		}, "agedConversationInterval"},
		{"younger action age", func(q *genesys.RecordingJobsQuery) { q.ActionAge = 30 }, "no less than 90"},
		{"an action date", func(q *genesys.RecordingJobsQuery) { q.ActionDate = "2026-01-01T00:00:00Z" }, "date"},
		{"screen recordings by default", func(q *genesys.RecordingJobsQuery) { q.IncludeScreenRecordings = nil }, "screen recordings"},
		{"a screen recording age", func(q *genesys.RecordingJobsQuery) { q.ScreenRecordingActionAge = 1 }, "screen recordings"},
		{"sensitive data", func(q *genesys.RecordingJobsQuery) { yes := true; q.IncludeRecordingsWithSensitiveData = &yes }, "options"},
		{"no queue filter", func(q *genesys.RecordingJobsQuery) {
			q.ConversationQuery.SegmentFilters = q.ConversationQuery.SegmentFilters[:1]
		}, "does not filter by queueId"},
		{"another queue", func(q *genesys.RecordingJobsQuery) {
			q.ConversationQuery.SegmentFilters[1].Predicates = append(q.ConversationQuery.SegmentFilters[1].Predicates, genesys.Predicate{Dimension: "queueId", Value: "q9"})
		}, `"q9"`},
		{"another medium", func(q *genesys.RecordingJobsQuery) {
			q.ConversationQuery.SegmentFilters[0].Predicates[0].Value = "chat"
		}, `"chat"`},
		{"a clause", func(q *genesys.RecordingJobsQuery) {
			q.ConversationQuery.SegmentFilters[1].Clauses = []genesys.Clause{{Type: "or", Predicates: []genesys.Predicate{{Dimension: "queueId", Value: "q9"}}}}
		}, "shape"},
		{"exists instead of matches", func(q *genesys.RecordingJobsQuery) {
			q.ConversationQuery.SegmentFilters[1].Predicates[0].Operator = "exists"
		}, "predicate"},
		{"outside the dateRange", func(q *genesys.RecordingJobsQuery) {
			q.ConversationQuery.Interval = "2023-01-01T00:00:00Z/2024-06-01T00:00:00Z"
		}, "dateRanges"},
		{"before the horizon", func(q *genesys.RecordingJobsQuery) {
			q.ConversationQuery.Interval = "2020-01-01T00:00:00Z/2024-06-01T00:00:00Z"
		}, "five years"},
		{"a conversation filter, even of ids (only a counting job has one)", func(q *genesys.RecordingJobsQuery) {
			q.ConversationQuery.ConversationFilters = []genesys.QueryFilter{{Type: "or", Predicates: []genesys.Predicate{{Dimension: "conversationId", Operator: "matches", Value: "c"}}}}
		}, "filters retainctl does not build"},
		{"evaluation filters", func(q *genesys.RecordingJobsQuery) {
			q.ConversationQuery.EvaluationFilters = []byte(`[{"type":"or"}]`)
		}, "filters retainctl does not build"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := clone(t, good)
			tt.change(&q)
			if err := Check(q, scope, 90, now, Horizon(now)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check = %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func clone(t *testing.T, q genesys.RecordingJobsQuery) genesys.RecordingJobsQuery {
	t.Helper()
	cq := *q.ConversationQuery
	cq.SegmentFilters = nil
	for _, f := range q.ConversationQuery.SegmentFilters {
		f.Predicates = append([]genesys.Predicate(nil), f.Predicates...)
		cq.SegmentFilters = append(cq.SegmentFilters, f)
	}
	q.ConversationQuery = &cq
	return q
}

// A retention past the five years a filtered job reaches gets no job.
func TestRetentionBeyondTheHorizonIsRefused(t *testing.T) {
	_, err := Jobs(policy.Policy{Name: "p", ObjectType: "call", RetentionPeriod: 6 * 365}, at("2026-11-30T12:00:00Z"), Horizon(at("2026-11-30T12:00:00Z")))
	if err == nil || !strings.Contains(err.Error(), "five years") {
		t.Errorf("err = %v", err)
	}
}

// Overlapping dateRanges merge into one job, which the ranges cover
// together: the check accepts it.
func TestCheckAcceptsMergedRanges(t *testing.T) {
	now := at("2026-11-30T12:00:00Z")
	p := policy.Policy{Name: "p", ObjectType: "email", RetentionPeriod: 90, Filters: []policy.Filter{{Attribute: "dateRange", Operator: "IN",
		Value: []any{"2025-06-01T00:00:00Z/2026-10-01T00:00:00Z", "2025-01-01T00:00:00Z/2025-07-01T00:00:00Z"}}}}
	jobs, err := checked(p, now, Horizon(now))
	if err != nil || len(jobs) != 1 {
		t.Fatalf("%v %+v", err, jobs)
	}
	gap := policy.Policy{Name: "p", ObjectType: "email", RetentionPeriod: 90, Filters: []policy.Filter{{Attribute: "dateRange", Operator: "IN",
		Value: []any{"2025-01-01T00:00:00Z/2025-02-01T00:00:00Z", "2025-03-01T00:00:00Z/2025-04-01T00:00:00Z"}}}}
	q := jobs[0].Query
	q.ConversationQuery = &genesys.AsyncConversationQuery{Interval: "2025-01-01T00:00:00Z/2025-04-01T00:00:00Z", SegmentFilters: q.ConversationQuery.SegmentFilters}
	if err := Check(q, gap, 90, now, Horizon(now)); err == nil || !strings.Contains(err.Error(), "dateRanges") {
		t.Errorf("an interval over the gap between two ranges passed: %v", err)
	}
}
