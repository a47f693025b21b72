package enforce

import (
	"github.com/retainctl/retainctl/reconcile/audit/audittest"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// FuzzJobs feeds arbitrary filter values to the query builder: it must not
// panic, every job it builds must keep each filter as a non-empty OR (an
// empty predicate list would match every recording), and every job must
// pass the independent check that it is no wider than its policy.
func FuzzJobs(f *testing.F) {
	f.Add("call", "queue", "IN", "q1,q2", 90, 30)
	f.Add("interaction", "dateRange", "EQ", "2025-01-01T00:00:00Z/2026-01-01T00:00:00Z", 30, 0)
	f.Add("email", "dateRange", "IN", "2026-01-01T00:00:00Z/2025-01-01T00:00:00Z,x/y", 30, 10)
	f.Add("chat", "direction", "EQ", "", 1, 0)
	f.Add("message", "duration", "OVER", "60", 7, 0)
	f.Fuzz(func(t *testing.T, media, attr, op, values string, ret, archive int) {
		var vals []any
		for _, v := range strings.Split(values, ",") {
			vals = append(vals, v)
		}
		p := policy.Policy{Name: "p", ObjectType: policy.ObjectType(media), RetentionPeriod: policy.Retention(ret), ArchiveAfter: archive,
			Filters: []policy.Filter{{Attribute: policy.Attribute(attr), Operator: op, Value: vals}}}
		now := at("2026-11-30T12:00:00Z")
		jobs, err := Jobs(p, now, Horizon(now))
		if err != nil {
			return
		}
		for _, j := range jobs {
			age := ret
			if j.Action == "ARCHIVE" {
				age = archive
			}
			if err := Check(j.Query, p, age, now, Horizon(now)); err != nil {
				t.Fatalf("a built job fails its check: %v\n%+v", err, j.Query)
			}
			q := j.Query.ConversationQuery
			if q == nil || q.Interval == "" {
				t.Fatalf("job without an interval: %+v", j)
			}
			wantSegs := len(p.Filters)
			if attr == "dateRange" {
				wantSegs = 0
			}
			wantSegs++ // the medium
			if len(q.SegmentFilters) != wantSegs {
				t.Fatalf("%d segment filters for %d filters: %+v", len(q.SegmentFilters), wantSegs, q.SegmentFilters)
			}
			for _, s := range q.SegmentFilters {
				if len(s.Predicates) == 0 {
					t.Fatalf("empty segment filter: %+v", q.SegmentFilters)
				}
			}
		}
	})
}

func BenchmarkDue(b *testing.B) {
	p := sched(Monthly, "", 31, "Pacific/Auckland")
	now := at("2026-02-28T12:00:00Z")
	for b.Loop() {
		if _, err := Due(p, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJobs(b *testing.B) {
	p := pol("p", "call", 90, 30, nil, in("queue", "q1", "q2", "q3"), in("direction", "INBOUND"), in("wrapupCode", "w"))
	now := at("2026-11-30T12:00:00Z")
	for b.Loop() {
		if _, err := Jobs(p, now, Horizon(now)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRun measures a whole run of three policies (four jobs) against
// the simulator on loopback, polling without waits.
func BenchmarkRun(b *testing.B) {
	now, ps := scenarioA()
	for b.Loop() {
		b.StopTimer()
		f := newFixture(b, at(now))
		sel, _ := Select(ps, f.now, "")
		pl := NewPlan(withLive(sel), f.now, Horizon(f.now))
		b.StartTimer()
		if rep := runner(f.client, &audittest.Recorder{}).Run(b.Context(), pl); !rep.OK() {
			b.Fatalf("report: %+v", rep)
		}
	}
}
