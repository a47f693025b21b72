package genesys_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

// limitedOrg is a bare media retention policy API behind Genesys' kind of
// rate limit: each access token may make limit requests in any window
// (counted on arrival, over a sliding window, the strictest reading of
// "per minute"), and a request over it is answered 429 with the seconds to
// wait in Retry-After. Every grant of the token endpoint is a new token.
// Every answer, the token's included, is held back by latency.
type limitedOrg struct {
	srv     *httptest.Server
	limit   int // 0: no limit
	window  time.Duration
	latency time.Duration
	// scale is how many times faster than the platform the org runs (1:
	// real time). Retry-After is in the platform's seconds, as Genesys would
	// send it, so that a client can scale its wait back; rounded to whole
	// seconds of a shortened window it would be far too long.
	scale int

	mu       sync.Mutex
	policies []string // each policy's JSON
	tokens   int
	arrivals map[string][]time.Time // per token, the requests it let through
	limited  map[string]int         // per token, the 429s
	asked    map[string]int         // per token, every request
	// throttle, when set, may answer a token's nth request (from 1) 429
	// with the Retry-After it returns (0: no).
	throttle func(tok string, n int) int
}

func newLimitedOrg(tb testing.TB, limit int, window, latency time.Duration, seed int) *limitedOrg {
	tb.Helper()
	return newScaledOrg(tb, limit, window, latency, seed, 1)
}

// newScaledOrg is newLimitedOrg running scale times faster than the
// platform: window and latency are already divided by scale.
func newScaledOrg(tb testing.TB, limit int, window, latency time.Duration, seed, scale int) *limitedOrg {
	tb.Helper()
	o := &limitedOrg{limit: limit, window: window, latency: latency, scale: scale,
		arrivals: map[string][]time.Time{}, limited: map[string]int{}, asked: map[string]int{}}
	for i := range seed {
		o.policies = append(o.policies, fmt.Sprintf(`{"id":"id-%d","name":"policy %d","enabled":true}`, i, i))
	}
	o.srv = httptest.NewServer(o)
	tb.Cleanup(o.srv.Close)
	return o
}

// config reaches the org with client credentials, pacing as the org limits.
func (o *limitedOrg) config() genesys.Config {
	return genesys.Config{BaseURL: o.srv.URL, ClientID: "id", ClientSecret: "secret",
		RateLimit: o.limit, RateWindow: o.window, MaxRetries: -1}
}

func (o *limitedOrg) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(o.latency)
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/oauth/token" {
		o.mu.Lock()
		o.tokens++
		tok := "tok-" + strconv.Itoa(o.tokens)
		o.mu.Unlock()
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"bearer","expires_in":86400}`, tok)
		return
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || !o.admit(w, tok) {
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/v2/recording/mediaretentionpolicies":
		size, _ := strconv.Atoi(r.URL.Query().Get("pageSize"))
		n, _ := strconv.Atoi(r.URL.Query().Get("pageNumber"))
		o.mu.Lock()
		total := len(o.policies)
		lo, hi := min((n-1)*size, total), min(n*size, total)
		page := strings.Join(o.policies[lo:hi], ",")
		o.mu.Unlock()
		fmt.Fprintf(w, `{"entities":[%s],"pageSize":%d,"pageNumber":%d,"total":%d,"pageCount":%d}`,
			page, size, n, total, (total+size-1)/size)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, policyPath):
		o.get(w, strings.TrimPrefix(r.URL.Path, policyPath))
	case r.Method == http.MethodPost && r.URL.Path == "/api/v2/recording/mediaretentionpolicies":
		var p map[string]any
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			http.Error(w, `{"status":400}`, http.StatusBadRequest)
			return
		}
		o.mu.Lock()
		p["id"] = "id-" + strconv.Itoa(len(o.policies))
		b, _ := json.Marshal(p)
		o.policies = append(o.policies, string(b))
		o.mu.Unlock()
		_, _ = w.Write(b)
	default:
		http.Error(w, `{"status":404}`, http.StatusNotFound)
	}
}

// policyPath is where one policy is, before its id.
const policyPath = "/api/v2/recording/mediaretentionpolicies/"

// get answers a GET of one policy by its id ("id-N", from the seed or a
// create), or 404.
func (o *limitedOrg) get(w http.ResponseWriter, id string) {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "id-"))
	o.mu.Lock()
	found := err == nil && strings.HasPrefix(id, "id-") && n >= 0 && n < len(o.policies)
	var p string
	if found {
		p = o.policies[n]
	}
	o.mu.Unlock()
	if !found {
		http.Error(w, `{"status":404,"code":"not.found"}`, http.StatusNotFound)
		return
	}
	_, _ = w.Write([]byte(p))
}

// admit applies the per-token limit, answering 429 when it is reached.
func (o *limitedOrg) admit(w http.ResponseWriter, tok string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := time.Now()
	seen := o.arrivals[tok]
	o.asked[tok]++
	wait := 0
	if o.throttle != nil {
		wait = o.throttle(tok, o.asked[tok])
	}
	if o.limit > 0 && len(seen) >= o.limit && wait == 0 {
		if oldest := seen[len(seen)-o.limit]; now.Sub(oldest) < o.window {
			wait = int(math.Ceil((o.window - now.Sub(oldest)).Seconds() * float64(o.scale)))
		}
	}
	if wait > 0 {
		o.limited[tok]++
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprintf(w, `{"message":"Rate limit exceeded the maximum. Retry the request in [%d] seconds","code":"too.many.requests.retry.after","status":429}`, wait)
		return false
	}
	o.arrivals[tok] = append(seen, now)
	return true
}

// counts returns the requests let through and the 429s, per token.
func (o *limitedOrg) counts() (through, limited map[string]int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	through = map[string]int{}
	for tok, ts := range o.arrivals {
		through[tok] = len(ts)
	}
	limited = map[string]int{}
	for tok, n := range o.limited {
		limited[tok] = n
	}
	return through, limited
}

// granted is how many tokens the org handed out.
func (o *limitedOrg) granted() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.tokens
}
