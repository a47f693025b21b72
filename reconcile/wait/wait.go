// Package wait holds the two waiting helpers every client here shares:
// sleeping that an interrupt cuts short, and reading a Retry-After header.
package wait

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sleep waits for d, or until ctx ends (returning its error).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// maxRetryAfter bounds what a server may ask for; callers cap it further.
const maxRetryAfter = 24 * time.Hour

// RetryAfter reads a Retry-After header: whole seconds, or an HTTP date
// (relative to now). It is 0 when absent, malformed or in the past.
func RetryAfter(header string, now time.Time) time.Duration {
	header = strings.TrimSpace(header)
	if header == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.Atoi(header); err == nil {
		d = time.Duration(min(secs, int(maxRetryAfter/time.Second))) * time.Second
	} else if t, err := http.ParseTime(header); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}
