package genesys

import (
	"context"
	"testing"
	"time"
)

// fakeTime is a clock that moves only when the pacer sleeps.
type fakeTime struct{ now time.Time }

func (f *fakeTime) sleep(_ context.Context, d time.Duration) error { f.now = f.now.Add(d); return nil }

func fakePacer(perWindow, tokens int, window time.Duration) (*pacer, *fakeTime) {
	f := &fakeTime{now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	p := newPacer(perWindow, tokens, window, f.sleep)
	p.now = func() time.Time { return f.now }
	return p, f
}

// maxInWindow is the most of ts in any span of length w.
func maxInWindow(ts []time.Time, w time.Duration) int {
	most, from := 0, 0
	for i, t := range ts {
		for t.Sub(ts[from]) >= w {
			from++
		}
		most = max(most, i-from+1)
	}
	return most
}

// Each token sends at most its limit in any window, the pool shares the
// work evenly, and the whole allowance may go at once.
func TestPacerKeepsEveryTokenWithinItsWindow(t *testing.T) {
	p, f := fakePacer(300, 3, time.Minute)
	start := f.now
	sent := map[int][]time.Time{}
	for range 3000 {
		i, err := p.wait(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		sent[i] = append(sent[i], f.now)
	}
	for i := range 3 {
		if n := len(sent[i]); n != 1000 {
			t.Errorf("token %d sent %d of 3000, want 1000", i, n)
		}
		if m := maxInWindow(sent[i], time.Minute); m > 300 {
			t.Errorf("token %d sent %d requests in one minute, limit 300", i, m)
		}
		if sent[i][299] != start {
			t.Errorf("token %d: the first 300 went by %v, want at once", i, sent[i][299].Sub(start))
		}
	}
	// 3,000 requests on 3 tokens of 300/min: 900 at once, then 900 a minute.
	if took := f.now.Sub(start); took < 3*time.Minute || took > 3*time.Minute+10*time.Second {
		t.Errorf("3000 requests took %v, want just over 3 minutes", took)
	}
}

// A 429 holds back only its token for the Retry-After, lowers that token's
// limit, and successes bring it back.
func TestPacerSlowsDownOnA429AndRecovers(t *testing.T) {
	p, f := fakePacer(300, 2, time.Minute)
	p.limited(0, 30*time.Second)
	start := f.now
	for range 10 { // token 1 takes every request while 0 waits
		if i, _ := p.wait(context.Background()); i != 1 || f.now != start {
			t.Fatalf("request went on token %d after %v, want token 1 at once", i, f.now.Sub(start))
		}
	}
	if got := p.slots[0].limit; got != 225 {
		t.Fatalf("limit after a 429 = %d, want 225", got)
	}
	// Alone, the limited token waits out its Retry-After.
	one, g := fakePacer(300, 1, time.Minute)
	one.limited(0, 30*time.Second)
	from := g.now
	if _, err := one.wait(context.Background()); err != nil || g.now.Sub(from) != 30*time.Second {
		t.Fatalf("waited %v (%v), want the 30 s Retry-After", g.now.Sub(from), err)
	}
	// The lowered limit holds in the next minute: 225, not 300, go at once.
	at := g.now
	n := 1
	for ; ; n++ {
		if _, err := one.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if g.now != at {
			break
		}
	}
	if n != 225 {
		t.Fatalf("%d requests went at once after the 429, want the lowered 225", n)
	}
	for range 100 {
		one.ok(0)
	}
	if got := one.slots[0].limit; got != 300 {
		t.Fatalf("limit after 100 successes = %d, want 300 again", got)
	}
	// Repeated 429s never take a token below a quarter of its limit.
	for range 20 {
		one.limited(0, time.Second)
	}
	if got := one.slots[0].limit; got != 75 {
		t.Fatalf("limit after many 429s = %d, want the floor 75", got)
	}
}

// A cancelled caller books nothing.
func TestPacerCancelled(t *testing.T) {
	p, _ := fakePacer(1, 1, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.wait(ctx); err == nil || len(p.slots[0].sent) != 0 {
		t.Fatalf("err %v, booked %d", err, len(p.slots[0].sent))
	}
}
