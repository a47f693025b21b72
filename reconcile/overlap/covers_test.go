package overlap_test

import (
	"testing"

	"github.com/retainctl/retainctl/reconcile/overlap"
	"github.com/retainctl/retainctl/reconcile/policy"
)

func TestCovers(t *testing.T) {
	q12 := f("queue", "IN", []any{"q1", "q2"})
	tests := []struct {
		name string
		a, b policy.Policy
		want bool
	}{
		{"no filters covers filtered", pol("a", "call", 1), pol("b", "call", 1, q12), true},
		{"interaction covers any media", pol("a", "interaction", 1), pol("b", "chat", 1), true},
		{"other media", pol("a", "email", 1), pol("b", "chat", 1), false},
		{"wider value set", pol("a", "call", 1, q12), pol("b", "call", 1, f("queue", "EQ", "q1")), true},
		{"narrower value set", pol("a", "call", 1, f("queue", "EQ", "q1")), pol("b", "call", 1, q12), false},
		{"filter b lacks", pol("a", "call", 1, f("direction", "EQ", "INBOUND")), pol("b", "call", 1), false},
		{"equal durations", pol("a", "call", 1, f("duration", "OVER", 30)), pol("b", "call", 1, f("duration", "OVER", 30)), true},
		{"other durations", pol("a", "call", 1, f("duration", "OVER", 30)), pol("b", "call", 1, f("duration", "OVER", 60)), false},
	}
	for _, tc := range tests {
		if got := overlap.Covers(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: Covers = %v, want %v", tc.name, got, tc.want)
		}
	}
}
