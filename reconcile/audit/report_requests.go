// The request statistics behind the report's requests section: RequestStat,
// as the API client reports it, and the run's concurrent-safe collector.

package audit

import (
	"sync"
	"time"
)

// RequestStat is one HTTP attempt to the API, as a client reports it (the
// Genesys client's RequestStat converts to it).
type RequestStat struct {
	Method      string
	Path        string
	Status      int // 0 when no answer arrived
	Latency     time.Duration
	Attempt     int // 1 for the first try
	RateLimited bool
	RetryWait   time.Duration // wait before the next attempt, if any
	// PaceWait is how long the client's own rate limit held the attempt
	// back before it was sent, beyond a 429's Retry-After (the fields match
	// the Genesys client's RequestStat, which converts to this one).
	PaceWait time.Duration
	Err      error
}

// requestStats collects request stats for the report. It is safe for
// concurrent use.
type requestStats struct {
	mu    sync.Mutex
	stats []RequestStat
}

// add records one attempt.
func (s *requestStats) add(r RequestStat) {
	s.mu.Lock()
	s.stats = append(s.stats, r)
	s.mu.Unlock()
}

// snapshot returns the attempts recorded so far.
func (s *requestStats) snapshot() []RequestStat {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RequestStat(nil), s.stats...)
}
