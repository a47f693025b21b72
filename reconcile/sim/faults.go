package sim

import (
	"maps"
	"time"
)

// Fail makes the next n /api/v2 requests answer status (e.g. 503).
func (o *Org) Fail(n, status int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for range n {
		o.failNext = append(o.failNext, status)
	}
}

// Throttle answers the next n authenticated /api/v2 requests with 429 and
// Retry-After retryAfterSecs, as a burst on the per-token limit would.
func (o *Org) Throttle(n, retryAfterSecs int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.throttle, o.throtAft = n, retryAfterSecs
}

// DropResponse makes the next n POSTs be processed, after which the
// connection closes without an answer: a create whose outcome is unknown.
func (o *Org) DropResponse(n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.dropPOST = n
}

// ExpireTokens makes every token issued so far invalid (401 bad.credentials).
func (o *Org) ExpireTokens() {
	o.mu.Lock()
	defer o.mu.Unlock()
	past := o.opts.Now().Add(-time.Second)
	for t := range o.tokens {
		o.tokens[t] = past
	}
}

// RequestCount is the number of requests served, token requests included.
func (o *Org) RequestCount() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.total
}

// RouteCounts is the number of requests per route pattern, e.g.
// "GET /api/v2/recording/mediaretentionpolicies".
func (o *Org) RouteCounts() map[string]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return maps.Clone(o.counts)
}

// ActiveJobs is the number of jobs PENDING, READY or PROCESSING.
func (o *Org) ActiveJobs() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.activeJobs()
}

// Recordings returns the recordings that still exist, of one media type
// (call or voice, chat, email, message) or of all when media is "".
func (o *Org) Recordings(media string) []Recording {
	o.mu.Lock()
	defer o.mu.Unlock()
	want := analyticsMedia(media)
	var out []Recording
	for _, r := range o.st.recs {
		if !r.Deleted && (want == "" || r.MediaType == want) {
			out = append(out, *r)
		}
	}
	return out
}
