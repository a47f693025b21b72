//go:build workflows

package main

import (
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The adopting repository's workflows, run step by step as GitHub runs
// them (workflow_*_test.go): the reusable workflows of this repository,
// the action at its root installing the release they pin from a fake GitHub,
// and retainctl talking to that GitHub and to a simulated organisation.
func TestWorkflows(t *testing.T) {
	for _, tool := range []string{"bash", "git", "tar", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH: the workflows' steps need it (GitHub's runners have it)", tool)
		}
	}
	rel := buildRelease(t)
	// Each scenario is a world of its own (servers, repository, machines),
	// so they run side by side.
	for name, scenario := range map[string]func(*testing.T, *wfWorld){
		"plan, push, merge, apply":                         planPushMergeApply,
		"disjoint pull requests, calls merged first":       func(t *testing.T, w *wfWorld) { disjointPRs(t, w, true) },
		"disjoint pull requests, chats merged first":       func(t *testing.T, w *wfWorld) { disjointPRs(t, w, false) },
		"two pull requests on one policy":                  samePolicy,
		"fork pull request":                                forkPR,
		"fork pull request, with secrets sent to forks":    forkWithSecrets,
		"drift opens and closes an issue":                  driftIssue,
		"the action on its own, at the release":            func(t *testing.T, w *wfWorld) { actionOnItsOwn(t, w, w.tag) },
		"the action on its own, at v1: the latest release": func(t *testing.T, w *wfWorld) { actionOnItsOwn(t, w, "v1") },
		"a release whose checksum does not match":          func(t *testing.T, w *wfWorld) { badChecksum(t, w, rel) },
		"a release download that fails once":               flakyDownload,
		"the action at a branch, with no release":          fromSource,
		"a change outside the policies":                    outsidePolicies,
		"a push to main without a pull request":            directPush,
		"a policy that does not validate":                  invalidPolicy,
		"enforcement by hand, as a dry run":                dryRun,
		"an apply run cancelled by a newer merge":          supersededApply,
		"callers granting less than the workflows ask":     fewerPermissions,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			scenario(t, newWorld(t, rel))
		})
	}
	t.Run("organisations", func(t *testing.T) {
		t.Parallel()
		w, orgs := newOrgsWorld(t, rel)
		manyOrganisations(t, w, orgs)
	})
	t.Run("organisations, drift in one", func(t *testing.T) {
		t.Parallel()
		w, orgs := newOrgsWorld(t, rel)
		orgsDrift(t, w, orgs)
	})
}

const calls120 = "name: Calls\ndescription: Customer calls, kept for quality review\nobjectType: call\narchiveAfter: 30\nschedule: {frequency: DAILY, timezone: UTC}\nretentionPeriod: 120\n"

const (
	chats60     = "name: Chats\ndescription: Chat transcripts\nobjectType: chat\nschedule: {frequency: DAILY, timezone: UTC}\nretentionPeriod: 60\n"
	callsReword = "name: Calls\ndescription: Customer calls, kept for quality review and disputes\nobjectType: call\narchiveAfter: 30\nschedule: {frequency: DAILY, timezone: UTC}\nretentionPeriod: 90\n"
)

var fingerprintRE = regexp.MustCompile(`fingerprint=(sha256:[0-9a-f]+)`)

// A pull request is planned in one sticky comment, edited when pushed to;
// its merge applies exactly the approved plan and says so on it, leaving
// the approved comment as it was.
func planPushMergeApply(t *testing.T, w *wfWorld) {
	n, ev := w.openPR("calls-120", map[string]string{"policies/calls.yaml": calls120}, false)
	r := w.run(w.caller("plan.yml"), ev)
	concluded(t, r, "orgs", "success")
	concluded(t, r, "plan", "success")
	first := w.gh.comments(n)
	if len(first) != 1 || !strings.HasPrefix(first[0], "<!-- retainctl:plan fingerprint=sha256:") || !strings.Contains(first[0], "Calls") {
		t.Fatalf("after opening: want one plan comment, got %q", first)
	}
	if pr := w.gh.issue(n); !slices.Contains(pr.Labels, "retainctl: changes") {
		t.Errorf("labels %q, want retainctl: changes", pr.Labels)
	}
	if files := w.artifactFiles(r, "retainctl-plan-pr1-policies-1"); len(files) != 1 || files[0] != "plan.json" {
		t.Errorf("plan artifact: %q", files)
	}

	// Pushed to, now shortening the retention: the same comment, edited to
	// the new plan, and the label says it destroys recordings.
	pushEv := w.pushPR(n, map[string]string{"policies/calls.yaml": strings.Replace(calls120, "120", "60", 1)})
	concluded(t, w.run(w.caller("plan.yml"), pushEv), "plan", "success")
	pushed := w.gh.comments(n)
	if len(pushed) != 1 || pushed[0] == first[0] || !strings.Contains(pushed[0], "90 d → 60 d") {
		t.Fatalf("after a push: want the one comment edited to the new plan, got %q", pushed)
	}
	if labels := w.gh.issue(n).Labels; len(labels) != 1 || labels[0] != "retainctl: destructive" {
		t.Errorf("labels after the push %q, want retainctl: destructive alone", labels)
	}
	approved := fingerprintRE.FindStringSubmatch(pushed[0])[1]

	// Merged: apply runs in the production environment, applies the
	// approved plan, and comments the result; the plan comment stays.
	merged := w.mergePR(n)
	if r := w.run(w.caller("plan.yml"), w.closedEvent(n)); r.triggered {
		t.Errorf("the pull request's closing ran plan.yml: %v", jobNames(r))
	}
	r = w.run(w.caller("apply.yml"), merged)
	concluded(t, r, "orgs", "success")
	if j := concluded(t, r, "apply", "success"); j.env != "production" {
		t.Errorf("apply ran in environment %q", j.env)
	}
	after := w.gh.comments(n)
	if len(after) != 2 || after[0] != pushed[0] || !strings.HasPrefix(after[1], "<!-- retainctl:apply -->") || !strings.Contains(after[1], "Applied") {
		t.Fatalf("after the merge: want the plan comment unchanged and an apply result, got %q", after)
	}
	if days := retention(t, w.sim, "Calls"); days != 60 {
		t.Errorf("Calls keeps %v days in the organisation, want 60", days)
	}
	audit := w.artifact(r, "retainctl-audit-policies-"+w.repo.sha("main")+"-1", "retainctl-audit.jsonl")
	if !strings.Contains(audit, `"policy.updated"`) || !strings.Contains(audit, approved) || !strings.Contains(audit, "compliance-lead") {
		t.Errorf("the audit log does not record the update with the approved fingerprint %s and its reviewer:\n%s", approved, audit)
	}
	if log := w.repo.git(w.repo.bare, "log", "--format=%s", "retainctl-audit"); !strings.Contains(log, "audit apply") {
		t.Errorf("the audit branch: %q", log)
	}

	// Re-runs: the plan job of the merged pull request leaves the approved
	// comment alone and says why; the apply finds nothing left to do.
	j := concluded(t, w.run(w.caller("plan.yml"), pushEv), "plan", "success")
	if c := w.gh.comments(n); len(c) != 2 || c[0] != pushed[0] || !strings.Contains(j.summary, "never edited") {
		t.Errorf("a re-run plan of the merged pull request: comments %q, summary:\n%s", c, j.summary)
	}
	concluded(t, w.run(w.caller("apply.yml"), merged), "apply", "success")
	if c := w.gh.comments(n); len(c) != 3 || !strings.Contains(c[2], "Already applied") {
		t.Errorf("a re-run apply: %q", c)
	}
	w.noLeaks()
}

// planned opens a pull request and runs its plan job, which must succeed
// with one plan comment.
func planned(t *testing.T, w *wfWorld, branch string, files map[string]string) int {
	t.Helper()
	n, ev := w.openPR(branch, files, false)
	concluded(t, w.run(w.caller("plan.yml"), ev), "plan", "success")
	if c := w.gh.comments(n); len(c) != 1 || !strings.HasPrefix(c[0], "<!-- retainctl:plan fingerprint=sha256:") {
		t.Fatalf("pull request #%d: want one plan comment, got %q", n, c)
	}
	return n
}

// Two pull requests changing different policies are both planned against
// the same organisation; whichever merges first, the other's approved plan
// is still exactly what its merge applies.
func disjointPRs(t *testing.T, w *wfWorld, callsFirst bool) {
	calls := planned(t, w, "calls-120", map[string]string{"policies/calls.yaml": calls120})
	chats := planned(t, w, "chats-60", map[string]string{"policies/chats.yaml": chats60})
	order := []int{calls, chats}
	if !callsFirst {
		order = []int{chats, calls}
	}
	for _, n := range order {
		concluded(t, w.run(w.caller("apply.yml"), w.mergePR(n)), "apply", "success")
		if c := w.gh.comments(n); len(c) != 2 || !strings.HasPrefix(c[1], "<!-- retainctl:apply -->") || !strings.Contains(c[1], "Applied") {
			t.Fatalf("pull request #%d after its merge: %q", n, c)
		}
	}
	if calls, chats := retention(t, w.sim, "Calls"), retention(t, w.sim, "Chats"); calls != 120 || chats != 60 {
		t.Errorf("the organisation keeps calls %v and chats %v days, want 120 and 60", calls, chats)
	}
	w.noLeaks()
}

// Two pull requests changing the same policy: the second's approved plan
// starts from the policy as it was before the first, so its apply is
// refused, changes nothing, and says on the pull request what to do.
func samePolicy(t *testing.T, w *wfWorld) {
	longer := planned(t, w, "calls-120", map[string]string{"policies/calls.yaml": calls120})
	reword := planned(t, w, "calls-reword", map[string]string{"policies/calls.yaml": callsReword})
	concluded(t, w.run(w.caller("apply.yml"), w.mergePR(longer)), "apply", "success")
	concluded(t, w.run(w.caller("apply.yml"), w.mergePR(reword)), "apply", "failure")
	c := w.gh.comments(reword)
	if len(c) != 2 || !strings.HasPrefix(c[1], "<!-- retainctl:apply-refused -->") ||
		!strings.Contains(c[1], "Nothing was changed") || !strings.Contains(c[1], "open a new pull request") {
		t.Fatalf("the refused pull request's comments: %q", c)
	}
	p := livePolicy(t, w.sim, "Calls")
	if desc, _ := p["description"].(string); strings.Contains(desc, "disputes") || retention(t, w.sim, "Calls") != 120 {
		t.Errorf("the refused apply changed the organisation: %v", p)
	}
	w.noLeaks()
}

// A fork's pull request gets no secrets and a read-only token: its plan
// job validates, explains in the job summary, and neither fails nor
// comments.
func forkPR(t *testing.T, w *wfWorld) {
	n, ev := w.openPR("outsider-chats", map[string]string{"policies/chats.yaml": chats60}, true)
	r := w.run(w.caller("plan.yml"), ev)
	j := concluded(t, r, "plan", "success")
	if !strings.Contains(j.summary, "fork") {
		t.Errorf("the job summary does not say why there is no plan:\n%s", j.summary)
	}
	if c := w.gh.comments(n); len(c) != 0 {
		t.Errorf("a fork's plan commented: %q", c)
	}
	if files := w.artifactFiles(r, "retainctl-plan-pr1-policies-1"); len(files) != 0 {
		t.Errorf("a fork's plan kept a plan.json: %q", files)
	}
}

// A pull request outside the paths the adopter's plan.yml filters on does
// not start it; one inside them that touches no organisation (common/,
// which no organisation includes here) runs no plan job, and nothing is
// said on either.
func outsidePolicies(t *testing.T, w *wfWorld) {
	n, ev := w.openPR("readme", map[string]string{"README.md": "# Retention policies\n"}, false)
	if r := w.run(w.caller("plan.yml"), ev); r.triggered {
		t.Errorf("a README change ran plan.yml: %v", jobNames(r))
	}
	m, ev := w.openPR("common-readme", map[string]string{"common/README.md": "Shared policies, when there are organisations to share them.\n"}, false)
	r := w.run(w.caller("plan.yml"), ev)
	if j := concluded(t, r, "orgs", "success"); j.outputs["count"] != "0" {
		t.Errorf("orgs outputs %v, want count 0", j.outputs)
	}
	concluded(t, r, "plan", "skipped")
	if c, d := w.gh.comments(n), w.gh.comments(m); len(c)+len(d) != 0 {
		t.Errorf("comments: %q %q", c, d)
	}
}

// A policy pushed straight to main was never reviewed: apply refuses it
// and changes nothing.
func directPush(t *testing.T, w *wfWorld) {
	before := w.repo.sha("main")
	after := w.repo.commit("main", "calls for 120 days", map[string]string{"policies/calls.yaml": calls120})
	j := concluded(t, w.run(w.caller("apply.yml"), w.pushEvent(before, after)), "apply", "failure")
	if !strings.Contains(j.log.String(), "did not come from a merged pull request") {
		t.Errorf("the refusal does not say why:\n%s", j.log.String())
	}
	if days := retention(t, w.sim, "Calls"); days != 90 {
		t.Errorf("an unreviewed push changed Calls to %v days", days)
	}
}

// A policy that does not validate: the plan step runs after the failed
// validation anyway, annotates the line and says on the pull request that
// there is no plan; merged regardless, it applies nothing.
func invalidPolicy(t *testing.T, w *wfWorld) {
	n, ev := w.openPR("fax", map[string]string{"policies/fax.yaml": "name: Faxes\nobjectType: fax\nretentionPeriod: 90\n"}, false)
	j := concluded(t, w.run(w.caller("plan.yml"), ev), "plan", "failure")
	if !strings.Contains(j.log.String(), "::error file=policies/fax.yaml,line=2") {
		t.Errorf("no annotation on the policy's line:\n%s", j.log.String())
	}
	if c := w.gh.comments(n); len(c) != 1 || !strings.Contains(c[0], "fingerprint=none") || !strings.Contains(c[0], "Not planned") {
		t.Fatalf("comments: %q", c)
	}
	concluded(t, w.run(w.caller("apply.yml"), w.mergePR(n)), "apply", "failure")
	if livePolicy(t, w.sim, "Faxes") != nil {
		t.Error("a policy that does not validate was applied")
	}
}

// Two merges in a row: GitHub keeps one pending run per concurrency group,
// so the first merge's apply is cancelled while it waits. The second's
// apply carries the first's approved changes, and both pull requests get
// the result.
func supersededApply(t *testing.T, w *wfWorld) {
	calls := planned(t, w, "calls-120", map[string]string{"policies/calls.yaml": calls120})
	chats := planned(t, w, "chats-60", map[string]string{"policies/chats.yaml": chats60})
	w.mergePR(calls) // its apply run is cancelled before it starts
	concluded(t, w.run(w.caller("apply.yml"), w.mergePR(chats)), "apply", "success")
	for _, n := range []int{calls, chats} {
		if c := w.gh.comments(n); len(c) != 2 || !strings.HasPrefix(c[1], "<!-- retainctl:apply -->") || !strings.Contains(c[1], "Applied") {
			t.Errorf("pull request #%d: %q", n, c)
		}
	}
	if calls, chats := retention(t, w.sim, "Calls"), retention(t, w.sim, "Chats"); calls != 120 || chats != 60 {
		t.Errorf("the organisation keeps calls %v and chats %v days, want 120 and 60", calls, chats)
	}
}

// A private repository that sends secrets to forks: the fork's plan is
// made, but its token is read-only, so the comment and the label are
// skipped, saying why, and the plan is in the job summary and plan.json.
func forkWithSecrets(t *testing.T, w *wfWorld) {
	w.forkSecrets = true
	n, ev := w.openPR("outsider-chats", map[string]string{"policies/chats.yaml": chats60}, true)
	r := w.run(w.caller("plan.yml"), ev)
	j := concluded(t, r, "plan", "success")
	if !strings.Contains(j.summary, "30 d → 60 d") {
		t.Errorf("the job summary has no plan:\n%s", j.summary)
	}
	if c, labels := w.gh.comments(n), w.gh.issue(n).Labels; len(c)+len(labels) != 0 {
		t.Errorf("a read-only token commented %q or labelled %q", c, labels)
	}
	if files := w.artifactFiles(r, fmt.Sprintf("retainctl-plan-pr%d-policies-1", n)); len(files) != 1 {
		t.Errorf("plan artifact: %q", files)
	}
}

// A caller must grant every permission the reusable workflow's jobs ask
// for, or GitHub does not start the run: plan without issues: write (the
// label), apply with contents: read (the audit branch).
func fewerPermissions(t *testing.T, w *wfWorld) {
	n, ev := w.openPR("calls-120", map[string]string{"policies/calls.yaml": calls120}, false)
	r := w.run(w.callerEdited("plan.yml", ", issues: write}", "}"), ev)
	if !strings.Contains(r.refused, "issues: write") {
		t.Errorf("plan.yml without issues: write: refused %q, jobs %v", r.refused, jobNames(r))
	}
	r = w.run(w.callerEdited("apply.yml", "contents: write", "contents: read"), w.mergePR(n))
	if !strings.Contains(r.refused, "contents: write") {
		t.Errorf("apply.yml with contents: read: refused %q, jobs %v", r.refused, jobNames(r))
	}
}
