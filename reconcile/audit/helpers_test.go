// Test helpers: a verifying webhook receiver, a fast Deliverer, a temp log.

package audit

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/redact"
)

const testSecret = "webhook-test-secret"

// receiver is a webhook endpoint that verifies signatures and counts every
// event id it accepts. reject, when set, decides per request (1-based) which
// status to answer instead of 200; a rejected request's events are not kept.
type receiver struct {
	t      testing.TB
	mu     sync.Mutex
	seen   map[string]int
	bodies [][]byte
	n      int
	reject func(n int) int
	srv    *httptest.Server
}

func newReceiver(t testing.TB, reject func(n int) int) *receiver {
	r := &receiver{t: t, seen: map[string]int{}, reject: reject}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	if r.reject != nil {
		if code := r.reject(r.n); code != 0 {
			w.WriteHeader(code)
			return
		}
	}
	if !VerifySignature([]byte(testSecret), body, req.Header.Get(SignatureHeader)) {
		r.t.Errorf("request %d: signature does not verify", r.n)
	}
	if req.Header.Get("Content-Type") != "application/json" || req.Header.Get(DeliveryHeader) == "" {
		r.t.Errorf("request %d: headers %v", r.n, req.Header)
	}
	var p Payload
	if err := json.Unmarshal(body, &p); err != nil {
		r.t.Errorf("request %d: body: %v", r.n, err)
	}
	if p.DeliveryID != req.Header.Get(DeliveryHeader) || len(p.EventIDs) != len(p.Events) {
		r.t.Errorf("request %d: payload does not match its headers / ids", r.n)
	}
	for _, id := range p.EventIDs {
		r.seen[id]++
	}
	r.bodies = append(r.bodies, body)
}

func (r *receiver) counts() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := make(map[string]int, len(r.seen))
	for k, v := range r.seen {
		c[k] = v
	}
	return c
}

func testDeliverer(t *testing.T, url string) *Deliverer {
	t.Helper()
	d, err := NewDeliverer(WebhookConfig{URL: url, Secret: testSecret, BatchSize: 7, MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, MaxRetryAfter: 5 * time.Millisecond, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func openTestLog(t testing.TB, opts ...Option) *Log {
	t.Helper()
	opts = append([]Option{WithMasker(redact.New()), WithCI(nil)}, opts...)
	l, err := Open(filepath.Join(t.TempDir(), "audit", "log.jsonl"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// recordN records n policy.updated events and returns their ids.
func recordN(t testing.TB, l *Log, n int) []string {
	t.Helper()
	before := len(l.Events())
	for i := range n {
		if err := l.Record(context.Background(), Event{Type: PolicyUpdated, Policy: "p" + itoa(i), Outcome: Success}); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for _, e := range l.Events()[before:] {
		ids = append(ids, e.ID)
	}
	return ids
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }
