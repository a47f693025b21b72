//go:build workflows

package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Scenarios of the nightly enforcement and its drift issue.

// The nightly enforcement finds the organisation changed behind Git's
// back: it opens a drift issue, updates the same one the next night, and
// closes it once the organisation matches main again.
func driftIssue(t *testing.T, w *wfWorld) {
	r := w.run(w.caller("enforce.yml"), w.scheduled())
	if audit := w.artifact(r, fmt.Sprintf("retainctl-enforce-audit-policies-%d-1", r.id), "retainctl-audit.jsonl"); !strings.Contains(audit, "job.executed") {
		t.Errorf("the nightly run executed no recording job:\n%s", concluded(t, r, "enforce", "success").log.String())
	}
	concluded(t, r, "enforce", "success")
	if got := w.gh.driftIssues(); len(got) != 0 {
		t.Fatalf("no drift yet, but issues: %v", got)
	}
	original := livePolicy(t, w.sim, "Chats")
	edited := setRetention(t, original, 7)
	simAPI(t, w.sim, "PUT", "/api/v2/recording/mediaretentionpolicies/"+original["id"].(string), edited)
	for night := 1; night <= 2; night++ {
		j := concluded(t, w.run(w.caller("enforce.yml"), w.scheduled()), "enforce", "failure")
		if !strings.Contains(j.log.String(), "::error title=Drift::") {
			t.Errorf("night %d: the drift is not an error annotation:\n%s", night, j.log.String())
		}
		issues := w.gh.driftIssues()
		if len(issues) != 1 || issues[0].State != "open" || !strings.HasPrefix(issues[0].Body, "<!-- retainctl:drift -->") ||
			!slices.Contains(issues[0].Labels, "retainctl: drift") || !strings.Contains(issues[0].Body, "Chats") {
			t.Fatalf("night %d: want one open drift issue naming Chats, got %+v", night, issues)
		}
	}
	simAPI(t, w.sim, "PUT", "/api/v2/recording/mediaretentionpolicies/"+original["id"].(string), setRetention(t, original, 30))
	concluded(t, w.run(w.caller("enforce.yml"), w.scheduled()), "enforce", "success")
	issues := w.gh.driftIssues()
	if len(issues) != 1 || issues[0].State != "closed" || len(issues[0].Comments) != 1 || !strings.Contains(issues[0].Comments[0].Body, "drift is gone") {
		t.Fatalf("after the organisation matched again: %+v", issues)
	}
	w.noLeaks()
}

// Enforcement run by hand as a dry run shows the recording jobs it would
// run and runs none.
func dryRun(t *testing.T, w *wfWorld) {
	r := w.run(w.caller("enforce.yml"), w.dispatched(map[string]any{"dry-run": "true"}))
	j := concluded(t, r, "enforce", "success")
	audit := w.artifact(r, fmt.Sprintf("retainctl-enforce-audit-policies-%d-1", r.id), "retainctl-audit.jsonl")
	if !strings.Contains(j.log.String(), "(dry run: jobs built, counted and cancelled") || !strings.Contains(audit, "job.cancelled") || strings.Contains(audit, "job.executed") {
		t.Errorf("not a dry run; the audit log:\n%s\nthe job:\n%s", audit, j.log.String())
	}
}
