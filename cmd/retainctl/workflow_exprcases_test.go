//go:build workflows

package main

import "testing"

// The expressions the workflows use, and GitHub's rules they rely on.
func TestWorkflowExpressions(t *testing.T) {
	e := &exprEnv{status: "success", contexts: map[string]any{
		"matrix":  map[string]any{"org": "", "suffix": "EU"},
		"secrets": map[string]any{"GENESYSCLOUD_OAUTHCLIENT_ID_READONLY": "one", "GENESYSCLOUD_OAUTHCLIENT_ID_READONLY_EU": "eu"},
		"inputs":  map[string]any{"build-from-source": false, "environment": "production"},
		"needs":   map[string]any{"orgs": map[string]any{"outputs": map[string]any{"count": "0", "matrix": `{"include":[{"org":"eu"}]}`}}},
		"github":  map[string]any{"event_name": "push", "event": map[string]any{"before": "abc"}},
	}}
	for src, want := range map[string]string{
		"${{ matrix.org == '' && secrets.GENESYSCLOUD_OAUTHCLIENT_ID_READONLY || secrets[format('GENESYSCLOUD_OAUTHCLIENT_ID_READONLY_{0}', matrix.suffix)] }}": "one",
		"${{ matrix.org == '' && inputs.environment || format('{0}-{1}', inputs.environment, matrix.org) }}":                                                    "production",
		"x-${{ matrix.org || 'policies' }}-${{ github.event_name == 'push' && github.event.before || '' }}":                                                     "x-policies-abc",
		"${{ fromJSON(needs.orgs.outputs.matrix).include[0].org }}":                                                                                             "eu",
		"${{ format('{{0}} {0}', 'a}}') }}":                    "{0} a}}",
		"${{ Matrix.SUFFIX }}${{ 1 == '1' }}${{ 'A' == 'a' }}": "EUtruetrue",
	} {
		if got, err := e.interpolate(src); err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", src, got, err, want)
		}
	}
	for src, want := range map[string]bool{
		"${{ !inputs.build-from-source }}":       true,
		"${{ needs.orgs.outputs.count != '0' }}": false,
		"${{ always() }}":                        true,
		"${{ !cancelled() }}":                    true,
		"inputs.build-from-source":               false,
		"":                                       true,
	} {
		if got, err := e.condition(src); err != nil || got != want {
			t.Errorf("if: %s = %v, %v; want %v", src, got, err, want)
		}
	}
	e.status = "failure"
	if ok, _ := e.condition("${{ !inputs.build-from-source }}"); ok {
		t.Error("a condition without a status function ran after a failure")
	}
}
