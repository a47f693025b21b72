package genesys_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/redact"
)

func noWait(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// A redirect is never followed: the token would go with it, and a
// redirected create would come back as a GET. The 3xx is an error that
// names where it pointed, and the other host hears nothing.
func TestRedirectsAreNotFollowed(t *testing.T) {
	var reached atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Add(1) }))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer api.Close()
	c, err := genesys.New(genesys.Config{BaseURL: api.URL, AccessToken: "static-token", MaxRetries: -1, Sleep: noWait})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreatePolicy(context.Background(), genesys.Policy{Name: "p"})
	if err == nil || !strings.Contains(err.Error(), "never follows a redirect") || !strings.Contains(err.Error(), other.URL) {
		t.Errorf("err = %v", err)
	}
	if reached.Load() != 0 {
		t.Errorf("the redirect target got %d requests", reached.Load())
	}
}

// Credentials in the API URL are refused: they would be printed with it.
func TestCredentialsInTheAPIURLAreRefused(t *testing.T) {
	_, err := genesys.New(genesys.Config{BaseURL: "https://user:hunter2@api.mypurecloud.ie", AccessToken: "t"})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("err = %v", err)
	}
}

// An error body is masked before it is cut short for the message, so a
// secret across the cut does not leave half of itself behind.
func TestErrorBodiesAreMaskedBeforeTheyAreCut(t *testing.T) {
	secret := "s3cret-" + strings.Repeat("x", 40)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(strings.Repeat("a", 180) + " " + secret))
	}))
	defer api.Close()
	mask := func(s string) string { return strings.ReplaceAll(s, secret, "***") }
	c, err := genesys.New(genesys.Config{BaseURL: api.URL, AccessToken: "static-token", MaxRetries: -1, Sleep: noWait, Mask: mask})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListPolicies(context.Background())
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "***") {
		t.Errorf("err = %v", err)
	}
}

// The token endpoint's error is masked before it is cut short too: one that
// echoes the Authorization header across the cut leaves no part of the
// credentials behind, in the error or in what is recorded of the request.
func TestTokenErrorsAreMaskedBeforeTheyAreCut(t *testing.T) {
	id, secret := "retainctl-client-id", "S3cr3t-very-long-client-secret-value-abcdefghijklmnop"
	login := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(strings.Repeat("x", 150) + " Authorization: " + r.Header.Get("Authorization")))
	}))
	defer login.Close()
	m := redact.New(id, secret)
	m.AddBasicAuth(id, secret)
	rec := &statsRecorder{}
	c, err := genesys.New(genesys.Config{BaseURL: login.URL, TokenURL: login.URL + "/oauth/token", ClientID: id, ClientSecret: secret,
		Mask: m.String, MaxRetries: -1, Sleep: noWait, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListPolicies(context.Background())
	basic := base64.StdEncoding.EncodeToString([]byte(id + ":" + secret))
	texts := []string{fmt.Sprint(err)}
	for _, st := range rec.stats {
		texts = append(texts, fmt.Sprint(st.Err))
	}
	for _, text := range texts {
		if !strings.Contains(text, "401") || strings.Contains(text, basic[:8]) || strings.Contains(text, secret[:8]) {
			t.Errorf("token error shows the credentials, or not its status: %s", text)
		}
	}
}

// A listing that keeps announcing pages ends at its deadline, saying so
// (more pages than maxPages are refused at once: TestListTooManyPagesFailsAtOnce).
func TestListingsEndAtTheirDeadline(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond)
		n := r.URL.Query().Get("pageNumber")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"entities":[{"id":"p` + n + `","name":"p` + n + `"}],"pageSize":1,"pageCount":9999,"total":9999}`))
	}))
	defer api.Close()
	c, err := genesys.New(genesys.Config{BaseURL: api.URL, AccessToken: "static-token", MaxRetries: -1, Sleep: noWait,
		RateLimit: 1 << 20, ListTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.ListPolicies(context.Background())
	if err == nil || !strings.Contains(err.Error(), "took longer than") || time.Since(start) > 5*time.Second {
		t.Errorf("err = %v after %v", err, time.Since(start))
	}
}

// statsRecorder keeps the client's per-attempt statistics.
type statsRecorder struct{ stats []genesys.RequestStat }

func (r *statsRecorder) RecordRequest(s genesys.RequestStat) { r.stats = append(r.stats, s) }

// The wait a 429 imposes is in the attempt's record, so the run report
// says how long the rate limit held the run.
func TestRateLimitWaitIsRecorded(t *testing.T) {
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"entities":[],"pageCount":0,"total":0}`))
	}))
	defer api.Close()
	rec := &statsRecorder{}
	c, err := genesys.New(genesys.Config{BaseURL: api.URL, AccessToken: "static-token", Sleep: noWait, Recorder: rec, RateLimit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListPolicies(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rec.stats) < 1 || !rec.stats[0].RateLimited || rec.stats[0].RetryWait != 2*time.Second {
		t.Errorf("stats %+v", rec.stats)
	}
}
