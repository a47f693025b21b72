package genesys

import "time"

// Recorder is told about every HTTP attempt the client makes (the audit
// report computes latency percentiles and rates from these).
type Recorder interface {
	RecordRequest(RequestStat)
}

// RequestStat describes one HTTP attempt. Path is the route template
// (e.g. /api/v2/recording/mediaretentionpolicies/{policyId}): never a query
// string, never a secret.
type RequestStat struct {
	Method      string
	Path        string
	Status      int // 0 when no answer arrived
	Latency     time.Duration
	Attempt     int // 1 for the first try
	RateLimited bool
	RetryWait   time.Duration // wait before the next attempt, if any
	// PaceWait is how long the client's own rate limit held the attempt
	// back before it was sent: the per-token window, and the queue behind
	// other requests. A wait for a 429's Retry-After is not in it: that is
	// the 429's RetryWait.
	PaceWait time.Duration
	Err      error
}
