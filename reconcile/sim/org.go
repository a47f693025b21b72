// Package sim is a simulated Genesys Cloud organisation: an http.Handler
// serving the Platform API endpoints retainctl uses, with the real shapes,
// errors, rate limits and the recording job state machine. It backs the
// tests and `retainctl sim` / `--sim`. Deterministic given a seed.
package sim

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Demo credentials, accepted unless Options say otherwise.
const (
	DemoClientID     = "retainctl-demo"
	DemoClientSecret = "retainctl-demo-secret"
)

// Options configure an Org. The zero value is a usable empty org.
type Options struct {
	ClientID     string        // default DemoClientID
	ClientSecret string        // default DemoClientSecret
	Seed         int64         // drives recordings, ids and faults
	Latency      time.Duration // added to every answer
	FailRate     float64       // share of /api/v2 requests answered 503/500
	RateLimit    int           // requests per token per minute (default 300)
	TokenTTL     time.Duration // default 24h
	StatePath    string        // JSON state file; loaded if present, saved after each change
	Now          func() time.Time
	Demo         bool // seed the demo policies when there is no state file
	JobPolls     int  // GETs a job spends PENDING and PROCESSING (default 2)
	// HistoryDays is how far back the recordings of a new org go
	// (default three years, at most 20).
	HistoryDays int
}

// Org is the simulated organisation.
type Org struct {
	opts Options
	mux  *http.ServeMux

	mu       sync.Mutex
	st       *state
	ids      idSource   // ids for new entities
	faults   *rand.Rand // FailRate draws
	tokens   map[string]time.Time
	windows  map[string]*window
	counts   map[string]int
	total    int
	failNext []int // statuses for the next requests
	throttle int   // next requests answered 429
	throtAft int   // their Retry-After
	dropPOST int   // next POSTs processed but left unanswered
}

// New builds an Org, loading Options.StatePath when it exists.
func New(opts Options) (*Org, error) {
	if opts.ClientID == "" {
		opts.ClientID = DemoClientID
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = DemoClientSecret
	}
	if opts.RateLimit <= 0 {
		opts.RateLimit = 300
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.JobPolls <= 0 {
		opts.JobPolls = 2
	}
	if opts.HistoryDays < 0 || opts.HistoryDays > maxHistoryDays {
		return nil, fmt.Errorf("sim: history of %d days is not between 0 and %d", opts.HistoryDays, maxHistoryDays)
	}
	if opts.FailRate < 0 || opts.FailRate > 1 {
		return nil, fmt.Errorf("sim: fail rate %v is not between 0 and 1", opts.FailRate)
	}
	o := &Org{
		opts:    opts,
		tokens:  map[string]time.Time{},
		windows: map[string]*window{},
		counts:  map[string]int{},
		faults:  rand.New(rand.NewPCG(uint64(opts.Seed), 0xfa17)),
	}
	st, err := o.loadOrInit()
	if err != nil {
		return nil, err
	}
	o.st = st
	o.ids = newIDSource(opts.Seed, st.Mutations)
	o.routes()
	return o, nil
}

func (o *Org) routes() {
	m := http.NewServeMux()
	m.HandleFunc("POST /oauth/token", o.handleToken)
	api := func(pattern string, h func(http.ResponseWriter, *http.Request)) {
		m.Handle(pattern, o.api(pattern, h))
	}
	api("GET /api/v2/recording/mediaretentionpolicies", o.listPolicies)
	api("POST /api/v2/recording/mediaretentionpolicies", o.createPolicy)
	api("DELETE /api/v2/recording/mediaretentionpolicies", o.bulkDeletePolicies)
	api("GET /api/v2/recording/mediaretentionpolicies/{policyId}", o.getPolicy)
	api("PUT /api/v2/recording/mediaretentionpolicies/{policyId}", o.putPolicy)
	api("PATCH /api/v2/recording/mediaretentionpolicies/{policyId}", o.patchPolicy)
	api("DELETE /api/v2/recording/mediaretentionpolicies/{policyId}", o.deletePolicy)
	api("GET /api/v2/recording/jobs", o.listJobs)
	api("POST /api/v2/recording/jobs", o.createJob)
	api("GET /api/v2/recording/jobs/{jobId}", o.getJob)
	api("PUT /api/v2/recording/jobs/{jobId}", o.executeJob)
	api("DELETE /api/v2/recording/jobs/{jobId}", o.cancelJob)
	api("GET /api/v2/recording/jobs/{jobId}/failedrecordings", o.listFailed)
	api("POST "+protectionPath, o.queryProtection)
	api("PUT "+protectionPath, o.putProtection)
	api("GET /api/v2/analytics/dataretention/settings", o.getRetention)
	api("PUT /api/v2/analytics/dataretention/settings", o.putRetention)
	api("GET "+queuesPath, o.listQueues)
	api("GET "+queuesPath+"/{queueId}", o.getQueue)
	api("GET "+wrapupcodesPath, o.listWrapupcodes)
	api("GET "+wrapupcodesPath+"/{codeId}", o.getWrapupcode)
	api("GET "+languagesPath, o.listLanguages)
	api("GET "+languagesPath+"/{languageId}", o.getLanguage)
	api("GET "+teamsPath, o.listTeams)
	api("GET "+teamsPath+"/{teamId}", o.getTeam)
	api("GET "+usersPath, o.listUsers)
	api("POST "+usersSearchPath, o.searchUsers)
	api("GET /api/v2/organizations/me", o.getOrganization)
	api("GET /api/v2/authorization/products", o.getProducts)
	api("GET /api/v2/tokens/me", o.getTokenInfo)
	m.Handle("/api/", o.api("unknown", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, "not.found", "The requested resource was not found.")
	}))
	o.mux = m
}

// ServeHTTP serves the simulated API.
func (o *Org) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if o.opts.Latency > 0 {
		t := time.NewTimer(o.opts.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	o.mux.ServeHTTP(w, r)
}

// api wraps an /api/v2 handler with counting, injected faults, bearer
// authentication and the per-token rate limit, in the real API's order.
func (o *Org) api(route string, h func(http.ResponseWriter, *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.total++
		o.counts[route]++
		status := o.injectedFault()
		o.mu.Unlock()
		if status != 0 {
			writeFault(w, r, status)
			return
		}
		tok, ok := o.authenticate(w, r)
		if !ok {
			return
		}
		if !o.allow(w, r, tok) {
			return
		}
		if r.Method == http.MethodPost && o.takeDrop() {
			h(discard{header: http.Header{}}, r)
			panic(http.ErrAbortHandler) // processed, then the connection drops
		}
		h(w, r)
	})
}

// injectedFault returns the status of a fault to answer with, or 0. Call with o.mu held.
func (o *Org) injectedFault() int {
	if len(o.failNext) > 0 {
		s := o.failNext[0]
		o.failNext = o.failNext[1:]
		return s
	}
	if o.opts.FailRate > 0 && o.faults.Float64() < o.opts.FailRate {
		if o.faults.IntN(4) == 0 {
			return http.StatusInternalServerError
		}
		return http.StatusServiceUnavailable
	}
	return 0
}

func writeFault(w http.ResponseWriter, r *http.Request, status int) {
	switch status {
	case http.StatusInternalServerError:
		writeError(w, r, status, "internal.server.error", "The server encountered an unexpected condition.")
	case http.StatusServiceUnavailable:
		writeError(w, r, status, "service.unavailable", "Service Unavailable: The server is currently unavailable.")
	case http.StatusGatewayTimeout:
		writeError(w, r, status, "request.timeout", "The request timed out.")
	default:
		writeError(w, r, status, "simulated.failure", http.StatusText(status))
	}
}

func (o *Org) takeDrop() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.dropPOST > 0 {
		o.dropPOST--
		return true
	}
	return false
}

// discard swallows an answer that the simulated network loses.
type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}
