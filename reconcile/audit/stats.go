package audit

import (
	"sync"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

// RequestStat is one HTTP attempt to the Genesys API, as the client reports it.
type RequestStat = genesys.RequestStat

// RequestStats collects request stats for the report. It is a
// genesys.Recorder: the client calls RecordRequest once per HTTP attempt.
// It is safe for concurrent use.
type RequestStats struct {
	mu    sync.Mutex
	stats []RequestStat
}

var _ genesys.Recorder = (*RequestStats)(nil)

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
