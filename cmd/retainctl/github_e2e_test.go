package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeGitHub serves the few REST endpoints retainctl uses, for one
// repository whose pull request 42 was merged as mergeSHA.
type fakeGitHub struct {
	*httptest.Server
	mu       sync.Mutex
	comments []map[string]any
	merged   bool // pull request 42's state: open until merged
	issues   []map[string]any
	notes    map[int][]string // comments on issues other than 42
}

const (
	repo     = "acme/retention-policies"
	mergeSHA = "e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1"
)

func newFakeGitHub(t *testing.T) *fakeGitHub {
	g := &fakeGitHub{}
	mux := http.NewServeMux()
	base := "/repos/" + repo
	mux.HandleFunc("GET "+base+"/issues/42/comments", func(w http.ResponseWriter, _ *http.Request) {
		g.mu.Lock()
		defer g.mu.Unlock()
		writeJSONBody(w, g.comments)
	})
	mux.HandleFunc("POST "+base+"/issues/42/comments", func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		defer g.mu.Unlock()
		c := decodeComment(r)
		c["id"] = len(g.comments) + 1
		g.comments = append(g.comments, c)
		w.WriteHeader(http.StatusCreated)
		writeJSONBody(w, c)
	})
	mux.HandleFunc("PATCH "+base+"/issues/comments/{id}", func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		defer g.mu.Unlock()
		id, _ := strconv.Atoi(r.PathValue("id"))
		g.comments[id-1]["body"] = decodeComment(r)["body"]
		writeJSONBody(w, g.comments[id-1])
	})
	mux.HandleFunc("GET "+base+"/commits/{sha}/pulls", func(w http.ResponseWriter, _ *http.Request) {
		writeJSONBody(w, []map[string]any{{"number": 42, "merged_at": "2026-03-03T10:00:00Z", "merge_commit_sha": mergeSHA}})
	})
	mux.HandleFunc("GET "+base+"/pulls/42", func(w http.ResponseWriter, _ *http.Request) {
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.merged {
			writeJSONBody(w, map[string]any{"number": 42, "state": "closed", "merged": true, "merged_at": "2026-03-03T10:00:00Z"})
			return
		}
		writeJSONBody(w, map[string]any{"number": 42, "state": "open", "merged": false})
	})
	mux.HandleFunc("GET "+base+"/pulls/42/reviews", func(w http.ResponseWriter, _ *http.Request) {
		writeJSONBody(w, []map[string]any{{"id": 1, "state": "APPROVED", "user": map[string]any{"login": "compliance-lead"},
			"submitted_at": "2026-03-03T09:00:00Z", "commit_id": "abc"}})
	})
	mux.HandleFunc("GET "+base+"/pulls", func(w http.ResponseWriter, _ *http.Request) {
		writeJSONBody(w, []map[string]any{{"number": 42, "merged_at": "2026-03-03T10:00:00Z", "merge_commit_sha": mergeSHA, "base": map[string]any{"ref": "main"}}})
	})
	mux.HandleFunc("GET "+base+"/issues", func(w http.ResponseWriter, _ *http.Request) {
		g.mu.Lock()
		defer g.mu.Unlock()
		open := []map[string]any{}
		for _, i := range g.issues {
			if i["state"] == "open" {
				open = append(open, i)
			}
		}
		writeJSONBody(w, open)
	})
	mux.HandleFunc("POST "+base+"/issues", func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		defer g.mu.Unlock()
		i := decodeComment(r)
		i["number"], i["state"], i["labels"] = 100+len(g.issues), "open", []map[string]any{{"name": "retainctl: drift"}}
		g.issues = append(g.issues, i)
		w.WriteHeader(http.StatusCreated)
		writeJSONBody(w, i)
	})
	mux.HandleFunc("PATCH "+base+"/issues/{n}", func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		defer g.mu.Unlock()
		n, _ := strconv.Atoi(r.PathValue("n"))
		i := g.issues[n-100]
		for k, v := range decodeComment(r) {
			if k != "user" && k != "html_url" {
				i[k] = v
			}
		}
		writeJSONBody(w, i)
	})
	mux.HandleFunc("POST "+base+"/issues/{n}/comments", func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		defer g.mu.Unlock()
		n, _ := strconv.Atoi(r.PathValue("n"))
		if g.notes == nil {
			g.notes = map[int][]string{}
		}
		c := decodeComment(r)
		g.notes[n] = append(g.notes[n], c["body"].(string))
		w.WriteHeader(http.StatusCreated)
		writeJSONBody(w, c)
	})
	mux.HandleFunc("GET "+base+"/labels/{name}", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
	})
	mux.HandleFunc("POST "+base+"/labels", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		writeJSONBody(w, decodeComment(r))
	})
	// Labels are best effort: a token that may not write them is no failure.
	mux.HandleFunc(base+"/", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, `{"message":"Resource not accessible by integration"}`, http.StatusForbidden)
	})
	g.Server = httptest.NewServer(mux)
	t.Cleanup(g.Close)
	return g
}

func decodeComment(r *http.Request) map[string]any {
	var c map[string]any
	_ = json.NewDecoder(r.Body).Decode(&c)
	c["user"] = map[string]any{"login": "github-actions[bot]"}
	c["html_url"] = fmt.Sprintf("https://github.com/%s/pull/42#issuecomment", repo)
	return c
}

func writeJSONBody(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (g *fakeGitHub) bodies() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, c := range g.comments {
		out = append(out, c["body"].(string))
	}
	return out
}

// actions sets the Actions variables for an event payload file.
func actions(t *testing.T, g *fakeGitHub, event, payload string) {
	t.Helper()
	summary := filepath.Join(t.TempDir(), "summary.md")
	for k, v := range map[string]string{
		"GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": payload, "GITHUB_REPOSITORY": repo,
		"GITHUB_TOKEN": "ghs_test_token_value", "GITHUB_API_URL": g.URL, "GITHUB_SHA": mergeSHA,
		"GITHUB_STEP_SUMMARY": summary, "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "7",
	} {
		t.Setenv(k, v)
	}
}

// The pull request gets one sticky plan comment, updated in place; the
// merge applies it only while the organisation still produces it.
func TestGitHubPlanThenApply(t *testing.T) {
	fixtures, err := filepath.Abs("../../testdata/github")
	if err != nil {
		t.Fatal(err)
	}
	inExample(t)
	g := newFakeGitHub(t)
	actions(t, g, "pull_request", filepath.Join(fixtures, "pull_request_same_repo.json"))
	t.Setenv("RETAINCTL_MASK", "Website chat transcripts") // words of an example description
	for range 2 {
		if code, _, errOut := cli(t, "plan", "--sim", "--github"); code != exitOK {
			t.Fatalf("plan --github: exit %d: %s", code, errOut)
		}
	}
	bodies := g.bodies()
	if len(bodies) != 1 || !strings.Contains(bodies[0], "retainctl plan") || !strings.Contains(bodies[0], "sha256:") {
		t.Fatalf("want one sticky plan comment, got %d: %v", len(bodies), bodies)
	}
	summary, _ := os.ReadFile(os.Getenv("GITHUB_STEP_SUMMARY"))
	if !strings.Contains(string(summary), "Projected storage") {
		t.Errorf("job summary: %q", summary)
	}
	for _, text := range []string{bodies[0], string(summary)} {
		if strings.Contains(text, "Website chat transcripts") || !strings.Contains(text, "***") {
			t.Error("a RETAINCTL_MASK value reached the comment or the job summary")
		}
	}

	g.mu.Lock()
	g.merged = true
	g.mu.Unlock()
	actions(t, g, "push", filepath.Join(fixtures, "push_main.json"))
	if code, _, errOut := cli(t, "apply", "--sim", "--github"); code != exitOK {
		t.Fatalf("apply --github: exit %d: %s", code, errOut)
	}
	bodies = g.bodies()
	if len(bodies) != 2 || !strings.Contains(bodies[1], "retainctl apply") || !strings.Contains(bodies[1], "applied") {
		t.Fatalf("apply result comment: %v", bodies)
	}
	// The plan job re-run on the merged pull request: the comment reviewers
	// approved stays as it is, and the job summary says why.
	approved := bodies[0]
	actions(t, g, "pull_request", filepath.Join(fixtures, "pull_request_same_repo.json"))
	t.Setenv("RETAINCTL_MASK", "")
	if code, _, errOut := cli(t, "plan", "--sim", "--github"); code != exitOK || !strings.Contains(errOut, "#42 is merged") {
		t.Fatalf("plan of a merged PR: exit %d: %s", code, errOut)
	}
	if b := g.bodies(); len(b) != 2 || b[0] != approved {
		t.Fatalf("the approved comment changed after merge: %v", b)
	}
	if summary, _ := os.ReadFile(os.Getenv("GITHUB_STEP_SUMMARY")); !strings.Contains(string(summary), "never edited afterwards") {
		t.Errorf("job summary: %s", summary)
	}
	// Applying the merge again has nothing to do: already applied, not stale.
	actions(t, g, "push", filepath.Join(fixtures, "push_main.json"))
	if code, _, errOut := cli(t, "apply", "--sim", "--github"); code != exitOK {
		t.Fatalf("apply again: exit %d: %s", code, errOut)
	}
	if b := g.bodies(); len(b) != 3 || !strings.Contains(b[2], "Already applied") || strings.Contains(b[2], "stale") {
		t.Fatalf("apply again: %v", b[len(b)-1])
	}
	// Main moves without review (a policy pushed with no plan on the pull
	// request): the plan of main is no plan anybody approved. Neither a plan
	// file nor the merge applies it, and the pull request is told.
	if err := os.WriteFile(filepath.Join("policies", "unreviewed.yaml"), []byte("name: Unreviewed\ndescription: pushed without review\nobjectType: chat\nretentionPeriod: 45\nschedule: {frequency: DAILY, timezone: UTC}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := cli(t, "plan", "--sim", "--out", "other.json"); code != exitOK {
		t.Fatalf("plan: exit %d: %s", code, errOut)
	}
	if code, _, errOut := cli(t, "apply", "other.json", "--sim", "--github"); code != exitFailure || !strings.Contains(errOut, "#42") {
		t.Errorf("apply PLANFILE --github without review: exit %d: %s", code, errOut)
	}
	code, _, errOut := cli(t, "apply", "--sim", "--github")
	if code != exitFailure || !strings.Contains(errOut, "#42") || !strings.Contains(errOut, "create Unreviewed") {
		t.Errorf("unreviewed change: exit %d: %s", code, errOut)
	}
	if b := g.bodies(); !strings.Contains(b[len(b)-1], "apply refused") || !strings.Contains(b[len(b)-1], "open a new pull request") {
		t.Errorf("no refusal comment: %s", b[len(b)-1])
	}
	if code, out, _ := cli(t, "plan", "--sim", "--format", "json"); code != exitOK || !strings.Contains(out, `"action": "create"`) {
		t.Errorf("a refused apply changed the organisation: %s", out)
	}
	for _, b := range g.bodies() {
		if strings.Contains(b, "ghs_test_token_value") {
			t.Error("the GitHub token reached a comment")
		}
	}
}

// Policies that do not validate still get a comment saying why, and that
// comment approves nothing.
func TestGitHubBlockedPlan(t *testing.T) {
	fixtures, err := filepath.Abs("../../testdata/github")
	if err != nil {
		t.Fatal(err)
	}
	dir := inExample(t)
	g := newFakeGitHub(t)
	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("name: Broken\nobjectType: fax\nretentionPeriod: 90\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	actions(t, g, "pull_request", filepath.Join(fixtures, "pull_request_same_repo.json"))
	code, out, errOut := cli(t, "plan", "--sim", "--github")
	if code != exitFailure || !strings.Contains(out, "::error file=policies/broken.yaml,line=2") {
		t.Fatalf("exit %d, annotations:\n%s%s", code, out, errOut)
	}
	if b := g.bodies(); len(b) != 1 || !strings.Contains(b[0], "Not planned") || !strings.Contains(b[0], "fingerprint=none") {
		t.Fatalf("comment: %v", b)
	}
	actions(t, g, "push", filepath.Join(fixtures, "push_main.json"))
	if code, _, errOut := cli(t, "apply", "--sim", "--github"); code != exitFailure {
		t.Errorf("apply after a blocked plan: exit %d: %s", code, errOut)
	}
}

// A pull request from a fork gets no secrets: its plan job validates,
// annotates and explains in the job summary, and does not fail.
func TestGitHubForkWithoutCredentials(t *testing.T) {
	fixtures, err := filepath.Abs("../../testdata/github")
	if err != nil {
		t.Fatal(err)
	}
	inExample(t)
	g := newFakeGitHub(t)
	actions(t, g, "pull_request", filepath.Join(fixtures, "pull_request_fork.json"))
	for _, k := range []string{"GENESYSCLOUD_OAUTHCLIENT_ID", "GENESYSCLOUD_OAUTHCLIENT_SECRET", "GENESYSCLOUD_ACCESS_TOKEN"} {
		t.Setenv(k, "")
	}
	code, _, errOut := cli(t, "plan", "--github")
	if code != exitOK || !strings.Contains(errOut, "fork") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	summary, _ := os.ReadFile(os.Getenv("GITHUB_STEP_SUMMARY"))
	if !strings.Contains(string(summary), "Not planned:") || !strings.Contains(string(summary), "fork") {
		t.Errorf("job summary: %s", summary)
	}
	// The same job on a branch of the repository itself is a plain usage error.
	actions(t, g, "pull_request", filepath.Join(fixtures, "pull_request_same_repo.json"))
	if code, _, _ := cli(t, "plan", "--github"); code != exitUsage {
		t.Errorf("same-repo PR without credentials: exit %d", code)
	}
}

// --github outside Actions says so, and how to run without it.
func TestGitHubOutsideActions(t *testing.T) {
	for _, k := range []string{"GITHUB_ACTIONS", "GITHUB_REPOSITORY", "GITHUB_TOKEN", "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH"} {
		t.Setenv(k, "")
	}
	err := checkGitHubEnv()
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitUsage || !strings.Contains(err.Error(), "does not look like a GitHub Actions job") || !strings.Contains(err.Error(), "leave out --github") {
		t.Errorf("checkGitHubEnv = %v", err)
	}
	inExample(t)
	if code, _, errOut := cli(t, "apply", "--sim", "--github"); code != exitUsage || !strings.Contains(errOut, "GITHUB_REPOSITORY is not set") {
		t.Errorf("apply --github outside Actions: exit %d: %s", code, errOut)
	}
}
