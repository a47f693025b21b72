package genesys

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/retainctl/retainctl/reconcile/wait"
)

// maxBody caps how much of an answer is read, so a hostile or broken
// server cannot exhaust memory.
const maxBody = 10 << 20

// max429 bounds how many rate-limited answers in a row one call accepts.
const max429 = 20

// Client talks to one Genesys Cloud organisation. It is safe for
// concurrent use; all calls share one pool of tokens with their rate
// limiters, and one breaker.
type Client struct {
	base        string
	hc          *http.Client
	pool        []*tokens // one per pooled access token, indexed as pacer's slots
	pacer       *pacer
	breaker     *breaker
	rec         Recorder
	ua          string
	maxRetryAf  time.Duration
	maxRetries  int
	sleep       func(context.Context, time.Duration) error
	masker      func(string) string
	listTimeout time.Duration
	listConc    int
}

// mask masks secrets in an answer's body, for messages.
func (c *Client) mask(body []byte) []byte {
	if c.masker == nil {
		return body
	}
	return []byte(c.masker(string(body)))
}

// New checks cfg and builds a Client. No request is made yet.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("genesys: Config.BaseURL is empty: set " + EnvRegion + " or " + EnvAPIURL)
	}
	if cfg.AccessToken == "" && (cfg.ClientID == "" || cfg.ClientSecret == "") {
		return nil, ErrNoCredentials
	}
	if cfg.TokenURL == "" {
		u, err := TokenURLFor(cfg.BaseURL)
		if err != nil {
			return nil, err
		}
		cfg.TokenURL = u
	} else if _, err := TokenURLFor(cfg.TokenURL); err != nil {
		return nil, fmt.Errorf("invalid token URL %q", cfg.TokenURL)
	}
	if _, err := TokenURLFor(cfg.BaseURL); err != nil {
		return nil, err
	}
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.User != nil {
		return nil, errors.New("the API URL carries credentials (user:password@host): remove them; retainctl authenticates with the OAuth client")
	}
	if err := checkPacing(cfg); err != nil {
		return nil, err
	}
	applyDefaults(&cfg)
	pool := make([]*tokens, cfg.TokenPool)
	for i := range pool {
		pool[i] = newTokens(cfg, cfg.HTTPClient)
	}
	return &Client{
		base:        strings.TrimRight(cfg.BaseURL, "/"),
		hc:          cfg.HTTPClient,
		pool:        pool,
		pacer:       newPacer(cfg.RateLimit, cfg.TokenPool, cfg.RateWindow, cfg.Sleep),
		breaker:     &breaker{threshold: cfg.BreakerThreshold},
		rec:         cfg.Recorder,
		ua:          cfg.UserAgent,
		maxRetryAf:  cfg.MaxRetryAfter,
		maxRetries:  cfg.MaxRetries,
		sleep:       cfg.Sleep,
		masker:      cfg.Mask,
		listTimeout: cmp.Or(cfg.ListTimeout, DefaultListTimeout),
		listConc:    cfg.ListConcurrency,
	}, nil
}

// checkPacing refuses pacing settings that cannot be meant (zero means the
// default). The ceilings a user may set are checked where the settings are
// read (policy.API); tests and benchmarks may go beyond them.
func checkPacing(cfg Config) error {
	switch {
	case cfg.RateLimit < 0:
		return fmt.Errorf("genesys: a rate limit of %d requests per minute is negative", cfg.RateLimit)
	case cfg.TokenPool < 0:
		return fmt.Errorf("genesys: a token pool of %d is negative", cfg.TokenPool)
	case cfg.TokenPool > 1 && cfg.AccessToken != "":
		return fmt.Errorf("a token pool of %d needs the OAuth client's credentials (%s, %s): %s is a single token; use a pool of 1", cfg.TokenPool, EnvClientID, EnvClientSecret, EnvAccessToken)
	case cfg.ListConcurrency < 0, cfg.RateWindow < 0:
		return errors.New("genesys: negative list concurrency or rate window")
	}
	return nil
}

func applyDefaults(cfg *Config) {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: DefaultTimeout}
	}
	// A redirect is never followed: it would carry the bearer token or the
	// client's credentials to wherever it points, and turn a POST into a
	// GET. The 3xx comes back as an error naming the target.
	hc := *cfg.HTTPClient
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	cfg.HTTPClient = &hc
	if cfg.RateLimit <= 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	if cfg.TokenPool <= 0 {
		cfg.TokenPool = DefaultTokenPool
	}
	if cfg.RateWindow <= 0 {
		cfg.RateWindow = DefaultRateWindow
	}
	if cfg.ListConcurrency <= 0 {
		cfg.ListConcurrency = DefaultListConcurrency
	}
	if cfg.MaxRetryAfter <= 0 {
		cfg.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	} else if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.BreakerThreshold <= 0 {
		cfg.BreakerThreshold = DefaultBreakerThreshold
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.Sleep == nil {
		cfg.Sleep = wait.Sleep
	}
}

// call is one logical API call.
type call struct {
	method string
	route  string // template, for errors and the recorder
	path   string // the escaped path actually requested
	query  url.Values
	body   any
}

// answer is what one HTTP attempt produced.
type answer struct {
	status int
	header http.Header
	body   []byte
	err    error // transport error; nil when an answer arrived
}

// tries is one logical call's retry state. Each limit has its own
// counter, so that waiting out a 429 or refreshing a token does not use up
// the retries meant for server and transport failures.
type tries struct {
	n         int  // HTTP attempts made
	retries   int  // retries after a 5xx or a transport error
	limited   int  // 429s waited out
	refreshed bool // the token was refreshed after a 401
	bo        *backoff.ExponentialBackOff
	// paused is how long the last 429 paused its token (the pacer waits
	// it out, not this call), for the request's record.
	paused time.Duration
	// slot is the pooled token the current attempt went on.
	slot int
}

// do runs c with rate limiting, retries and the breaker, and decodes a 2xx
// answer into out (when out is not nil).
func (c *Client) do(ctx context.Context, cl call, out any) error {
	if strings.HasSuffix(cl.path, "/") {
		// An empty id would address the collection instead: a DELETE there
		// is the bulk delete.
		return fmt.Errorf("%s %s: empty id", cl.method, cl.route)
	}
	payload, err := encodeBody(cl.body)
	if err != nil {
		return fmt.Errorf("%s %s: encode request: %w", cl.method, cl.route, err)
	}
	t := &tries{bo: newBackoff()}
	for {
		a, wait, retry, err := c.try(ctx, cl, payload, t)
		if !retry {
			return decode(cl, a, err, out)
		}
		if wait > 0 {
			if err := c.sleep(ctx, wait); err != nil {
				return err
			}
		}
	}
}

// try makes one attempt of cl, records it, and judges its answer.
func (c *Client) try(ctx context.Context, cl call, payload []byte, t *tries) (a answer, wait time.Duration, retry bool, err error) {
	t.n++
	if err := c.breaker.allow(); err != nil {
		return answer{}, 0, false, err
	}
	var paced time.Duration
	if t.slot, paced, err = c.pacer.waitPaced(ctx); err != nil {
		return answer{}, 0, false, err
	}
	start := time.Now()
	a, err = c.send(ctx, cl, payload, c.pool[t.slot])
	if err != nil { // no request was sent (token or request building)
		return answer{}, 0, false, err
	}
	stat := RequestStat{Method: cl.method, Path: cl.route, Status: a.status, Latency: time.Since(start), Attempt: t.n, Err: a.err,
		RateLimited: a.err == nil && a.status == http.StatusTooManyRequests, PaceWait: paced}
	t.paused = 0
	if !stat.RateLimited {
		c.pacer.ok(t.slot)
	}
	wait, retry, err = c.judge(ctx, cl, a, t)
	stat.RetryWait = max(wait, t.paused)
	if stat.Err == nil && err != nil && a.status >= 300 {
		stat.Err = err
	}
	c.record(stat)
	return a, wait, retry, err
}

// decode finishes a call: err as is, or a 2xx answer decoded into out.
func decode(cl call, a answer, err error, out any) error {
	if err != nil || out == nil || len(a.body) == 0 {
		return err
	}
	if derr := json.Unmarshal(a.body, out); derr != nil {
		return fmt.Errorf("%s %s: decode answer: %w", cl.method, cl.path, derr)
	}
	return nil
}

// judge decides what an attempt's answer means: done (nil error), failed,
// or worth retrying after wait.
func (c *Client) judge(ctx context.Context, cl call, a answer, t *tries) (time.Duration, bool, error) {
	idempotent := cl.method != http.MethodPost
	switch {
	case a.err != nil && ctx.Err() != nil:
		return 0, false, ctx.Err()
	case a.err != nil:
		terr := fmt.Errorf("%s %s: %w", cl.method, cl.path, a.err)
		if !idempotent && !notSent(a.err) {
			c.breaker.failure(terr)
			return 0, false, outcomeUnknown(terr)
		}
		return c.backoffOrFail(terr, 0, t)
	case a.status == http.StatusUnauthorized && !t.refreshed && c.pool[t.slot].invalidate():
		t.refreshed = true
		return 0, true, nil
	case a.status == http.StatusTooManyRequests:
		return c.rateLimited(cl, a, t)
	case a.status >= 500 && a.status != http.StatusNotImplemented:
		ae := decodeAPIError(cl.method, cl.path, a.status, a.header, c.mask(a.body))
		if !idempotent {
			c.breaker.failure(ae)
			return 0, false, outcomeUnknown(ae)
		}
		return c.backoffOrFail(ae, min(ae.RetryAfter, c.maxRetryAf), t)
	case a.status >= 200 && a.status < 300:
		c.breaker.success()
		return 0, false, nil
	}
	c.breaker.success()
	ae := decodeAPIError(cl.method, cl.path, a.status, a.header, c.mask(a.body))
	if a.status == http.StatusUnauthorized {
		return 0, false, c.unauthorized(ae)
	}
	return 0, false, ae
}

// backoffOrFail schedules a retry of an idempotent call, or gives up and
// counts the failure towards the breaker.
func (c *Client) backoffOrFail(err error, atLeast time.Duration, t *tries) (time.Duration, bool, error) {
	if t.retries >= c.maxRetries {
		c.breaker.failure(err)
		if t.retries > 0 {
			return 0, false, fmt.Errorf("%w (gave up after %d retries)", err, t.retries)
		}
		return 0, false, err
	}
	t.retries++
	return max(t.bo.NextBackOff(), atLeast), true, nil
}

// rateLimited handles a 429: nothing was processed, so any method may be
// retried once Retry-After has passed, and every goroutine waits too
// before it sends on the same token.
func (c *Client) rateLimited(cl call, a answer, t *tries) (time.Duration, bool, error) {
	ae := decodeAPIError(cl.method, cl.path, a.status, a.header, c.mask(a.body))
	wait := ae.RetryAfter
	if wait <= 0 {
		wait = 3 * time.Second // the .NET SDK's default when the header is missing
	}
	if wait > c.maxRetryAf {
		return 0, false, fmt.Errorf("%w: Retry-After %s is longer than the %s the client waits; try again later", ae, wait, c.maxRetryAf)
	}
	t.limited++
	if t.limited > max429 {
		return 0, false, fmt.Errorf("%w: still rate limited after %d waits", ae, max429)
	}
	c.pacer.limited(t.slot, wait)
	t.paused = wait
	return 0, true, nil
}

// unauthorized explains a 401 that a fresh token did not cure.
func (c *Client) unauthorized(ae *APIError) error {
	if c.pool[0].static != "" {
		return fmt.Errorf("%w: %s was rejected (expired or revoked); set a fresh one or use %s/%s", ae, EnvAccessToken, EnvClientID, EnvClientSecret)
	}
	return fmt.Errorf("%w: a freshly fetched token was rejected too; check the OAuth client and that %s matches its region", ae, EnvRegion)
}

// send makes one HTTP attempt. Its error is for failures before anything
// was sent; transport failures land in answer.err.
func (c *Client) send(ctx context.Context, cl call, payload []byte, tokens *tokens) (answer, error) {
	tok, err := tokens.token()
	if err != nil {
		return answer{}, err
	}
	u := c.base + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u, body)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", cl.method, cl.route, err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.ua)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return answer{err: scrubURL(err)}, nil
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err == nil && len(data) > maxBody {
		err = fmt.Errorf("answer larger than %d MiB", maxBody>>20)
	}
	if err != nil {
		return answer{status: resp.StatusCode, err: fmt.Errorf("read answer: %w", err)}, nil
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

func (c *Client) record(s RequestStat) {
	if c.rec != nil {
		c.rec.RecordRequest(s)
	}
}

func encodeBody(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}

func newBackoff() *backoff.ExponentialBackOff {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = time.Second
	b.MaxInterval = 30 * time.Second
	return b
}

// notSent reports whether a transport error happened before the request
// left (the connection was never made), so even a POST can be retried.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// scrubURL drops the query string that *url.Error repeats; the query
// never holds secrets, but error text stays short and stable.
func scrubURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// outcomeUnknownError wraps the failure of a POST that may have been processed.
type outcomeUnknownError struct{ err error }

func outcomeUnknown(err error) error { return &outcomeUnknownError{err: err} }

func (e *outcomeUnknownError) Error() string {
	return e.err.Error() + " (outcome unknown: the request may have been processed)"
}

func (e *outcomeUnknownError) Unwrap() []error { return []error{ErrOutcomeUnknown, e.err} }
