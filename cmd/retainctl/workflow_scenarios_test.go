//go:build workflows

package main

import (
	"os/exec"
	"slices"
	"regexp"
	"strings"
	"testing"
)

// The adopting repository's workflows, run step by step as GitHub runs
// them (workflow_*_test.go): the reusable workflows of this repository,
// the action at its root installing release v1.0.0 from a fake GitHub,
// and retainctl talking to that GitHub and to a simulated organisation.
func TestWorkflows(t *testing.T) {
	for _, tool := range []string{"bash", "git", "tar", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH: the workflows' steps need it (GitHub's runners have it)", tool)
		}
	}
	rel := buildRelease(t)
	t.Run("plan, push, merge, apply", func(t *testing.T) { planPushMergeApply(t, newWorld(t, rel)) })
}

const calls120 = "name: Calls\ndescription: Customer calls, kept for quality review\nobjectType: call\narchiveAfter: 30\nschedule: {frequency: DAILY, timezone: UTC}\nretentionPeriod: 120\n"

var fingerprintRE = regexp.MustCompile(`fingerprint=(sha256:[0-9a-f]+)`)

// A pull request is planned in one sticky comment, edited when pushed to;
// its merge applies exactly the approved plan and says so on it, leaving
// the approved comment as it was.
func planPushMergeApply(t *testing.T, w *wfWorld) {
	n, ev := w.openPR("calls-120", map[string]string{"policies/calls.yaml": calls120}, false)
	r := w.run(caller("plan.yml"), ev)
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

	// Pushed to: the same comment, edited to the new plan.
	r = w.run(caller("plan.yml"), w.pushPR(n, map[string]string{"policies/calls.yaml": strings.Replace(calls120, "120", "150", 1)}))
	concluded(t, r, "plan", "success")
	pushed := w.gh.comments(n)
	if len(pushed) != 1 || pushed[0] == first[0] || !strings.Contains(pushed[0], "90 d → 150 d") {
		t.Fatalf("after a push: want the one comment edited to the new plan, got %q", pushed)
	}
	approved := fingerprintRE.FindStringSubmatch(pushed[0])[1]

	// Merged: apply runs in the production environment, applies the
	// approved plan, and comments the result; the plan comment stays.
	r = w.run(caller("apply.yml"), w.mergePR(n))
	concluded(t, r, "orgs", "success")
	if j := concluded(t, r, "apply", "success"); j.env != "production" {
		t.Errorf("apply ran in environment %q", j.env)
	}
	after := w.gh.comments(n)
	if len(after) != 2 || after[0] != pushed[0] || !strings.HasPrefix(after[1], "<!-- retainctl:apply -->") || !strings.Contains(after[1], "Applied") {
		t.Fatalf("after the merge: want the plan comment unchanged and an apply result, got %q", after)
	}
	if days := retention(t, w, "Calls"); days != 150 {
		t.Errorf("Calls keeps %v days in the organisation, want 150", days)
	}
	audit := w.artifact(r, "retainctl-audit-policies-"+w.repo.sha("main")+"-1", "retainctl-audit.jsonl")
	if !strings.Contains(audit, `"policy.updated"`) || !strings.Contains(audit, approved) {
		t.Errorf("the audit log does not record the update with the approved fingerprint %s:\n%s", approved, audit)
	}
	if log := w.repo.git(w.repo.bare, "log", "--format=%s", "retainctl-audit"); !strings.Contains(log, "audit apply") {
		t.Errorf("the audit branch: %q", log)
	}
	w.noLeaks()
}
