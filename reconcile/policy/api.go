package policy

import (
	"errors"
	"fmt"
)

// API paces retainctl's calls to the Genesys Cloud Platform API (the
// settings' api block; flags override it). docs/BENCHMARKS.md says where
// the figures come from.
type API struct {
	// RequestsPerMinute is the limit of each access token. Genesys
	// documents 300 (client.credentials.token.rate.per.minute); an
	// organisation whose limit Genesys raised may say more.
	RequestsPerMinute int `yaml:"requestsPerMinute,omitempty" json:"requestsPerMinute"`
	// TokenPool is how many access tokens retainctl fetches with the OAuth
	// client's credentials, each paced on its own. Whether Genesys limits
	// the tokens of one client separately is not documented, so the
	// default is one.
	TokenPool int `yaml:"tokenPool,omitempty" json:"tokenPool"`
}

// Defaults and ceilings of the api settings.
const (
	DefaultRequestsPerMinute = 300
	// MaxRequestsPerMinute is the largest per-minute Platform API limit
	// Genesys lists (org.app.user.rate.per.minute, 3000): a token cannot
	// be allowed more than that, so a larger figure is a mistake.
	MaxRequestsPerMinute = 3000
	DefaultTokenPool     = 1
	// MaxTokenPool bounds the tokens fetched for one run (the Terraform
	// provider's pool is 10).
	MaxTokenPool = 20
)

// DefaultAPI is the api block when the settings leave it out.
func DefaultAPI() API {
	return API{RequestsPerMinute: DefaultRequestsPerMinute, TokenPool: DefaultTokenPool}
}

// Check reports every value out of range, each naming its key (prefix
// "api." for the settings file, or a flag's name through names).
func (a API) Check() error {
	return a.CheckAs("api.requestsPerMinute", "api.tokenPool")
}

// CheckAs is Check with the keys named rate and pool.
func (a API) CheckAs(rate, pool string) error {
	var errs []error
	if a.RequestsPerMinute < 1 || a.RequestsPerMinute > MaxRequestsPerMinute {
		errs = append(errs, fmt.Errorf("%s is %d: give the requests per minute each token may make, 1 to %d (Genesys documents %d)",
			rate, a.RequestsPerMinute, MaxRequestsPerMinute, DefaultRequestsPerMinute))
	}
	if a.TokenPool < 1 || a.TokenPool > MaxTokenPool {
		errs = append(errs, fmt.Errorf("%s is %d: give the number of access tokens to spread requests over, 1 (the default) to %d",
			pool, a.TokenPool, MaxTokenPool))
	}
	return errors.Join(errs...)
}
