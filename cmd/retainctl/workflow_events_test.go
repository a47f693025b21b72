//go:build workflows

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// What people do in the adopting repository, and the events GitHub sends
// for it: payloads shaped as GitHub's webhooks are, for the fields the
// workflows and retainctl read.

// openPR pushes branch with files and opens a pull request of it.
func (w *wfWorld) openPR(branch string, files map[string]string, fork bool) (int, wfEvent) {
	head := w.repo.commit(branch, "change "+branch, files)
	n := w.gh.openPR("Change "+branch, branch, head, w.repo.branchCommits(branch), fork)
	return n, w.prEvent("opened", n)
}

// pushPR pushes another commit to pull request n's branch.
func (w *wfWorld) pushPR(n int, files map[string]string) wfEvent {
	branch := w.gh.issue(n).PR.Head
	head := w.repo.commit(branch, "more of "+branch, files)
	w.gh.pushPR(n, head, []string{head})
	return w.prEvent("synchronize", n)
}

// prEvent is GitHub's pull_request event: the run checks out the test
// merge commit refs/pull/N/merge.
func (w *wfWorld) prEvent(action string, n int) wfEvent {
	i := w.gh.issue(n)
	merge := w.repo.testMerge(n, i.PR.Head)
	headRepo := map[string]any{"full_name": wfRepo, "name": wfName, "fork": false, "owner": map[string]any{"login": wfOwner}}
	if i.PR.Fork {
		headRepo = map[string]any{"full_name": "outsider/" + wfName, "name": wfName, "fork": true, "owner": map[string]any{"login": "outsider"}}
	}
	repository := map[string]any{"full_name": wfRepo, "name": wfName, "fork": false, "default_branch": "main", "owner": map[string]any{"login": wfOwner}}
	return wfEvent{name: "pull_request", sha: merge, ref: "refs/pull/" + strconv.Itoa(n) + "/merge", fork: i.PR.Fork, payload: map[string]any{
		"action": action, "number": n, "repository": repository, "sender": map[string]any{"login": "author"},
		"pull_request": map[string]any{
			"number": n, "state": "open", "title": i.Title, "merged": false, "merged_at": nil, "user": map[string]any{"login": "author"},
			"head": map[string]any{"ref": i.PR.Head, "sha": i.PR.HeadSHA, "repo": headRepo},
			"base": map[string]any{"ref": "main", "sha": w.repo.sha("main"), "repo": repository},
		},
	}}
}

// closedEvent is the pull_request event of pull request n's merge.
func (w *wfWorld) closedEvent(n int) wfEvent {
	ev := w.prEvent("closed", n)
	pr := ev.payload["pull_request"].(map[string]any)
	pr["state"], pr["merged"], pr["merged_at"] = "closed", true, time.Now().UTC().Format(time.RFC3339)
	return ev
}

// mergePR merges pull request n with the merge button: main gets a merge
// commit, and GitHub sends the push.
func (w *wfWorld) mergePR(n int) wfEvent {
	branch := w.gh.issue(n).PR.Head
	before, after := w.repo.merge(n, branch)
	w.gh.mergePR(n, after, time.Now())
	return w.pushEvent(before, after)
}

func (w *wfWorld) pushEvent(before, after string) wfEvent {
	return wfEvent{name: "push", sha: after, ref: "refs/heads/main", payload: map[string]any{
		"ref": "refs/heads/main", "before": before, "after": after, "forced": false, "created": false, "deleted": false,
		"repository":  map[string]any{"full_name": wfRepo, "name": wfName, "default_branch": "main", "owner": map[string]any{"login": wfOwner}},
		"head_commit": map[string]any{"id": after}, "pusher": map[string]any{"name": "author"},
	}}
}

// scheduled is the nightly schedule event, on main.
func (w *wfWorld) scheduled() wfEvent {
	return wfEvent{name: "schedule", sha: w.repo.sha("main"), ref: "refs/heads/main", payload: map[string]any{"schedule": "17 4 * * *"}}
}

// dispatched is a run by hand of a workflow_dispatch on main.
func (w *wfWorld) dispatched(inputs map[string]any) wfEvent {
	return wfEvent{name: "workflow_dispatch", sha: w.repo.sha("main"), ref: "refs/heads/main",
		payload: map[string]any{"ref": "refs/heads/main", "inputs": inputs, "sender": map[string]any{"login": "author"}}}
}

// caller is the adopting repository's workflow file of that name, pinned
// at the release the reusable workflows pin.
func (w *wfWorld) caller(name string) string {
	return w.callerAt(name, w.tag)
}

// stepOutput is a step's output at the end of a job.
func stepOutput(j *wfJobResult, step, name string) string {
	outputs, _ := property(j.steps[step], "outputs")
	v, _ := property(outputs, name)
	return toString(v)
}

// concludedRun is concluded for a job that must succeed, returning the run.
func concludedRun(t *testing.T, r *wfRun, job string) *wfRun {
	t.Helper()
	concluded(t, r, job, "success")
	return r
}

// concluded fails the test unless the run's job ended as want, showing
// its log.
func concluded(t *testing.T, r *wfRun, job, want string) *wfJobResult {
	t.Helper()
	j := r.job(t, job)
	if j.conclusion != want {
		t.Fatalf("run %d: job %s %s, want %s; its log:\n%s", r.id, job, j.conclusion, want, j.log.String())
	}
	return j
}

// callerEdited is the caller workflow with old replaced by new, which
// must be there.
func (w *wfWorld) callerEdited(name, old, new string) string {
	p := w.caller(name)
	b, err := os.ReadFile(p)
	if err == nil && !strings.Contains(string(b), old) {
		err = fmt.Errorf("%s has no %q", name, old)
	}
	if err == nil {
		err = os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644)
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

// callerAt is the caller workflow with retainctl's action and reusable
// workflows used at ref instead of the testdata's v1.0.0.
func (w *wfWorld) callerAt(name, ref string) string {
	t := w.t
	b, err := os.ReadFile(filepath.Join(w.fixture, ".github/workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	b = regexp.MustCompile(`(retainctl/retainctl[^@\s]*)@v1\.0\.0`).ReplaceAll(b, []byte("${1}@"+ref))
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
