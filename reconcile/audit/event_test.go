// Tests of the event schema's CI context.

package audit

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCIFromEnv(t *testing.T) {
	event := filepath.Join(t.TempDir(), "event.json")
	os.WriteFile(event, []byte(`{"action":"closed","pull_request":{"number":42}}`), 0o600)
	env := map[string]string{
		"GITHUB_REPOSITORY": "acme/retention", "GITHUB_SHA": "abc", "GITHUB_ACTOR": "octo",
		"GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "99", "GITHUB_EVENT_PATH": event,
	}
	ci := CIFromEnv(func(k string) string { return env[k] })
	want := CI{Repository: "acme/retention", Commit: "abc", Actor: "octo", PullRequest: 42,
		WorkflowRunURL: "https://github.com/acme/retention/actions/runs/99"}
	if ci == nil || *ci != want {
		t.Fatalf("%+v", ci)
	}
	os.WriteFile(event, []byte(`{"pull_request":`), 0o600)
	if ci := CIFromEnv(func(k string) string { return env[k] }); ci.PullRequest != 0 {
		t.Fatal("a broken event payload must leave the PR out")
	}
	if CIFromEnv(func(string) string { return "" }) != nil {
		t.Fatal("outside Actions there is no CI context")
	}
}
