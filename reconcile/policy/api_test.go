package policy_test

import (
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// The api block is read over its defaults; a missing block is the defaults.
func TestAPISettingsAreRead(t *testing.T) {
	s, problems := policy.ParseSettings("retainctl.yaml", []byte("api:\n  tokenPool: 10\n"))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if s.API != (policy.API{RequestsPerMinute: 300, TokenPool: 10}) || s.API.Check() != nil {
		t.Fatalf("api = %+v, check %v", s.API, s.API.Check())
	}
	if s, _ := policy.ParseSettings("retainctl.yaml", []byte("prune: true\n")); s.API != policy.DefaultAPI() {
		t.Fatalf("api without a block = %+v", s.API)
	}
}

// Zero, negative and absurd values are errors naming the key, in the
// settings file and in its JSON Schema alike.
func TestBadAPISettingsNameTheKey(t *testing.T) {
	for _, c := range []struct{ yaml, key string }{
		{"api: {tokenPool: 0}", "api.tokenPool is 0"},
		{"api: {tokenPool: -2}", "api.tokenPool is -2"},
		{"api: {tokenPool: 21}", "api.tokenPool is 21"},
		{"api: {requestsPerMinute: 0}", "api.requestsPerMinute is 0"},
		{"api: {requestsPerMinute: -300}", "api.requestsPerMinute is -300"},
		{"api: {requestsPerMinute: 300000}", "api.requestsPerMinute is 300000"},
	} {
		s, problems := policy.ParseSettings("retainctl.yaml", []byte(c.yaml+"\n"))
		if len(problems) > 0 {
			t.Fatalf("%s: %v", c.yaml, problems)
		}
		if err := s.API.Check(); err == nil || !strings.Contains(err.Error(), c.key) {
			t.Errorf("%s: check = %v, want it to name %q", c.yaml, err, c.key)
		}
		if ok, _ := matchSchema(t, "settings", yamlDocs(t, []byte(c.yaml))[0]); ok {
			t.Errorf("the settings schema accepts %s", c.yaml)
		}
	}
	if ok, errs := matchSchema(t, "settings", yamlDocs(t, []byte("api: {requestsPerMinute: 300, tokenPool: 10}"))[0]); !ok {
		t.Errorf("the settings schema refuses a valid api block: %v", errs)
	}
	if err := (policy.API{RequestsPerMinute: 9, TokenPool: 99}).CheckAs("--requests-per-minute", "--token-pool"); err == nil ||
		!strings.Contains(err.Error(), "--token-pool is 99") || strings.Contains(err.Error(), "--requests-per-minute") {
		t.Errorf("CheckAs = %v", err)
	}
}
