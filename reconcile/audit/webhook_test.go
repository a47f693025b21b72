// Tests of webhook delivery and signing.

package audit

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestSignatureVerifies(t *testing.T) {
	body := []byte(`{"deliveryId":"x"}`)
	sig := sign([]byte("s3cret"), body)
	if !strings.HasPrefix(sig, "sha256=") || !VerifySignature([]byte("s3cret"), body, sig) {
		t.Fatalf("own signature %q does not verify", sig)
	}
	for _, bad := range []string{"", "sha256=", "sha256=zz", sig[:len(sig)-1] + "0", strings.TrimPrefix(sig, "sha256=")} {
		if VerifySignature([]byte("s3cret"), body, bad) {
			t.Errorf("%q verified", bad)
		}
	}
	if VerifySignature([]byte("other"), body, sig) || VerifySignature(nil, body, sign(nil, body)) {
		t.Error("wrong or empty secret verified")
	}
	// Known answer: printf '%s' '{"deliveryId":"x"}' | openssl dgst -sha256 -hmac s3cret
	if want := "sha256=1099724f26a13951e8cfedbfebabdc6a4928af75de6823a8dc7e21dc03911334"; sig != want {
		t.Fatalf("Sign = %s, want %s (openssl)", sig, want)
	}
}

func TestFlushDeliversEveryEventOnceAndSigns(t *testing.T) {
	rcv := newReceiver(t, nil)
	l := openTestLog(t)
	ids := recordN(t, l, 20)
	report := buildReport(l.RunID(), l.Events(), nil)
	res, err := testDeliverer(t, rcv.srv.URL).Flush(context.Background(), l.Path(), l.RunID(), &report)
	if err != nil || res.Delivered != 20 || res.Pending != 0 || res.Batches != 3 {
		t.Fatalf("Flush = %+v, %v", res, err)
	}
	assertOnce(t, rcv.counts(), ids)
	if last := string(rcv.bodies[len(rcv.bodies)-1]); !strings.Contains(last, `"report":{"runId":"`+l.RunID()) {
		t.Fatalf("report not sent with the last batch: %s", last[len(last)-400:])
	}
	if strings.Contains(string(rcv.bodies[0]), `"report"`) {
		t.Fatal("report sent before the last batch")
	}
	// A second flush has nothing left to send.
	res, err = testDeliverer(t, rcv.srv.URL).Flush(context.Background(), l.Path(), "", nil)
	if err != nil || res.Delivered != 0 || res.Pending != 0 || rcv.n != 3 {
		t.Fatalf("second Flush = %+v, %v after %d requests", res, err, rcv.n)
	}
}

func TestReceiverDownThenFlush(t *testing.T) {
	rcv := newReceiver(t, nil)
	down := newReceiver(t, nil)
	url := down.srv.URL + "/hook?token=abc123"
	down.srv.Close() // connection refused for the whole run
	l := openTestLog(t)
	ctx := context.Background()
	d := testDeliverer(t, url)

	ids := recordN(t, l, 5)
	res, err := d.Flush(ctx, l.Path(), l.RunID(), nil) // start of run
	if err == nil || res.Delivered != 0 || res.Pending != 5 {
		t.Fatalf("start Flush = %+v, %v", res, err)
	}
	ids = append(ids, recordN(t, l, 10)...)
	report := buildReport(l.RunID(), l.Events(), nil)
	res, err = d.Flush(ctx, l.Path(), l.RunID(), &report) // end of run
	if err == nil || res.Pending != 15 || !strings.Contains(err.Error(), "15 events stay pending") {
		t.Fatalf("end Flush = %+v, %v", res, err)
	}
	if strings.Contains(err.Error(), "abc123") {
		t.Fatalf("error leaks the URL's query: %v", err)
	}

	res, err = testDeliverer(t, rcv.srv.URL).Flush(ctx, l.Path(), "flush", nil) // `retainctl audit flush`
	if err != nil || res.Delivered != 15 || res.Pending != 0 {
		t.Fatalf("flush = %+v, %v", res, err)
	}
	assertOnce(t, rcv.counts(), ids)
}

func TestFlappingReceiver(t *testing.T) {
	rcv := newReceiver(t, func(n int) int {
		if n%2 == 1 {
			return http.StatusInternalServerError
		}
		return 0
	})
	l := openTestLog(t)
	ids := recordN(t, l, 50)
	res, err := testDeliverer(t, rcv.srv.URL).Flush(context.Background(), l.Path(), l.RunID(), nil)
	if err != nil || res.Delivered != 50 || res.Pending != 0 {
		t.Fatalf("Flush = %+v, %v", res, err)
	}
	assertOnce(t, rcv.counts(), ids)
	if rcv.n != 2*res.Batches {
		t.Fatalf("%d requests for %d batches", rcv.n, res.Batches)
	}
}

func TestPermanentFailureKeepsEventsPending(t *testing.T) {
	rcv := newReceiver(t, func(int) int { return http.StatusUnauthorized })
	l := openTestLog(t)
	recordN(t, l, 3)
	res, err := testDeliverer(t, rcv.srv.URL).Flush(context.Background(), l.Path(), "", nil)
	if err == nil || !strings.Contains(err.Error(), "401") || res.Pending != 3 || rcv.n != 1 {
		t.Fatalf("Flush = %+v, %v after %d requests (a 401 must not be retried)", res, err, rcv.n)
	}
}

func TestRetryAfterHonouredAndCapped(t *testing.T) {
	rcv := newReceiver(t, nil)
	n := 0
	rcv.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n++; n == 1 {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		rcv.serve(w, r)
	})
	d := testDeliverer(t, rcv.srv.URL)
	var slept []time.Duration
	d.sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	l := openTestLog(t)
	recordN(t, l, 1)
	if _, err := d.Flush(context.Background(), l.Path(), "", nil); err != nil {
		t.Fatal(err)
	}
	if len(slept) != 1 || slept[0] != d.cfg.MaxRetryAfter {
		t.Fatalf("slept %v, want one wait of the cap %v", slept, d.cfg.MaxRetryAfter)
	}
}

func TestBackoffGrowsWithJitterAndCap(t *testing.T) {
	d := &Deliverer{cfg: WebhookConfig{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}}
	for attempt, hi := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 9: time.Second, 100: time.Second} {
		for range 20 {
			if w := d.backoff(attempt); w < hi/2 || w > hi {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, w, hi/2, hi)
			}
		}
	}
}

func TestNewDelivererChecksConfig(t *testing.T) {
	tests := []struct{ url, secret, wantErr string }{
		{"https://audit.example.com/hook", "s", ""},
		{"http://127.0.0.1:8080/hook", "s", ""},
		{"http://localhost/hook", "s", ""},
		{"http://[::1]:9/hook", "s", ""},
		{"http://audit.example.com/hook?token=abc", "s", "must travel over https"},
		{"http://10.0.0.1/hook", "s", "must travel over https"},
		{"ftp://x/y", "s", "not an absolute http(s) URL"},
		{"audit.example.com/hook", "s", "not an absolute http(s) URL"},
		{"https://audit.example.com/hook", "", "RETAINCTL_AUDIT_WEBHOOK_SECRET is empty"},
	}
	for _, tt := range tests {
		_, err := NewDeliverer(WebhookConfig{URL: tt.url, Secret: tt.secret})
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: err %v, want %q", tt.url, err, tt.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "token=abc") {
			t.Errorf("error echoes the URL query: %v", err)
		}
	}
	if _, err := WebhookFromEnv(func(string) string { return "" }); !errors.Is(err, ErrNotConfigured) {
		t.Fatalf("WebhookFromEnv without URL = %v", err)
	}
}

func assertOnce(t *testing.T, seen map[string]int, ids []string) {
	t.Helper()
	if len(seen) != len(ids) {
		t.Fatalf("receiver saw %d distinct ids, want %d", len(seen), len(ids))
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Fatalf("event %s received %d times", id, seen[id])
		}
	}
}

// BenchmarkFlush10k delivers 10,000 pending events (100 POSTs) to a local receiver.
func BenchmarkFlush10k(b *testing.B) {
	rcv := newReceiver(b, nil)
	for b.Loop() {
		b.StopTimer()
		l := openTestLog(b)
		for range 10_000 {
			if _, err := l.write(Event{ID: uuid.NewString(), Type: PolicyUpdated, Policy: "p", Outcome: Success}); err != nil {
				b.Fatal(err)
			}
		}
		l.f.Sync()
		d, err := NewDeliverer(WebhookConfig{URL: rcv.srv.URL, Secret: testSecret})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := d.Flush(context.Background(), l.Path(), "bench", nil)
		if err != nil || res.Delivered != 10_000 {
			b.Fatal(res, err)
		}
	}
}
