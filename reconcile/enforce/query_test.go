package enforce

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/policy"
)

func TestJobs(t *testing.T) {
	now := at("2026-11-30T12:00:00Z")
	tests := []struct {
		name string
		p    policy.Policy
		want []string // action|interval|age|segment filters as compact JSON
	}{
		{
			name: "call, no filters",
			p:    policy.Policy{Name: "p", ObjectType: "call", RetentionPeriod: 90},
			want: []string{`DELETE|2021-12-02T00:00:00Z/2026-09-01T12:00:00Z|90|[{"type":"or","predicates":[{"type":"dimension","dimension":"mediaType","operator":"matches","value":"voice"}]}]`},
		},
		{
			name: "values OR-ed, attributes AND-ed, direction lower case, archive window",
			p: policy.Policy{Name: "p", ObjectType: "chat", RetentionPeriod: 90, ArchiveAfter: 30, Filters: []policy.Filter{
				{Attribute: "queue", Operator: "IN", Value: []any{"q1", "q2"}},
				{Attribute: "wrapupCode", Operator: "EQ", Value: "w1"},
			}},
			want: []string{
				`DELETE|2021-12-02T00:00:00Z/2026-09-01T12:00:00Z|90|` + chatQueueWrap,
				`ARCHIVE|2026-09-01T12:00:00Z/2026-10-31T12:00:00Z|30|` + chatQueueWrap,
			},
		},
		{
			name: "every expressible attribute",
			p: policy.Policy{Name: "p", ObjectType: "call", RetentionPeriod: 10, Filters: []policy.Filter{
				{Attribute: "direction", Operator: "EQ", Value: "INBOUND"},
				{Attribute: "user", Operator: "EQ", Value: "u"},
				{Attribute: "team", Operator: "EQ", Value: "t"},
				{Attribute: "language", Operator: "EQ", Value: "l"},
			}},
			want: []string{`DELETE|2021-12-02T00:00:00Z/2026-11-20T12:00:00Z|10|[` + pred("mediaType", "voice") + `,` + pred("direction", "inbound") + `,` +
				pred("userId", "u") + `,` + pred("teamId", "t") + `,` + pred("requestedLanguageId", "l") + `]`},
		},
		{
			name: "dateRange narrows; overlapping ranges merge; a range after the cutoff or before the horizon needs no job",
			p: policy.Policy{Name: "p", ObjectType: "email", RetentionPeriod: 90, Filters: []policy.Filter{
				{Attribute: "dateRange", Operator: "IN", Value: []any{
					"2025-06-01T00:00:00Z/2026-10-01T00:00:00Z", "2025-01-01T00:00:00Z/2025-07-01T00:00:00Z", "2026-11-01T00:00:00Z/2026-12-01T00:00:00Z",
					"2019-01-01T00:00:00Z/2020-01-01T00:00:00Z", "2021-06-01T00:00:00Z/2022-01-01T00:00:00Z"}},
			}},
			want: []string{
				`DELETE|2021-12-02T00:00:00Z/2022-01-01T00:00:00Z|90|[` + pred("mediaType", "email") + `]`,
				`DELETE|2025-01-01T00:00:00Z/2026-09-01T12:00:00Z|90|[` + pred("mediaType", "email") + `]`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jobs, err := Jobs(tt.p, now, Horizon(now))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, j := range jobs {
				segs, _ := json.Marshal(j.Query.ConversationQuery.SegmentFilters)
				got = append(got, strings.Join([]string{j.Action, j.Query.ConversationQuery.Interval, itoa(j.Query.ActionAge), string(segs)}, "|"))
				if j.Query.Action != j.Action || j.Policy != "p" || j.Query.ActionDate != "" {
					t.Errorf("job %+v: action, policy or actionDate wrong", j)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("jobs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

var chatQueueWrap = `[` + pred("mediaType", "chat") +
	`,{"type":"or","predicates":[{"type":"dimension","dimension":"queueId","operator":"matches","value":"q1"},{"type":"dimension","dimension":"queueId","operator":"matches","value":"q2"}]},` +
	pred("wrapUpCode", "w1") + `]`

func pred(dim, v string) string {
	return `{"type":"or","predicates":[{"type":"dimension","dimension":"` + dim + `","operator":"matches","value":"` + v + `"}]}`
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestJobsRefusesWhatWouldWiden: a filter no predicate expresses must never
// be dropped, or the DELETE would cover recordings the policy does not.
func TestJobsRefusesWhatWouldWiden(t *testing.T) {
	now := at("2026-11-30T12:00:00Z")
	tests := []struct {
		name   string
		f      policy.Filter
		reason string
	}{
		{"duration", policy.Filter{Attribute: "duration", Operator: "OVER", Value: 60}, "cannot enforce the duration filter safely"},
		{"customerParticipation", policy.Filter{Attribute: "customerParticipation", Operator: "EQ", Value: "YES"}, "customerParticipation"},
		{"unknown attribute", policy.Filter{Attribute: "skill", Operator: "EQ", Value: "x"}, `"skill"`},
		{"unknown operator", policy.Filter{Attribute: "queue", Operator: "NOT_IN", Value: []any{"q"}}, `"NOT_IN"`},
		{"empty list", policy.Filter{Attribute: "queue", Operator: "IN", Value: []any{}}, "no value"},
		{"nil value", policy.Filter{Attribute: "queue", Operator: "EQ"}, "no value"},
		{"blank value", policy.Filter{Attribute: "user", Operator: "IN", Value: []any{"u", " "}}, "empty value"},
		{"bad dateRange", policy.Filter{Attribute: "dateRange", Operator: "EQ", Value: "2026-01-01/2025-01-01"}, "dateRange"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := policy.Policy{Name: "p", ObjectType: "call", RetentionPeriod: 90, Filters: []policy.Filter{
				{Attribute: "direction", Operator: "EQ", Value: "INBOUND"}, tt.f}}
			jobs, err := Jobs(p, now, Horizon(now))
			var ref *Refusal
			if !errors.As(err, &ref) || !strings.Contains(ref.Reason, tt.reason) || len(jobs) != 0 {
				t.Fatalf("Jobs = %d jobs, %v; want a refusal mentioning %q", len(jobs), err, tt.reason)
			}
		})
	}
	for _, p := range []policy.Policy{
		{Name: "p", ObjectType: "fax", RetentionPeriod: 90},
		{Name: "p", ObjectType: "call"},
	} {
		if jobs, err := Jobs(p, now, Horizon(now)); err == nil {
			t.Errorf("Jobs(%+v) = %v, want a refusal", p, jobs)
		}
	}
}

func TestNewPlanListsRefusals(t *testing.T) {
	ok := policy.Policy{Name: "ok", ObjectType: "call", RetentionPeriod: 90, ArchiveAfter: 30}
	bad := policy.Policy{Name: "bad", ObjectType: "email", RetentionPeriod: 90,
		Filters: []policy.Filter{{Attribute: "customerParticipation", Operator: "EQ", Value: "YES"}}}
	pl := NewPlan(withLive([]Selected{{Policy: ok}, {Policy: bad, Forced: true}}), at("2026-11-30T12:00:00Z"), Horizon(at("2026-11-30T12:00:00Z")))
	if len(pl.Jobs) != 2 || pl.Policies[0].Jobs != 2 || pl.Policies[1].Refused == "" || !pl.Policies[1].Forced {
		t.Fatalf("plan = %+v", pl)
	}
}
