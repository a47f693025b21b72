package genesys_test

import (
	"testing"
	"time"
)

// load is what a way of using the API asks of the platform, for its
// physical bound: the least time any client could take for the same
// requests on the same tokens.
type load struct {
	requests int // requests the rate limit counts (token grants are not counted)
	tokens   int // tokens they are spread over
	rounds   int // requests that must wait for one another's answer, grants included
}

// bound is the least time l can take on a platform that answers after
// latency and lets each token make rate requests in any sliding window:
//
//	max((⌈requests ÷ (rate × tokens)⌉ − 1) × window, rounds × latency)
//
// The first term is the limit's: a sliding window lets the first window's
// allowance go at once, so only each further allowance costs a window (300
// requests on one token take no time, 301 take a minute). The second is the
// latency's: requests that depend on one another's answer cannot overlap.
// Either holds alone, so the larger is the bound; the real time, which pays
// both in part, may be above it.
func (l load) bound(rate int, window, latency time.Duration) time.Duration {
	allowance := rate * l.tokens
	windows := max((l.requests+allowance-1)/allowance-1, 0)
	return max(time.Duration(windows)*window, time.Duration(l.rounds)*latency)
}

func TestLoadBound(t *testing.T) {
	for _, c := range []struct {
		name string
		l    load
		want time.Duration
	}{
		{"nothing", load{requests: 0, tokens: 1, rounds: 0}, 0},
		{"one window's allowance goes at once", load{requests: 300, tokens: 1, rounds: 1}, 20 * time.Millisecond},
		{"one more waits a window", load{requests: 301, tokens: 1, rounds: 1}, time.Minute},
		{"1,000 creates on one token", load{requests: 1000, tokens: 1, rounds: 251}, 3 * time.Minute},
		{"1,000 creates on ten tokens: latency", load{requests: 1000, tokens: 10, rounds: 101}, 2020 * time.Millisecond},
		{"10,100 requests on ten tokens", load{requests: 10100, tokens: 10, rounds: 1101}, 3 * time.Minute},
		{"10,100 requests on one token", load{requests: 10100, tokens: 1, rounds: 1101}, 33 * time.Minute},
	} {
		if got := c.l.bound(300, time.Minute, 20*time.Millisecond); got != c.want {
			t.Errorf("%s: bound of %+v = %s, want %s", c.name, c.l, got, c.want)
		}
	}
}
