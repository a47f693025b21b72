package genesys

import (
	"context"
	"sort"
	"sync"
	"time"
)

// pacer spaces out every request the client makes over its pool of access
// tokens. Genesys limits each client-credentials token to a number of
// requests per minute (client.credentials.token.rate.per.minute, 300 by
// default; see docs/BENCHMARKS.md for the sources), so each token has its
// own limiter and every goroutine of the client shares them all: apply and
// enforce workers draw on one budget.
//
// A token's limiter is a sliding window: a request may go when fewer than
// limit requests went on that token in the last window. That allows a
// burst up to the whole minute's allowance, which is what a per-minute
// limit allows (a 429's Retry-After counts down to the end of the minute,
// "Retry the request in [42] seconds"), and never more than limit in any
// window, however the server aligns its minutes. The window is a sixtieth
// longer than the limit's (a second a minute), so that requests that leave
// a window apart still arrive a window apart.
//
// A 429 holds back only the token it answered (for its Retry-After; the
// limit is per token) and lowers that token's limit by a quarter, never
// below a quarter of the configured one; each success then wins one back.
type pacer struct {
	window time.Duration
	max    int // the configured limit per token and window
	sleep  func(context.Context, time.Duration) error
	now    func() time.Time

	mu    sync.Mutex
	slots []*slot
	next  int // where the search for a token starts: ties go round-robin
}

// slot is one pooled token's limiter.
type slot struct {
	limit int         // current limit: max, lowered after a 429
	sent  []time.Time // send times granted (some may lie ahead), ascending
	until time.Time   // a 429's Retry-After holds the token back until then
}

func newPacer(perMinute, tokens int, window time.Duration, sleep func(context.Context, time.Duration) error) *pacer {
	p := &pacer{window: window + window/60, max: perMinute, sleep: sleep, now: time.Now}
	for range tokens {
		p.slots = append(p.slots, &slot{limit: perMinute})
	}
	return p
}

// at is when s may send next, at the earliest, seen at now.
func (s *slot) at(now time.Time, window time.Duration) time.Time {
	t := now
	if s.until.After(t) {
		t = s.until
	}
	if n := len(s.sent); n > 0 {
		if last := s.sent[n-1]; last.After(t) {
			t = last // granted times stay in order
		}
		if n >= s.limit {
			if free := s.sent[n-s.limit].Add(window); free.After(t) {
				t = free
			}
		}
	}
	return t
}

// load is how many requests s sent in the window up to now.
func (s *slot) load(now time.Time, window time.Duration) int {
	from := now.Add(-window)
	return len(s.sent) - sort.Search(len(s.sent), func(i int) bool { return s.sent[i].After(from) })
}

// grant books a request on s at t.
func (s *slot) grant(t time.Time, keep int) {
	s.sent = append(s.sent, t)
	if len(s.sent) > 2*keep { // only the last limit ≤ keep times matter
		s.sent = append(s.sent[:0], s.sent[len(s.sent)-keep:]...)
	}
}

// wait blocks until a request may go, and returns the pooled token it goes
// on: the one free soonest, the least loaded of those, round-robin among
// equals. The time is booked before the wait, so that concurrent callers
// queue behind each other instead of all waking at once.
func (p *pacer) wait(ctx context.Context) (int, error) {
	i, _, err := p.waitPaced(ctx)
	return i, err
}

// waitPaced is wait, and says how long the request was paced: held back by
// the window or by the requests booked before it, beyond the Retry-After
// of a 429 on its token, which the 429's record already counts.
func (p *pacer) waitPaced(ctx context.Context) (int, time.Duration, error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, err // a cancelled listing books no more requests
	}
	p.mu.Lock()
	now := p.now()
	best, bestAt, bestLoad := -1, time.Time{}, 0
	for k := range p.slots {
		i := (p.next + k) % len(p.slots)
		s := p.slots[i]
		at := s.at(now, p.window)
		if best < 0 || at.Before(bestAt) {
			best, bestAt, bestLoad = i, at, s.load(now, p.window)
			continue
		}
		if at.Equal(bestAt) {
			if l := s.load(now, p.window); l < bestLoad {
				best, bestLoad = i, l
			}
		}
	}
	p.next = (best + 1) % len(p.slots)
	held := p.slots[best].until.Sub(now) // a 429's Retry-After, still to run
	p.slots[best].grant(bestAt, p.max)
	p.mu.Unlock()
	d := bestAt.Sub(now)
	if d > 0 {
		if err := p.sleep(ctx, d); err != nil {
			return 0, 0, err
		}
	}
	return best, max(d-max(held, 0), 0), ctx.Err()
}

// limited records a 429 on token i that asked for a pause of d.
func (p *pacer) limited(i int, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.slots[i]
	if t := p.now().Add(d); t.After(s.until) {
		s.until = t
	}
	s.limit = max(s.limit*3/4, p.max/4, 1)
}

// ok records a request on token i that was not rate limited.
func (p *pacer) ok(i int) {
	p.mu.Lock()
	if s := p.slots[i]; s.limit < p.max {
		s.limit++
	}
	p.mu.Unlock()
}
