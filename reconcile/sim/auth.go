package sim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// handleToken is POST /oauth/token: client credentials in a Basic header
// (as every official SDK sends them), grant_type in a form body.
func (o *Org) handleToken(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.total++
	o.counts["POST /oauth/token"]++
	o.mu.Unlock()
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be client_credentials")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok || !o.credentialsMatch(id, secret) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "client id or secret is wrong, or not sent as HTTP Basic authentication")
		return
	}
	tok := newToken()
	ttl := o.opts.TokenTTL
	o.mu.Lock()
	o.tokens[tok] = o.opts.Now().Add(ttl)
	o.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "token_type": "bearer", "expires_in": int(ttl / time.Second),
	})
}

// credentialsMatch accepts the id and secret as sent, or URL-escaped as
// golang.org/x/oauth2 sends them (RFC 6749 §2.3.1).
func (o *Org) credentialsMatch(id, secret string) bool {
	eq := func(got, want string) bool {
		if subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 {
			return true
		}
		u, err := url.QueryUnescape(got)
		return err == nil && subtle.ConstantTimeCompare([]byte(u), []byte(want)) == 1
	}
	return eq(id, o.opts.ClientID) && eq(secret, o.opts.ClientSecret)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "description": desc, "error_description": desc})
}

func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// authenticate checks the bearer token, answering 401 itself when it fails.
func (o *Org) authenticate(w http.ResponseWriter, r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		writeError(w, r, http.StatusUnauthorized, "authentication.required",
			"No authentication bearer token specified in authorization header.")
		return "", false
	}
	o.mu.Lock()
	exp, known := o.tokens[tok]
	o.mu.Unlock()
	if !known || !o.opts.Now().Before(exp) {
		writeError(w, r, http.StatusUnauthorized, "bad.credentials",
			"Invalid login credentials.")
		return "", false
	}
	return tok, true
}

// window counts one token's requests in the current minute.
type window struct {
	start time.Time
	n     int
}

// allow applies the per-token limit and any injected 429 burst.
func (o *Org) allow(w http.ResponseWriter, r *http.Request, tok string) bool {
	o.mu.Lock()
	wait := 0
	if o.throttle > 0 {
		o.throttle--
		wait = o.throtAft
	} else {
		now := o.opts.Now()
		win := o.windows[tok]
		if win == nil || now.Sub(win.start) >= time.Minute {
			win = &window{start: now}
			o.windows[tok] = win
		}
		win.n++
		if win.n > o.opts.RateLimit {
			wait = int((time.Minute - now.Sub(win.start) + time.Second - 1) / time.Second)
		}
	}
	o.mu.Unlock()
	if wait == 0 {
		return true
	}
	w.Header().Set("Retry-After", strconv.Itoa(wait))
	writeError(w, r, http.StatusTooManyRequests, "too.many.requests.retry.after",
		fmt.Sprintf("Rate limit exceeded the maximum. Retry the request in [%d] seconds", wait))
	return false
}
