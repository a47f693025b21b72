package validate_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/validate"
)

// TestRegoUnitTests runs the embedded *_test.rego, so go test covers them.
func TestRegoUnitTests(t *testing.T) {
	results, err := validate.RunTests(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(results) < 30 {
		t.Fatalf("only %d Rego tests ran", len(results))
	}
	for _, r := range results {
		if !r.Pass {
			t.Errorf("%s (%s) failed %s", r.Name, r.Location, r.Error)
		}
	}
}

const customRule = `package retainctl.rules.acme

import data.retainctl.lib

deny contains lib.violation("acme.owner-tag", p, "policies need an owner: tag") if {
	some p in input.policies
	not "owner" in p.tags
}

warn contains "a plain message" if count(input.policies) > 100
`

const customTest = `package retainctl.rules.acme_test

import data.retainctl.rules.acme

test_owner_required if {
	count(acme.deny) == 1 with input as {"policies": [{"name": "x", "tags": [], "file": "f", "line": 1}]}
}

test_deliberately_failing if {
	count(acme.deny) == 5 with input as {"policies": []}
}
`

func writeRules(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCustomRulesJoinTheEmbeddedOnes(t *testing.T) {
	v, err := validate.New(context.Background(), writeRules(t, map[string]string{"acme.rego": customRule}))
	if err != nil {
		t.Fatal(err)
	}
	_, vs, err := v.ValidateDir(context.Background(), "../../policies")
	if err != nil {
		t.Fatal(err)
	}
	// Every example policy lacks the owner tag.
	if len(vs) != 6 || vs[0].Rule != "acme.owner-tag" || vs[0].Severity != validate.Deny || vs[0].Line == 0 {
		t.Fatalf("got %+v", vs)
	}
}

func TestCustomRuleSyntaxErrorNamesFileAndLine(t *testing.T) {
	dir := writeRules(t, map[string]string{"bad.rego": "package retainctl.rules.bad\n\ndeny contains x if {\n  x := \n}\n"})
	_, err := validate.New(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "bad.rego:") {
		t.Fatalf("error = %v, want one naming bad.rego:line", err)
	}
}

func TestCustomRuleTestsRun(t *testing.T) {
	results, err := validate.RunTests(context.Background(), writeRules(t, map[string]string{"acme.rego": customRule, "acme_test.rego": customTest}))
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]bool{}
	for _, r := range results {
		status[r.Name] = r.Pass
	}
	if pass, ok := status["data.retainctl.rules.acme_test.test_owner_required"]; !ok || !pass {
		t.Errorf("test_owner_required: ran %v, passed %v", ok, pass)
	}
	if pass, ok := status["data.retainctl.rules.acme_test.test_deliberately_failing"]; !ok || pass {
		t.Errorf("test_deliberately_failing: ran %v, passed %v (want a failure)", ok, pass)
	}
}
