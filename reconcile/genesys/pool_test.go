package genesys_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

// A pool of tokens spreads the requests evenly over its tokens, each token
// fetched with the same client credentials.
func TestTokenPoolSpreadsRequests(t *testing.T) {
	o := newLimitedOrg(t, 0, time.Minute, 0, 0)
	cfg := o.config()
	cfg.TokenPool = 4
	c, err := genesys.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 40 {
		if _, err := c.CreatePolicy(ctx, callPolicy("p"+strconv.Itoa(i), 30)); err != nil {
			t.Fatal(err)
		}
	}
	through, _ := o.counts()
	if len(through) != 4 || o.granted() != 4 {
		t.Fatalf("requests went on %d tokens (%d granted), want 4: %v", len(through), o.granted(), through)
	}
	for tok, n := range through {
		if n != 10 {
			t.Errorf("token %s carried %d of 40 requests, want 10: %v", tok, n, through)
		}
	}
}

// Under concurrency no token ever goes over its limit: the server, which
// answers 429 past it, never has to. The client keeps a sixtieth of the
// window as margin for requests that arrive late; the window is 3 s so
// that its 50 ms cover the scheduling delays of a loaded machine under
// -race.
func TestPerTokenLimitHoldsUnderConcurrency(t *testing.T) {
	const limit, window = 5, 3 * time.Second
	o := newLimitedOrg(t, limit, window, 2*time.Millisecond, 0)
	cfg := o.config()
	cfg.TokenPool = 2
	c, err := genesys.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 { // 20 requests on 2 tokens of 5 a window: 2 windows
		wg.Go(func() {
			if _, err := c.CreatePolicy(ctx, callPolicy("p"+strconv.Itoa(i), 30)); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	through, limited := o.counts()
	if len(limited) > 0 {
		t.Errorf("the server had to answer 429: %v", limited)
	}
	n := 0
	for tok, k := range through {
		n += k
		if k < 8 {
			t.Errorf("token %s carried only %d of 20 requests: %v", tok, k, through)
		}
	}
	if n != 20 {
		t.Errorf("%d requests arrived, want 20", n)
	}
}

// A 429 with Retry-After holds the call back that long, then the run goes
// on at full speed; a pooled call moves to a token that is not held.
func TestRetryAfterSlowsDownThenRecovers(t *testing.T) {
	secondOfTok1 := func(tok string, n int) int {
		if tok == "tok-1" && n == 2 {
			return 1
		}
		return 0
	}
	o := newLimitedOrg(t, 0, time.Minute, 0, 500)
	o.throttle = secondOfTok1
	rec := &stats{}
	cfg := o.config()
	cfg.Recorder = rec
	c, err := genesys.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if ps, err := c.ListPolicies(context.Background()); err != nil || len(ps) != 500 {
		t.Fatalf("listed %d, %v", len(ps), err)
	}
	took := time.Since(start)
	var limited []genesys.RequestStat
	for _, s := range rec.all() {
		if s.RateLimited {
			limited = append(limited, s)
		}
	}
	// Held for the Retry-After of 1 s, then the other 4 pages at once.
	if len(limited) != 1 || limited[0].RetryWait != time.Second || took < 900*time.Millisecond || took > 1800*time.Millisecond {
		t.Fatalf("429s %+v, listing took %v: want one 1 s wait, then the rest at once", limited, took)
	}
	// With a second token the held-back call goes on the other one at
	// once, and so does the rest while the first is held.
	o2 := newLimitedOrg(t, 0, time.Minute, 0, 500)
	o2.throttle = func(tok string, n int) int { return 30 * secondOfTok1(tok, n) }
	w := &waits{}
	cfg = o2.config()
	cfg.Sleep, cfg.TokenPool, cfg.ListConcurrency = w.sleep, 2, 1
	if c, err = genesys.New(cfg); err != nil {
		t.Fatal(err)
	}
	if ps, err := c.ListPolicies(context.Background()); err != nil || len(ps) != 500 {
		t.Fatalf("listed %d, %v", len(ps), err)
	}
	through, lim := o2.counts()
	if len(w.all()) > 0 || lim["tok-1"] != 1 || through["tok-1"] != 1 || through["tok-2"] != 4 {
		t.Fatalf("waits %v, through %v, 429s %v: want tok-2 to carry on at once", w.all(), through, lim)
	}
}

// Pacing settings that cannot be meant are refused.
func TestBadPacingConfigRefused(t *testing.T) {
	for _, c := range []struct {
		cfg  genesys.Config
		want string
	}{
		{genesys.Config{BaseURL: "https://api.mypurecloud.ie", ClientID: "a", ClientSecret: "b", TokenPool: -1}, "token pool of -1"},
		{genesys.Config{BaseURL: "https://api.mypurecloud.ie", ClientID: "a", ClientSecret: "b", RateLimit: -5}, "rate limit of -5"},
		{genesys.Config{BaseURL: "https://api.mypurecloud.ie", AccessToken: "t", TokenPool: 3}, "needs the OAuth client"},
	} {
		if _, err := genesys.New(c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want %q", c.cfg, err, c.want)
		}
	}
}
