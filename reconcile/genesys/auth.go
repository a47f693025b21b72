package genesys

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokens hands out the bearer token. Client-credential tokens are cached
// and renewed a margin before they expire; invalidate drops the cached one
// after the server rejected it (revoked, or the server restarted).
type tokens struct {
	static string // GENESYSCLOUD_ACCESS_TOKEN: never refreshed

	mu     sync.Mutex
	fetch  oauth2.TokenSource // a new grant per call (no cache)
	cached oauth2.TokenSource // ReuseTokenSourceWithExpiry over fetch
}

func newTokens(cfg Config, hc *http.Client) *tokens {
	if cfg.AccessToken != "" {
		return &tokens{static: cfg.AccessToken}
	}
	cc := &clientcredentials.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: cfg.ClientSecret,
		TokenURL:     cfg.TokenURL,
		AuthStyle:    oauth2.AuthStyleInHeader,
	}
	// The context lives as long as the client: oauth2 keeps it for every refresh.
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, hc)
	return &tokens{fetch: grant{ctx: ctx, cfg: cc, rec: cfg.Recorder, onToken: cfg.OnToken, mask: cfg.Mask}}
}

// grant fetches a fresh client-credentials token on every call: the cache
// lives in tokens, whose margin depends on the token's lifetime.
type grant struct {
	ctx     context.Context
	cfg     *clientcredentials.Config
	rec     Recorder           // may be nil
	onToken func(token string) // may be nil
	mask    func(string) string
}

func (g grant) Token() (*oauth2.Token, error) {
	start := time.Now()
	t, err := g.cfg.Token(g.ctx)
	status := tokenStatus(err)
	if err != nil {
		// The raw error holds the answer's body, which may echo the
		// credentials: only the masked report goes anywhere.
		err = tokenError(g.cfg.TokenURL, err, g.mask)
	}
	if g.rec != nil {
		g.rec.RecordRequest(RequestStat{Method: http.MethodPost, Path: "/oauth/token", Status: status,
			Latency: time.Since(start), Attempt: 1, Err: err})
	}
	if err != nil {
		return nil, err
	}
	if g.onToken != nil {
		g.onToken(t.AccessToken)
	}
	return t, nil
}

// tokenStatus is the token endpoint's HTTP status: 200, the error's, or 0
// when no answer arrived.
func tokenStatus(err error) int {
	var re *oauth2.RetrieveError
	switch {
	case err == nil:
		return http.StatusOK
	case errors.As(err, &re) && re.Response != nil:
		return re.Response.StatusCode
	}
	return 0
}

// token returns a valid bearer token.
func (t *tokens) token() (string, error) {
	if t.static != "" {
		return t.static, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cached == nil {
		first, err := t.fetch.Token()
		if err != nil {
			return "", err
		}
		t.cached = oauth2.ReuseTokenSourceWithExpiry(first, t.fetch, expiryMargin(time.Until(first.Expiry)))
	}
	tok, err := t.cached.Token()
	if err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}

// invalidate forgets the cached token; it reports whether a new one can be
// fetched (false for a static access token).
func (t *tokens) invalidate() bool {
	if t.static != "" {
		return false
	}
	t.mu.Lock()
	t.cached = nil
	t.mu.Unlock()
	return true
}

// expiryMargin is how long before expiry a token is renewed: a minute, as
// the Go SDK does, but at most a tenth of the lifetime so that a
// short-lived token is not renewed on every request.
func expiryMargin(lifetime time.Duration) time.Duration {
	m := time.Minute
	if tenth := lifetime / 10; tenth < m {
		m = tenth
	}
	if m <= 0 {
		// The oauth2 package treats 0 as its 10 s default.
		m = time.Millisecond
	}
	return m
}

// tokenError reports a failed grant without echoing anything secret: the
// server's words are masked whole, before a snippet is cut from them, since
// half a credential no longer matches any spelling the masker knows.
func tokenError(tokenURL string, err error, mask func(string) string) error {
	if mask == nil {
		mask = func(s string) string { return s }
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		msg := mask(re.ErrorDescription)
		if msg == "" {
			msg = snippet([]byte(mask(string(re.Body))))
		}
		return fmt.Errorf("get token from %s: %d %s: %s (check %s / %s and the region)",
			tokenURL, re.Response.StatusCode, mask(re.ErrorCode), msg, EnvClientID, EnvClientSecret)
	}
	return fmt.Errorf("get token from %s: %w", tokenURL, err)
}
