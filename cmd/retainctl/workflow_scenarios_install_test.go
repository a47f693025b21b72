//go:build workflows

package main

import (
	"maps"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// Scenarios of the action itself: where it gets retainctl from.

// The action in jobs of the adopter's own (docs/github.md): the plan step
// comments, the apply step on merge applies it. At a ref that is no
// release tag (v1), it installs the latest release.
func actionOnItsOwn(t *testing.T, w *wfWorld, ref string) {
	n, ev := w.openPR("calls-120", map[string]string{"policies/calls.yaml": calls120}, false)
	j := concluded(t, w.run(w.callerAt("own-plan.yml", ref), ev), "plan", "success")
	if !strings.Contains(j.log.String(), "retainctl "+w.tag+" ("+runtime.GOOS+"/"+runtime.GOARCH+") installed, sha256 ") ||
		stepOutput(j, "retainctl", "version") != w.tag || stepOutput(j, "retainctl", "exit-code") != "0" {
		t.Errorf("the action did not install and run %s (outputs %v):\n%s", w.tag, j.steps["retainctl"], j.log.String())
	}
	if c := w.gh.comments(n); len(c) != 1 || !strings.Contains(c[0], "90 d → 120 d") {
		t.Fatalf("plan comments: %q", c)
	}
	j = concluded(t, w.run(w.callerAt("own-apply.yml", ref), w.mergePR(n)), "apply", "success")
	if c := w.gh.comments(n); j.env != "production" || len(c) != 2 || !strings.Contains(c[1], "Applied") {
		t.Fatalf("after the merge (environment %q): %q", j.env, c)
	}
	if days := retention(t, w.sim, "Calls"); days != 120 {
		t.Errorf("Calls keeps %v days, want 120", days)
	}
	w.noLeaks()
}

// A release archive that does not match checksums.txt is never run: the
// install step fails, and so does the job, before any plan.
func badChecksum(t *testing.T, w *wfWorld, rel *release) {
	files := maps.Clone(rel.files)
	files[rel.archive] = append(slices.Clone(files[rel.archive]), 0)
	w.gh.addRelease(rel.tag, files)
	n, ev := w.openPR("calls-120", map[string]string{"policies/calls.yaml": calls120}, false)
	r := w.run(w.caller("plan.yml"), ev)
	j := concluded(t, r, "orgs", "failure")
	if !strings.Contains(j.log.String(), "refusing to run it") {
		t.Errorf("the install step does not say why:\n%s", j.log.String())
	}
	concluded(t, r, "plan", "skipped")
	if c := w.gh.comments(n); len(c) != 0 {
		t.Errorf("comments: %q", c)
	}
}

// A download of the release that fails once (GitHub answering 503) is
// tried again: the job still runs the checksum-verified release, not a
// build of the action's source.
func flakyDownload(t *testing.T, w *wfWorld) {
	w.gh.failDownloads("checksums.txt", 1)
	_, ev := w.openPR("calls-120", map[string]string{"policies/calls.yaml": calls120}, false)
	j := concluded(t, w.run(w.caller("own-plan.yml"), ev), "plan", "success")
	if v := stepOutput(j, "retainctl", "version"); v != w.tag {
		t.Errorf("the action ran %q, want the release %s:\n%s", v, w.tag, j.log.String())
	}
}

// Used at a branch of a repository with no release, the action builds its
// own source once and runs that.
func fromSource(t *testing.T, w *wfWorld) {
	w.gh.noReleases()
	n, ev := w.openPR("calls-120", map[string]string{"policies/calls.yaml": calls120}, false)
	j := concluded(t, w.run(w.callerAt("own-plan.yml", "main"), ev), "plan", "success")
	if log := j.log.String(); !strings.Contains(log, "has no release; building the action's source") || !strings.Contains(log, "retainctl source@main") {
		t.Errorf("the action did not build its source:\n%s", log)
	}
	if v := stepOutput(j, "retainctl", "version"); v != "source@main" {
		t.Errorf("the action's version output is %q, want source@main", v)
	}
	if c := w.gh.comments(n); len(c) != 1 || !strings.Contains(c[0], "90 d → 120 d") {
		t.Fatalf("plan comments: %q", c)
	}
}
