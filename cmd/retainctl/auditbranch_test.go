package main

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func git(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestAuditBranchSurvivesAWipedCache: after enforce, the trail is published
// to the audit branch of a local bare remote; the audit directory (the
// cache) is wiped; restore brings it back, and enforce's catch-up history
// and the chain are as they were.
func TestAuditBranchSurvivesAWipedCache(t *testing.T) {
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	policies := inExample(t)
	bare := filepath.Join(t.TempDir(), "remote.git")
	git(t, "init", "--quiet", "--bare", "-b", "main", bare)
	git(t, "init", "--quiet", "-b", "main")
	git(t, "add", "policies")
	git(t, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "policies")
	git(t, "remote", "add", "origin", bare)
	git(t, "push", "--quiet", "origin", "main")

	if code, _, errOut := cli(t, "apply", "--sim", "--auto-approve", "--policies", policies); code != exitOK {
		t.Fatalf("apply: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := cli(t, "enforce", "--sim", "--now", "2026-11-30T12:00:00Z", "--policies", policies); code != exitOK {
		t.Fatalf("enforce: exit %d\n%s", code, errOut)
	}
	history := auditHistory{path: "audit/retainctl-audit.jsonl"}
	before, err := history.LastRuns()
	if err != nil || len(before) == 0 {
		t.Fatalf("no enforcement history: %v %v", before, err)
	}
	if code, out, errOut := cli(t, "audit", "publish", "--lineage", "enforce", "--policies", policies); code != exitOK || !strings.Contains(out, "lines appended to enforce/") {
		t.Fatalf("publish: exit %d\n%s%s", code, out, errOut)
	}
	if files := git(t, "-C", bare, "ls-tree", "-r", "--name-only", "retainctl-audit"); !strings.Contains(files, "enforce/retainctl-audit.jsonl") || !strings.Contains(files, "enforce/retainctl-report-") {
		t.Fatalf("the branch holds:\n%s", files)
	}
	if code, _, _ := cli(t, "audit", "publish", "--policies", policies); code != exitUsage {
		t.Errorf("publish without --lineage: exit %d", code)
	}

	os.RemoveAll("audit") // the cache was evicted
	if code, out, errOut := cli(t, "audit", "restore", "--lineage", "enforce", "--policies", policies); code != exitOK || !strings.Contains(out, "lines restored") {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}
	after, err := history.LastRuns()
	if err != nil || !maps.Equal(before, after) {
		t.Fatalf("history after restore %v, before %v (%v)", after, before, err)
	}
	if code, out, _ := cli(t, "audit", "verify", "--policies", policies); code != exitOK {
		t.Fatalf("verify after restore: exit %d\n%s", code, out)
	}
}
