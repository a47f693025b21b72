package audit

import (
	"sync"
	"time"
)

// RequestStat is one HTTP attempt to the Genesys API. It has the fields of
// the Genesys client's RequestStat, so a value of that type converts to this
// one with a plain conversion.
type RequestStat struct {
	Method, Path string
	Status       int
	Latency      time.Duration
	Attempt      int
	RateLimited  bool
	RetryWait    time.Duration
	Err          error
}

// RequestStats collects request stats for the report. The Genesys client
// calls RecordRequest once per HTTP attempt; it is safe for concurrent use.
type RequestStats struct {
	mu    sync.Mutex
	stats []RequestStat
}

// RecordRequest adds one attempt.
func (s *RequestStats) RecordRequest(r RequestStat) {
	s.mu.Lock()
	s.stats = append(s.stats, r)
	s.mu.Unlock()
}

// Snapshot returns the attempts recorded so far.
func (s *RequestStats) Snapshot() []RequestStat {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RequestStat(nil), s.stats...)
}
