// Webhook configuration: the environment variables, WebhookConfig and its
// defaults, and the URL rules (https unless loopback; errors never echo it).

package audit

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/retainctl/retainctl/reconcile/redact"
)

// Environment variables that configure delivery.
const (
	EnvWebhookURL    = "RETAINCTL_AUDIT_WEBHOOK_URL"
	EnvWebhookSecret = "RETAINCTL_AUDIT_WEBHOOK_SECRET"
)

// ErrNotConfigured means RETAINCTL_AUDIT_WEBHOOK_URL is not set: events stay
// in the log only.
var ErrNotConfigured = errors.New(EnvWebhookURL + " is not set: audit events stay in the local log")

// WebhookConfig configures a Deliverer. Zero values take the defaults.
type WebhookConfig struct {
	URL    string
	Secret string

	Client        *http.Client  // default: no redirects followed
	Timeout       time.Duration // per request; default 10s
	BatchSize     int           // events per POST; default 100
	MaxAttempts   int           // per batch, first try included; default 5
	BaseDelay     time.Duration // first backoff; default 500ms, doubling, with jitter
	MaxDelay      time.Duration // backoff cap; default 30s
	MaxRetryAfter time.Duration // cap on a receiver's Retry-After; default 60s
	Masker        *redact.Masker
}

// WebhookFromEnv reads the webhook settings; ErrNotConfigured when the URL
// is not set.
func WebhookFromEnv(getenv func(string) string) (WebhookConfig, error) {
	cfg := WebhookConfig{URL: strings.TrimSpace(getenv(EnvWebhookURL)), Secret: getenv(EnvWebhookSecret)}
	if cfg.URL == "" {
		return cfg, ErrNotConfigured
	}
	return cfg, nil
}

func (c WebhookConfig) withDefaults() WebhookConfig {
	if c.Client == nil {
		c.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a redirect would resend signed events elsewhere
		}}
	}
	c.Timeout = cmpOr(c.Timeout, 10*time.Second)
	c.BatchSize = cmpOr(c.BatchSize, 100)
	c.MaxAttempts = cmpOr(c.MaxAttempts, 5)
	c.BaseDelay = cmpOr(c.BaseDelay, 500*time.Millisecond)
	c.MaxDelay = cmpOr(c.MaxDelay, 30*time.Second)
	c.MaxRetryAfter = cmpOr(c.MaxRetryAfter, 60*time.Second)
	if c.Masker == nil {
		c.Masker = redact.New()
	}
	c.Masker.Add(c.Secret)
	return c
}

// cmpOr is cmp.Or for values where negative also means "unset".
func cmpOr[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// checkWebhookURL accepts https, and plain http only for loopback hosts.
// Errors never echo the URL's path or query: webhook URLs often embed a token.
func checkWebhookURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("%s is not an absolute http(s) URL: set it to e.g. https://audit.example.com/retainctl", EnvWebhookURL)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("%s uses plain http to %s: audit events must travel over https (plain http is allowed only for loopback hosts such as 127.0.0.1 or localhost)", EnvWebhookURL, u.Host)
	}
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// safeURL is the URL without credentials, path or query, fit for messages.
func safeURL(u *url.URL) string { return u.Scheme + "://" + u.Host }
