package genesys

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
)

// Environment variables, named as the Genesys Terraform provider names them.
const (
	EnvClientID     = "GENESYSCLOUD_OAUTHCLIENT_ID"
	EnvClientSecret = "GENESYSCLOUD_OAUTHCLIENT_SECRET"
	EnvRegion       = "GENESYSCLOUD_REGION"
	EnvAccessToken  = "GENESYSCLOUD_ACCESS_TOKEN"
	EnvAPIURL       = "GENESYSCLOUD_API_URL"
)

// Defaults for Config's zero values.
const (
	// DefaultRateLimit is Genesys' documented limit per client-credentials
	// token, client.credentials.token.rate.per.minute (docs/BENCHMARKS.md).
	DefaultRateLimit = 300
	// DefaultTokenPool is one token: whether several tokens of one OAuth
	// client each get their own limit is not documented (docs/BENCHMARKS.md).
	DefaultTokenPool = 1
	// DefaultListConcurrency is how many pages of a listing are fetched at
	// once once the first page has said how many there are.
	DefaultListConcurrency = 8
	// DefaultRateWindow is the span the rate limit counts over.
	DefaultRateWindow       = time.Minute
	DefaultMaxRetryAfter    = 180 * time.Second
	DefaultMaxRetries       = 4
	DefaultBreakerThreshold = 5
	DefaultTimeout          = 60 * time.Second
	DefaultUserAgent        = "retainctl"
)

// ErrNoCredentials says that the environment names no way to authenticate.
var ErrNoCredentials = errors.New("no Genesys Cloud credentials: set " + EnvClientID + " and " + EnvClientSecret +
	" (and " + EnvRegion + ", default " + DefaultRegion + "), or " + EnvAccessToken)

// Config configures a Client. Only the base URL and one way to authenticate
// are required.
type Config struct {
	BaseURL      string // e.g. https://api.mypurecloud.ie
	TokenURL     string // derived from BaseURL when empty
	ClientID     string
	ClientSecret string
	AccessToken  string // used as is instead of client credentials

	HTTPClient       *http.Client  // default: DefaultTimeout per request
	RateLimit        int           // requests per RateWindow per token (default DefaultRateLimit)
	TokenPool        int           // access tokens fetched with the client credentials, each with its own limit (default 1)
	RateWindow       time.Duration // the span RateLimit counts over (default a minute; benchmarks shorten it)
	ListConcurrency  int           // pages of a listing fetched at once (default DefaultListConcurrency)
	MaxRetryAfter    time.Duration // longest Retry-After honoured (default 180 s)
	MaxRetries       int           // retries after 5xx / connection errors (default 4; negative = none)
	BreakerThreshold int           // consecutive failed calls that open the breaker (default 5)
	Recorder         Recorder      // told about every HTTP attempt; may be nil
	UserAgent        string
	// OnToken is told every access token the client obtains, so that the
	// caller can mask it in whatever it prints; may be nil.
	OnToken func(token string)
	// Mask, when set, masks secrets in an error body before it is cut short
	// for a message, so a secret across the cut cannot leave half masked.
	Mask func(string) string
	// ListTimeout bounds a whole listing, every page and retry included
	// (default DefaultListTimeout).
	ListTimeout time.Duration

	// Sleep waits between attempts; nil means a real timer. Tests inject
	// one that returns at once and records the waits.
	Sleep func(ctx context.Context, d time.Duration) error
}

// ConfigFromEnv reads the GENESYSCLOUD_* variables through getenv.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	cfg := Config{
		ClientID:     get(EnvClientID),
		ClientSecret: get(EnvClientSecret),
		AccessToken:  get(EnvAccessToken),
		BaseURL:      get(EnvAPIURL),
	}
	if cfg.AccessToken == "" && (cfg.ClientID == "" || cfg.ClientSecret == "") {
		missing := []string{}
		if cfg.ClientID == "" {
			missing = append(missing, EnvClientID)
		}
		if cfg.ClientSecret == "" {
			missing = append(missing, EnvClientSecret)
		}
		return Config{}, errors.Join(ErrNoCredentials, errors.New("missing: "+strings.Join(missing, ", ")))
	}
	if cfg.BaseURL == "" {
		u, err := RegionBaseURL(get(EnvRegion))
		if err != nil {
			return Config{}, errors.Join(errors.New(EnvRegion+" is invalid"), err)
		}
		cfg.BaseURL = u
	}
	return cfg, nil
}
