package overlap_test

import (
	"fmt"
	"testing"

	"github.com/retainctl/retainctl/reconcile/overlap"
	"github.com/retainctl/retainctl/reconcile/policy"
)

func pol(name string, objectType policy.ObjectType, days policy.Retention, fs ...policy.Filter) policy.Policy {
	return policy.Policy{Name: name, ObjectType: objectType, RetentionPeriod: days, Filters: fs}
}

func f(attr policy.Attribute, op string, v any) policy.Filter {
	return policy.Filter{Attribute: attr, Operator: op, Value: v}
}

func TestConflicts(t *testing.T) {
	in, out := f("direction", "EQ", "INBOUND"), f("direction", "EQ", "OUTBOUND")
	tests := []struct {
		name string
		a, b policy.Policy
		want bool
	}{
		{"same type, no filters", pol("a", "call", 30, nil...), pol("b", "call", 365), true},
		{"within the window", pol("a", "call", 30), pol("b", "call", 45), false},
		{"just beyond the window", pol("a", "call", 30), pol("b", "call", 46), true},
		{"different media", pol("a", "call", 30), pol("b", "chat", 365), false},
		{"interaction covers all media", pol("a", "email", 30), pol("b", "interaction", 365), true},
		{"disjoint directions", pol("a", "call", 30, in), pol("b", "call", 365, out), false},
		{"one-sided filter does not separate", pol("a", "call", 30, in), pol("b", "call", 365, f("queue", "EQ", "q")), true},
		{"shared queue", pol("a", "call", 30, f("queue", "IN", []any{"q1", "q2"})), pol("b", "call", 365, f("queue", "EQ", "q2")), true},
		{"distinct queues", pol("a", "call", 30, f("queue", "IN", []any{"q1"})), pol("b", "call", 365, f("queue", "EQ", "q2")), false},
		{"disjoint durations", pol("a", "call", 30, f("duration", "UNDER", 60)), pol("b", "call", 365, f("duration", "OVER", 120)), false},
		{"touching durations are conservative", pol("a", "call", 30, f("duration", "UNDER", 60)), pol("b", "call", 365, f("duration", "BETWEEN", []any{60, 90})), true},
		{"disjoint date ranges", pol("a", "call", 30, f("dateRange", "EQ", "2024-01-01T00:00:00Z/2024-02-01T00:00:00Z")),
			pol("b", "call", 365, f("dateRange", "EQ", "2024-03-01T00:00:00Z/2024-04-01T00:00:00Z")), false},
		{"unreadable date range is conservative", pol("a", "call", 30, f("dateRange", "EQ", "soon")),
			pol("b", "call", 365, f("dateRange", "EQ", "2024-03-01T00:00:00Z/2024-04-01T00:00:00Z")), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, ps := range [][]policy.Policy{{tt.a, tt.b}, {tt.b, tt.a}} {
				got := overlap.Conflicts(ps, 15)
				if (len(got) == 1) != tt.want || len(got) > 1 {
					t.Fatalf("Conflicts = %+v, want conflict %v", got, tt.want)
				}
				if tt.want && ps[got[0].Policy].RetentionPeriod > ps[got[0].Other].RetentionPeriod {
					t.Fatalf("conflict %+v must name the shorter retention first", got[0])
				}
			}
		})
	}
}

func TestConflictsSkipsDisabledPolicies(t *testing.T) {
	off := false
	b := pol("b", "call", 365)
	b.Enabled = &off
	if got := overlap.Conflicts([]policy.Policy{pol("a", "call", 30), b}, 15); len(got) != 0 {
		t.Fatalf("got %+v", got)
	}
}

// TestConflictsMatchesPairwise checks the indexed search against the
// definition applied to every pair.
func TestConflictsMatchesPairwise(t *testing.T) {
	ps := generate(400)
	got := overlap.Conflicts(ps, 15)
	want := 0
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			want += len(overlap.Conflicts([]policy.Policy{ps[i], ps[j]}, 15))
		}
	}
	if len(got) != want || want == 0 {
		t.Fatalf("indexed search found %d conflicts, pairwise %d", len(got), want)
	}
}

// broad is how many of the first policies have no filter.
var broad = len(types)

var types = []policy.ObjectType{"call", "chat", "email", "message", "call", "chat", "email", "message", "interaction"}

// generate makes n policies shaped like a large organisation's: one per
// queue (every 50th shares its neighbour's queue, an overlap), some also per
// user, call policies split by direction, and one broad policy per media.
func generate(n int) []policy.Policy {
	ps := make([]policy.Policy, n)
	for i := range ps {
		t := types[i%len(types)]
		p := pol(fmt.Sprintf("Policy %05d", i), t, policy.Retention(30+(i%40)*20))
		if i >= broad { // the first of each media is broad
			queue := i
			if i%50 == 1 {
				queue = i - 1
			}
			p.Filters = []policy.Filter{f("queue", "EQ", fmt.Sprintf("q-%d", queue))}
			if i%5 == 0 {
				p.Filters = append(p.Filters, f("user", "IN", []any{fmt.Sprintf("u-%d", i%50), fmt.Sprintf("u-%d", i%70)}))
			}
		}
		if t == "call" {
			p.Filters = append(p.Filters, f("direction", "EQ", []string{"INBOUND", "OUTBOUND"}[i%2]))
		}
		ps[i] = p
	}
	return ps
}
