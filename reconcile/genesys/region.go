package genesys

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// regionDomains is the SDKs' region table (JS-SDK and NET-SDK, 18 entries):
// the API host is api.<domain>, the login host login.<domain>.
var regionDomains = map[string]string{
	"us-east-1":      "mypurecloud.com",
	"us-east-2":      "use2.us-gov-pure.cloud",
	"us-west-2":      "usw2.pure.cloud",
	"ca-central-1":   "cac1.pure.cloud",
	"sa-east-1":      "sae1.pure.cloud",
	"mx-central-1":   "mxc1.pure.cloud",
	"eu-west-1":      "mypurecloud.ie",
	"eu-west-2":      "euw2.pure.cloud",
	"eu-central-1":   "mypurecloud.de",
	"eu-central-2":   "euc2.pure.cloud",
	"me-central-1":   "mec1.pure.cloud",
	"ap-south-1":     "aps1.pure.cloud",
	"ap-southeast-1": "apse1.pure.cloud",
	"ap-southeast-2": "mypurecloud.com.au",
	"ap-northeast-1": "mypurecloud.jp",
	"ap-northeast-2": "apne2.pure.cloud",
	"ap-northeast-3": "apne3.pure.cloud",
	"eusc-de-east-1": "edee1.eusc-pure.cloud",
}

// DefaultRegion is the SDKs' default (https://api.mypurecloud.com).
const DefaultRegion = "us-east-1"

// Regions lists the known region names, sorted.
func Regions() []string {
	names := make([]string, 0, len(regionDomains))
	for n := range regionDomains {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// RegionBaseURL resolves a region given as a name (us-east-1, us_east_1) or
// a domain (mypurecloud.ie, api.mypurecloud.ie) to its API base URL.
func RegionBaseURL(region string) (string, error) {
	r := strings.ToLower(strings.TrimSpace(region))
	if r == "" {
		r = DefaultRegion
	}
	if d, ok := regionDomains[strings.ReplaceAll(r, "_", "-")]; ok {
		return "https://api." + d, nil
	}
	r = strings.TrimPrefix(strings.TrimPrefix(r, "https://"), "api.")
	for _, d := range regionDomains {
		if r == d {
			return "https://api." + d, nil
		}
	}
	return "", fmt.Errorf("unknown Genesys Cloud region %q: use a region name (%s) or its domain (e.g. mypurecloud.ie), or set GENESYSCLOUD_API_URL",
		region, strings.Join(Regions(), ", "))
}

// TokenURLFor derives the OAuth token endpoint from an API base URL the way
// the SDKs do: the login. sibling of an api. host, or the same host when
// there is no api. prefix (a simulator or test server).
func TokenURLFor(baseURL string) (string, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("invalid API base URL %q: want e.g. https://api.mypurecloud.com", baseURL)
	}
	if h, ok := strings.CutPrefix(strings.ToLower(u.Host), "api."); ok {
		u.Host = "login." + h
	}
	u.Path, u.RawQuery, u.Fragment = "/oauth/token", "", ""
	return u.String(), nil
}

// IsRegionAPI reports whether baseURL is the API of a known region
// (https://api.<domain>), so that settings cannot send credentials to a
// host of their choosing.
func IsRegionAPI(baseURL string) bool {
	u, err := url.Parse(strings.TrimSuffix(baseURL, "/"))
	if err != nil || u.Scheme != "https" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Port() != "" {
		return false
	}
	for _, d := range regionDomains {
		if strings.EqualFold(u.Host, "api."+d) {
			return true
		}
	}
	return false
}
