package sim

import "net/http"

// The simulated organisation's identity, for clients that ask who they
// are before anything else (Genesys' Terraform provider reads
// defaultCountryCode and the product list's total when it starts).
const (
	orgID   = "00000000-0000-4000-8000-00000000a11a"
	orgName = "retainctl-sim"
)

func (o *Org) getOrganization(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"id": orgID, "name": orgName, "defaultLanguage": "en-us", "defaultCountryCode": "US",
		"thirdPartyOrgName": orgName, "domain": orgName, "version": 1, "state": "active",
		"productPlatform": "PureCloud", "features": map[string]bool{}, "selfUri": "/api/v2/organizations/" + orgID,
	})
}

func (o *Org) getProducts(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"entities": []any{}, "pageSize": 25, "pageNumber": 1, "total": 0, "pageCount": 0})
}

func (o *Org) getTokenInfo(w http.ResponseWriter, _ *http.Request) {
	org := map[string]string{"id": orgID, "name": orgName}
	writeJSON(w, http.StatusOK, map[string]any{
		"organization": org, "homeOrganization": org, "authorizedScope": []string{},
		"OAuthClient": map[string]any{"id": o.opts.ClientID, "name": o.opts.ClientID, "authorizedGrantType": "CLIENT-CREDENTIALS", "organization": org},
	})
}
