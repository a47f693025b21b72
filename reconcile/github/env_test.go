package github

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func fixture(name string) string { return filepath.Join("..", "..", "testdata", "github", name) }

// envOf returns a getenv over vars.
func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func actionsVars(event, path string) map[string]string {
	return map[string]string{
		"GITHUB_REPOSITORY":   "acme/retention-policies",
		"GITHUB_TOKEN":        testToken,
		"GITHUB_EVENT_NAME":   event,
		"GITHUB_EVENT_PATH":   path,
		"GITHUB_SERVER_URL":   "https://github.com/",
		"GITHUB_SHA":          "e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1",
		"GITHUB_RUN_ID":       "8812345678",
		"GITHUB_STEP_SUMMARY": "/tmp/summary.md",
	}
}

func TestEnvFromOSFixtures(t *testing.T) {
	for _, tc := range []struct {
		file, event string
		pr          *PullRequest
		push        *Push
		fork        bool
	}{
		{"pull_request_same_repo.json", "pull_request", &PullRequest{42, "9f2c1e7b4d3a5f60718293a4b5c6d7e8f9012345", "acme/retention-policies", "acme/retention-policies"}, nil, false},
		{"pull_request_fork.json", "pull_request", &PullRequest{7, "c0ffee00d15ea5e0123456789abcdef012345678", "outsider/retention-policies", "acme/retention-policies"}, nil, true},
		{"push_main.json", "push", nil, &Push{After: "e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1", Ref: "refs/heads/main"}, false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			env, err := EnvFromOS(envOf(actionsVars(tc.event, fixture(tc.file))))
			if err != nil {
				t.Fatal(err)
			}
			if env.Owner != "acme" || env.Repo != "retention-policies" || env.APIURL != "https://api.github.com/" || env.BotLogin != DefaultBotLogin {
				t.Errorf("env = %+v", env)
			}
			if got := env.RunURL(); got != "https://github.com/acme/retention-policies/actions/runs/8812345678" {
				t.Errorf("RunURL = %q", got)
			}
			switch {
			case tc.pr != nil && (env.Event.PR == nil || *env.Event.PR != *tc.pr):
				t.Errorf("PR = %+v, want %+v", env.Event.PR, tc.pr)
			case tc.pr != nil && env.Event.PR.FromFork() != tc.fork:
				t.Errorf("FromFork = %v, want %v", env.Event.PR.FromFork(), tc.fork)
			case tc.push != nil && (env.Event.Push == nil || *env.Event.Push != *tc.push):
				t.Errorf("Push = %+v, want %+v", env.Event.Push, tc.push)
			}
		})
	}
}

func TestEnvFromOSNamesMissingVariables(t *testing.T) {
	_, err := EnvFromOS(envOf(map[string]string{}))
	if err == nil {
		t.Fatal("no error with an empty environment")
	}
	for _, name := range []string{"GITHUB_REPOSITORY", "GITHUB_TOKEN", "GITHUB_EVENT_NAME", "${{ github.token }}"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not mention %s: %v", name, err)
		}
	}

	vars := actionsVars("pull_request", "")
	if _, err := EnvFromOS(envOf(vars)); err == nil || !strings.Contains(err.Error(), "GITHUB_EVENT_PATH") {
		t.Errorf("missing payload: err = %v", err)
	}
	vars = actionsVars("pull_request", filepath.Join(t.TempDir(), "nope.json"))
	if _, err := EnvFromOS(envOf(vars)); err == nil || !strings.Contains(err.Error(), "GITHUB_EVENT_PATH") {
		t.Errorf("unreadable payload: err = %v", err)
	}
}

func TestEnvFromOSBadValues(t *testing.T) {
	for name, vars := range map[string]map[string]string{
		"repository": {"GITHUB_REPOSITORY": "acme"},
		"api url":    {"GITHUB_API_URL": "ftp://ghe.example"},
	} {
		all := actionsVars("schedule", "")
		for k, v := range vars {
			all[k] = v
		}
		_, err := EnvFromOS(envOf(all))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		for k := range vars {
			if !strings.Contains(err.Error(), k) {
				t.Errorf("%s: error does not name %s: %v", name, k, err)
			}
		}
	}
}

func TestEnvFromOSEnterpriseAndOtherEvents(t *testing.T) {
	vars := actionsVars("schedule", "")
	vars["GITHUB_API_URL"] = "https://ghe.example.com/api/v3"
	vars["RETAINCTL_GITHUB_BOT"] = "retainctl-app[bot]"
	env, err := EnvFromOS(envOf(vars))
	if err != nil {
		t.Fatal(err)
	}
	if env.APIURL != "https://ghe.example.com/api/v3/" || env.BotLogin != "retainctl-app[bot]" {
		t.Errorf("env = %+v", env)
	}
	if env.Event.Name != "schedule" || env.Event.PR != nil || env.Event.Push != nil {
		t.Errorf("event = %+v", env.Event)
	}
}

func TestTokenNeverPrinted(t *testing.T) {
	env, err := EnvFromOS(envOf(actionsVars("push", fixture("push_main.json"))))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fmt.Sprint(env), fmt.Sprintf("%+v", env), fmt.Sprintf("%#v", env), fmt.Sprint(env.Token)} {
		if strings.Contains(s, testToken) {
			t.Fatalf("token printed: %s", s)
		}
	}
}

func TestParseEventErrors(t *testing.T) {
	for _, tc := range []struct{ name, payload, want string }{
		{"pull_request", `{`, "not valid JSON"},
		{"pull_request", `{"action":"opened"}`, "no pull_request object"},
		{"pull_request", `{"pull_request":{"head":{"sha":"a"}}}`, "pull_request.number"},
		{"pull_request", `{"pull_request":{"number":3}}`, "pull_request.head.sha"},
		{"pull_request", `{"pull_request":{"number":3,"head":{"sha":"a"}}}`, "base.repo.full_name"},
		{"push", `{"ref":"refs/heads/main"}`, "after"},
		{"push", `[]`, "not valid JSON"},
	} {
		_, err := ParseEvent(tc.name, "event.json", []byte(tc.payload))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "event.json") {
			t.Errorf("ParseEvent(%s, %s) error = %v, want %q with the file name", tc.name, tc.payload, err, tc.want)
		}
	}
}

func TestForkWithDeletedHeadRepo(t *testing.T) {
	ev, err := ParseEvent("pull_request", "e.json", []byte(`{"pull_request":{"number":3,"head":{"sha":"a","repo":null},"base":{"repo":{"full_name":"acme/p"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !ev.PR.FromFork() {
		t.Error("a PR whose head repository is gone must count as a fork")
	}
}

func FuzzParseEvent(f *testing.F) {
	// Small seeds keep minimisation quick; the full fixtures are parsed by
	// TestEnvFromOSFixtures.
	f.Add("pull_request", []byte(`{"number":1,"pull_request":{"number":1,"head":{"sha":"a","repo":{"full_name":"x/y"}},"base":{"repo":{"full_name":"o/r"}}}}`))
	f.Add("pull_request_target", []byte(`{"pull_request":{"number":2,"head":{"sha":"b","repo":null}},"repository":{"full_name":"o/r"}}`))
	f.Add("push", []byte(`{"ref":"refs/heads/main","after":"c"}`))
	f.Fuzz(func(t *testing.T, name string, payload []byte) {
		for _, n := range []string{name, "pull_request", "push"} {
			ev, err := ParseEvent(n, "event.json", payload)
			if err != nil {
				continue
			}
			if ev.PR != nil && (ev.PR.Number <= 0 || ev.PR.HeadSHA == "" || ev.PR.BaseRepo == "") {
				t.Fatalf("accepted an incomplete pull request: %+v", ev.PR)
			}
			if ev.Push != nil && ev.Push.After == "" {
				t.Fatalf("accepted a push without a commit: %+v", ev.Push)
			}
		}
	})
}
