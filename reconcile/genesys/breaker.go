package genesys

import (
	"fmt"
	"sync"
)

// breaker ends a run after threshold consecutive calls failed on the
// server side (5xx or connection failures, after their retries). It is a
// deliberately small stand-in for gobreaker: a one-shot CLI run has no use
// for half-open probing, and the error must say what kept failing.
type breaker struct {
	threshold int

	mu          sync.Mutex
	consecutive int
	cause       error // the failure that opened it
}

// allow fails fast once the breaker is open.
func (b *breaker) allow() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cause != nil {
		return fmt.Errorf("%w after %d consecutive server failures, last: %w", ErrCircuitOpen, b.threshold, b.cause)
	}
	return nil
}

// success resets the count: the server answered sensibly.
func (b *breaker) success() {
	b.mu.Lock()
	b.consecutive = 0
	b.mu.Unlock()
}

// failure counts a call that failed on the server side.
func (b *breaker) failure(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.consecutive++
	if b.consecutive >= b.threshold && b.cause == nil {
		b.cause = err
	}
}
