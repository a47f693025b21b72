package genesys_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/sim"
)

const (
	routeList  = "GET /api/v2/recording/mediaretentionpolicies"
	routePost  = "POST /api/v2/recording/mediaretentionpolicies"
	routeToken = "POST /oauth/token"
)

// env is a client wired to a simulated org on a loopback httptest server.
type env struct {
	org    *sim.Org
	client *genesys.Client
	srv    *httptest.Server
	waits  *waits
	stats  *stats
	clock  *clock
}

// waits records the client's sleeps instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return ctx.Err()
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// stats is a Recorder keeping every attempt.
type stats struct {
	mu sync.Mutex
	s  []genesys.RequestStat
}

func (s *stats) RecordRequest(r genesys.RequestStat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.s = append(s.s, r)
}

func (s *stats) all() []genesys.RequestStat {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]genesys.RequestStat(nil), s.s...)
}

// clock is the simulator's settable time.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newEnv(t testing.TB, opts sim.Options, tweak func(*genesys.Config)) *env {
	t.Helper()
	e := &env{waits: &waits{}, stats: &stats{}, clock: &clock{now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}}
	if opts.Now == nil {
		opts.Now = e.clock.Now
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = 100000
	}
	org, err := sim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e.org = org
	e.srv = httptest.NewServer(org)
	t.Cleanup(e.srv.Close)
	cfg := genesys.Config{
		BaseURL: e.srv.URL, ClientID: sim.DemoClientID, ClientSecret: sim.DemoClientSecret,
		RateLimit: 600000, Sleep: e.waits.sleep, Recorder: e.stats,
	}
	if tweak != nil {
		tweak(&cfg)
	}
	c, err := genesys.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}

func callPolicy(name string, days int) genesys.Policy {
	on := true
	return genesys.Policy{
		Name: name, Enabled: &on, Description: "test",
		MediaPolicies: &genesys.MediaPolicies{CallPolicy: &genesys.MediaPolicy{
			Conditions: &genesys.Conditions{Directions: []string{"INBOUND"}},
			Actions: &genesys.Actions{RetentionDuration: &genesys.RetentionDuration{
				DeleteRetention: &genesys.DeleteRetention{Days: days}}},
		}},
	}
}

func TestPolicyCRUD(t *testing.T) {
	e := newEnv(t, sim.Options{}, nil)
	ctx := context.Background()
	created, err := e.client.CreatePolicy(ctx, callPolicy("Inbound - 90", 90))
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.CreatedDate == "" || created.SelfURI == "" {
		t.Fatalf("created policy lacks server fields: %+v", created)
	}
	got, err := e.client.GetPolicy(ctx, created.ID)
	if err != nil || got.Name != "Inbound - 90" {
		t.Fatalf("get: %v %+v", err, got)
	}
	upd := callPolicy("Inbound - 120", 120)
	got, err = e.client.UpdatePolicy(ctx, created.ID, upd)
	if err != nil || got.MediaPolicies.CallPolicy.Actions.RetentionDuration.DeleteRetention.Days != 120 || got.ID != created.ID {
		t.Fatalf("update: %v %+v", err, got)
	}
	got, err = e.client.SetPolicyEnabled(ctx, created.ID, false)
	if err != nil || got.Enabled == nil || *got.Enabled {
		t.Fatalf("disable: %v %+v", err, got)
	}
	if _, err := e.client.CreatePolicy(ctx, callPolicy("Inbound - 1200", 1)); err != nil {
		t.Fatal(err)
	}
	found, err := e.client.FindPoliciesByName(ctx, "Inbound - 120")
	if err != nil || len(found) != 1 || found[0].ID != created.ID {
		t.Fatalf("find exact name: %v %+v", err, found)
	}
	if err := e.client.DeletePolicy(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.GetPolicy(ctx, created.ID); !genesys.IsNotFound(err) {
		t.Fatalf("get after delete: want 404, got %v", err)
	}
	_, err = e.client.CreatePolicy(ctx, callPolicy("Inbound - 1200", 1))
	if !genesys.IsConflict(err) {
		t.Fatalf("duplicate name: want 409, got %v", err)
	}
}

func TestListPoliciesPaginatesWithOnlyPageParams(t *testing.T) {
	e := newEnv(t, sim.Options{}, nil)
	ctx := context.Background()
	for i := range 253 {
		if _, err := e.client.CreatePolicy(ctx, callPolicy("p"+strings.Repeat("x", i%3)+time.Duration(i).String(), 30)); err != nil {
			t.Fatal(err)
		}
	}
	before := e.org.RouteCounts()[routeList]
	all, err := e.client.ListPolicies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 253 {
		t.Fatalf("listed %d policies, want 253", len(all))
	}
	if n := e.org.RouteCounts()[routeList] - before; n != 3 {
		t.Fatalf("list took %d requests, want 3 pages of 100", n)
	}
	seen := map[string]bool{}
	for _, p := range all {
		if seen[p.ID] {
			t.Fatalf("policy %s listed twice", p.ID)
		}
		seen[p.ID] = true
	}
}

func TestListSendsOnlyPageSizeAndNumber(t *testing.T) {
	var mu sync.Mutex
	var queries []string
	org, err := sim.New(sim.Options{Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v2/recording/mediaretentionpolicies" {
			mu.Lock()
			queries = append(queries, r.URL.RawQuery)
			mu.Unlock()
		}
		org.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c, err := genesys.New(genesys.Config{BaseURL: srv.URL, ClientID: sim.DemoClientID, ClientSecret: sim.DemoClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := c.ListPolicies(context.Background())
	if err != nil || len(ps) != 4 {
		t.Fatalf("demo list: %v, %d policies", err, len(ps))
	}
	if len(queries) != 1 || queries[0] != "pageNumber=1&pageSize=100" {
		t.Fatalf("queries = %q, want only pageSize and pageNumber", queries)
	}
}

func TestTokenExpiresMidRun(t *testing.T) {
	e := newEnv(t, sim.Options{TokenTTL: time.Hour}, nil)
	ctx := context.Background()
	if _, err := e.client.ListPolicies(ctx); err != nil {
		t.Fatal(err)
	}
	e.clock.advance(2 * time.Hour) // the server now rejects the cached token
	if _, err := e.client.ListPolicies(ctx); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n := e.org.RouteCounts()[routeToken]; n != 2 {
		t.Fatalf("token requests = %d, want 2", n)
	}
}

func TestRevokedTokenRefreshedOnce(t *testing.T) {
	e := newEnv(t, sim.Options{}, nil)
	ctx := context.Background()
	if _, err := e.client.GetDataRetention(ctx); err != nil {
		t.Fatal(err)
	}
	e.org.ExpireTokens()
	if _, err := e.client.GetDataRetention(ctx); err != nil {
		t.Fatalf("after revocation: %v", err)
	}
	if n := e.org.RouteCounts()[routeToken]; n != 2 {
		t.Fatalf("token requests = %d, want 2", n)
	}
}

func TestStaticTokenRejectedClearly(t *testing.T) {
	e := newEnv(t, sim.Options{}, func(c *genesys.Config) {
		c.ClientID, c.ClientSecret, c.AccessToken = "", "", "not-a-valid-token-s3cr3t"
	})
	_, err := e.client.ListPolicies(context.Background())
	var ae *genesys.APIError
	if !errors.As(err, &ae) || ae.Status != 401 || ae.Code != "bad.credentials" {
		t.Fatalf("want 401 bad.credentials, got %v", err)
	}
	if strings.Contains(err.Error(), "s3cr3t") || !strings.Contains(err.Error(), genesys.EnvAccessToken) {
		t.Fatalf("message must name the variable and not the token: %v", err)
	}
}

func TestBadClientSecret(t *testing.T) {
	e := newEnv(t, sim.Options{}, func(c *genesys.Config) { c.ClientSecret = "wrong-secret-xyz" })
	_, err := e.client.ListPolicies(context.Background())
	if err == nil || !strings.Contains(err.Error(), "invalid_client") || strings.Contains(err.Error(), "wrong-secret-xyz") {
		t.Fatalf("want invalid_client without the secret, got %v", err)
	}
}

func TestRateLimitedThenSuccess(t *testing.T) {
	e := newEnv(t, sim.Options{}, nil)
	e.org.Throttle(1, 2)
	if _, err := e.client.ListPolicies(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w := e.waits.all(); len(w) != 1 || w[0] < time.Second || w[0] > 2*time.Second {
		t.Fatalf("waits = %v, want one wait of Retry-After 2s", w)
	}
	st := e.stats.all()
	if len(st) != 3 || st[0].Path != "/oauth/token" || st[0].Status != 200 ||
		!st[1].RateLimited || st[1].Status != 429 || st[2].Status != 200 || st[2].Attempt != 2 {
		t.Fatalf("stats = %+v (want the token grant, the 429, the retry)", st)
	}
}

func TestRateLimitPausesOtherCalls(t *testing.T) {
	e := newEnv(t, sim.Options{}, nil)
	e.org.Throttle(1, 30)
	ctx := context.Background()
	if _, err := e.client.GetDataRetention(ctx); err != nil {
		t.Fatal(err)
	}
	// A call that got no 429 itself still waits out the pause.
	if _, err := e.client.GetDataRetention(ctx); err != nil {
		t.Fatal(err)
	}
	w := e.waits.all()
	if len(w) != 2 || w[1] < 20*time.Second {
		t.Fatalf("waits = %v, want the second call held back too", w)
	}
}

func TestRetryAfterBeyondCapFails(t *testing.T) {
	e := newEnv(t, sim.Options{}, func(c *genesys.Config) { c.MaxRetryAfter = 10 * time.Second })
	e.org.Throttle(1, 60)
	_, err := e.client.ListPolicies(context.Background())
	if !genesys.IsRateLimited(err) || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("want a clear rate-limit error, got %v", err)
	}
}

func TestServerErrorThenSuccess(t *testing.T) {
	e := newEnv(t, sim.Options{}, nil)
	e.org.Fail(2, http.StatusServiceUnavailable)
	if _, err := e.client.ListPolicies(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w := e.waits.all(); len(w) != 2 || w[1] <= 0 {
		t.Fatalf("waits = %v, want two backoffs", w)
	}
}

// A 503, a 401 and a 429 in one call each draw on their own budget: the
// token refresh and the rate-limit wait leave the one retry for the 503.
func TestRetryBudgetsAreSeparate(t *testing.T) {
	e := newEnv(t, sim.Options{}, func(c *genesys.Config) { c.MaxRetries = 1 })
	ctx := context.Background()
	if _, err := e.client.GetDataRetention(ctx); err != nil { // fetches the token
		t.Fatal(err)
	}
	e.org.ExpireTokens()
	e.org.Throttle(1, 1)
	e.org.Fail(1, http.StatusServiceUnavailable)
	if _, err := e.client.GetDataRetention(ctx); err != nil {
		t.Fatal(err)
	}
	var statuses []int
	for _, s := range e.stats.all()[2:] {
		if s.Path != "/oauth/token" {
			statuses = append(statuses, s.Status)
		}
	}
	if want := []int{503, 401, 429, 200}; !slices.Equal(statuses, want) {
		t.Fatalf("attempts answered %v, want %v", statuses, want)
	}
}

func TestNotImplementedIsNotRetried(t *testing.T) {
	e := newEnv(t, sim.Options{}, nil)
	e.org.Fail(1, http.StatusNotImplemented)
	_, err := e.client.ListPolicies(context.Background())
	var ae *genesys.APIError
	if !errors.As(err, &ae) || ae.Status != 501 || len(e.waits.all()) != 0 {
		t.Fatalf("want a single 501, got %v after %v", err, e.waits.all())
	}
}

func TestCreateWithLostAnswerMakesNoDuplicate(t *testing.T) {
	e := newEnv(t, sim.Options{}, nil)
	ctx := context.Background()
	e.org.DropResponse(1)
	p, err := e.client.CreatePolicy(ctx, callPolicy("Lost answer", 30))
	if err != nil {
		t.Fatal(err)
	}
	if p.ID == "" {
		t.Fatalf("want the existing policy, got %+v", p)
	}
	found, err := e.client.FindPoliciesByName(ctx, "Lost answer")
	if err != nil || len(found) != 1 {
		t.Fatalf("want exactly one policy, got %d (%v)", len(found), err)
	}
	if n := e.org.RouteCounts()[routePost]; n != 1 {
		t.Fatalf("POSTs = %d, want 1 (no blind retry)", n)
	}
}

func TestCreateAfterServerErrorRepostsOnlyWhenAbsent(t *testing.T) {
	e := newEnv(t, sim.Options{}, nil)
	ctx := context.Background()
	e.org.Fail(1, http.StatusInternalServerError) // answered before processing
	if _, err := e.client.CreatePolicy(ctx, callPolicy("Retried", 30)); err != nil {
		t.Fatal(err)
	}
	found, _ := e.client.FindPoliciesByName(ctx, "Retried")
	if len(found) != 1 || e.org.RouteCounts()[routePost] != 2 {
		t.Fatalf("policies=%d posts=%d, want 1 and 2", len(found), e.org.RouteCounts()[routePost])
	}
}

func TestCreateWith4xxIsReturnedAsIs(t *testing.T) {
	e := newEnv(t, sim.Options{}, nil)
	_, err := e.client.CreatePolicy(context.Background(), genesys.Policy{Name: " "})
	var ae *genesys.APIError
	if !errors.As(err, &ae) || ae.Status != 400 || ae.Code != "invalid.value" || errors.Is(err, genesys.ErrOutcomeUnknown) {
		t.Fatalf("want 400 invalid.value, got %v", err)
	}
	if n := e.org.RouteCounts()[routeList]; n != 0 {
		t.Fatalf("a clear 4xx must not trigger a lookup (%d lists)", n)
	}
}

func TestJobCreateWithLostAnswerIsOutcomeUnknown(t *testing.T) {
	e := newEnv(t, sim.Options{}, nil)
	e.org.DropResponse(1)
	_, err := e.client.CreateRecordingJob(context.Background(), deleteJob("voice"))
	if !errors.Is(err, genesys.ErrOutcomeUnknown) {
		t.Fatalf("want ErrOutcomeUnknown, got %v", err)
	}
	if e.org.ActiveJobs() != 1 {
		t.Fatalf("the job was created server-side; active = %d", e.org.ActiveJobs())
	}
}

func TestBreakerOpensAfterRepeatedFailures(t *testing.T) {
	e := newEnv(t, sim.Options{}, func(c *genesys.Config) { c.MaxRetries = -1 })
	e.org.Fail(1000, http.StatusServiceUnavailable)
	ctx := context.Background()
	for i := range 5 {
		if _, err := e.client.GetDataRetention(ctx); err == nil || errors.Is(err, genesys.ErrCircuitOpen) {
			t.Fatalf("call %d: want a 503, got %v", i, err)
		}
	}
	before := e.org.RequestCount()
	_, err := e.client.GetDataRetention(ctx)
	if !errors.Is(err, genesys.ErrCircuitOpen) || !strings.Contains(err.Error(), "503") {
		t.Fatalf("want the breaker open with its cause, got %v", err)
	}
	if e.org.RequestCount() != before {
		t.Fatal("an open breaker must not send requests")
	}
}

func TestRecorderSeesRouteTemplates(t *testing.T) {
	e := newEnv(t, sim.Options{Demo: true}, nil)
	ctx := context.Background()
	ps, err := e.client.ListPolicies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.GetPolicy(ctx, ps[0].ID); err != nil {
		t.Fatal(err)
	}
	for _, s := range e.stats.all() {
		if strings.ContainsAny(s.Path, "?=") || strings.Contains(s.Path, ps[0].ID) {
			t.Fatalf("recorded path %q leaks a query or an id", s.Path)
		}
	}
}

func TestDataRetention(t *testing.T) {
	e := newEnv(t, sim.Options{}, nil)
	ctx := context.Background()
	d, err := e.client.PutDataRetention(ctx, 365)
	if err != nil || d.RetentionDays != 365 {
		t.Fatalf("put: %v %+v", err, d)
	}
	if d, err = e.client.GetDataRetention(ctx); err != nil || d.RetentionDays != 365 {
		t.Fatalf("get: %v %+v", err, d)
	}
	_, err = e.client.PutDataRetention(ctx, 30)
	var ae *genesys.APIError
	if !errors.As(err, &ae) || ae.Status != 400 || ae.Code != "invalid.value" {
		t.Fatalf("want 400 for 30 days, got %v", err)
	}
}

// An empty id never reaches the server: it would address the collection.
func TestEmptyIDRefused(t *testing.T) {
	e := newEnv(t, sim.Options{}, nil)
	if err := e.client.DeletePolicy(context.Background(), ""); err == nil || !strings.Contains(err.Error(), "empty id") {
		t.Errorf("DeletePolicy(\"\") = %v", err)
	}
	if _, err := e.client.GetRecordingJob(context.Background(), ""); err == nil {
		t.Error("GetRecordingJob(\"\") went through")
	}
	if n := e.org.RequestCount(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
