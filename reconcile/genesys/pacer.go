package genesys

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pacer spaces out every request the client makes: one token bucket shared
// by all goroutines, plus a pause that a 429's Retry-After imposes on all
// of them at once (the limit is per token, so one 429 means everyone waits).
type pacer struct {
	lim   *rate.Limiter
	sleep func(context.Context, time.Duration) error

	mu    sync.Mutex
	until time.Time
}

func newPacer(perMinute int, sleep func(context.Context, time.Duration) error) *pacer {
	return &pacer{lim: rate.NewLimiter(rate.Limit(float64(perMinute)/60), 3), sleep: sleep}
}

// wait blocks until this goroutine may send a request.
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	d := time.Until(p.until)
	p.mu.Unlock()
	if d > 0 {
		if err := p.sleep(ctx, d); err != nil {
			return err
		}
	}
	return p.lim.Wait(ctx)
}

// pause holds every request back for d from now.
func (p *pacer) pause(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t := time.Now().Add(d); t.After(p.until) {
		p.until = t
	}
}
