package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/plan"
)

// TestMain lets a test re-run this binary as retainctl itself (for the
// SIGKILL test): with RETAINCTL_TEST_MAIN=1 the arguments are a command line.
func TestMain(m *testing.M) {
	if os.Getenv("RETAINCTL_TEST_MAIN") == "1" {
		os.Exit(execute(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// cli runs one command line in-process and returns its exit code and output.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := execute(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// inExample runs the test in a temporary directory holding a copy of the
// example policies, where the sim state and the audit log land.
func inExample(t *testing.T) string {
	t.Helper()
	src, err := filepath.Abs("../../policies")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	if err := os.CopyFS("policies", os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return "policies"
}

// The README's quick start: a plan of the example against the demo org
// shows a create, an update, an adoption and an unmanaged policy.
func TestQuickStartPlan(t *testing.T) {
	inExample(t)
	code, out, errOut := cli(t, "plan", "--sim", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var p plan.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	if s := p.Summary; s.Create == 0 || s.Update == 0 || s.Adopt == 0 || len(p.Unmanaged) == 0 {
		t.Errorf("summary %+v, unmanaged %v", s, p.Unmanaged)
	}
	if code, _, _ := cli(t, "plan", "--sim", "--detailed-exitcode"); code != exitChanges {
		t.Errorf("--detailed-exitcode with changes: exit %d", code)
	}
}

func TestPlanApplyConverges(t *testing.T) {
	inExample(t)
	if code, _, errOut := cli(t, "plan", "--sim", "--out", "out/plan.json"); code != exitOK {
		t.Fatalf("plan: exit %d: %s", code, errOut)
	}
	if code, out, errOut := cli(t, "apply", "out/plan.json", "--sim"); code != exitOK {
		t.Fatalf("apply: exit %d: %s%s", code, out, errOut)
	}
	if code, out, _ := cli(t, "plan", "--sim", "--detailed-exitcode"); code != exitOK {
		t.Errorf("after apply: exit %d\n%s", code, out)
	}
	if log, _ := os.ReadFile("audit/retainctl-audit.jsonl"); !strings.Contains(string(log), `"org":"simulated organisation`) {
		t.Error("audit events do not say which organisation was changed")
	}
	// The plan applied; applying it again does nothing and says why: it is
	// already applied, not stale.
	code, _, errOut := cli(t, "apply", "out/plan.json", "--sim")
	if code != exitOK || !strings.Contains(errOut, "already applied") || strings.Contains(errOut, "stale") {
		t.Errorf("re-applying an applied plan: exit %d: %s", code, errOut)
	}
}

// A plan made before someone changed the organisation is refused, naming
// what moved, and nothing is applied.
func TestStalePlanRefused(t *testing.T) {
	inExample(t)
	if code, _, errOut := cli(t, "plan", "--sim", "--out", "plan.json"); code != exitOK {
		t.Fatalf("plan: %s", errOut)
	}
	// Someone shortens a policy in the organisation behind retainctl's back.
	raw, err := os.ReadFile(defaultSimState)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(raw), `"days": 60`, `"days": 45`, 1)
	if edited == string(raw) {
		t.Fatal("fixture: no 60-day policy in the demo state")
	}
	if err := os.WriteFile(defaultSimState, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := cli(t, "apply", "plan.json", "--sim")
	if code != exitFailure || !strings.Contains(errOut, "stale") || !strings.Contains(errOut, "Inbound calls - 90 days") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	after, _ := os.ReadFile(defaultSimState)
	if string(after) != edited {
		t.Error("a stale plan changed the organisation")
	}
	if log, _ := os.ReadFile("audit/retainctl-audit.jsonl"); !strings.Contains(string(log), "apply refused") {
		t.Error("the refused apply is not in the audit trail")
	}
}

func TestApplyNeedsApproval(t *testing.T) {
	inExample(t)
	code, _, errOut := cli(t, "apply", "--sim")
	if code != exitUsage || !strings.Contains(errOut, "--auto-approve") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if code, _, errOut := cli(t, "apply", "--sim", "--auto-approve"); code != exitOK {
		t.Errorf("--auto-approve: exit %d: %s", code, errOut)
	}
}

func TestApplyRejectsEditedPlanFile(t *testing.T) {
	inExample(t)
	if code, _, _ := cli(t, "plan", "--sim", "--out", "plan.json"); code != exitOK {
		t.Fatal("plan failed")
	}
	raw, _ := os.ReadFile("plan.json")
	edited := strings.Replace(string(raw), `"retentionPeriod": 1095`, `"retentionPeriod": 1`, 1)
	if err := os.WriteFile("plan.json", []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := cli(t, "apply", "plan.json", "--sim")
	if code != exitUsage || !strings.Contains(errOut, "fingerprint") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat("audit"); err == nil {
		t.Error("a bad plan file started an audited run: it must be refused before anything is contacted")
	}
}

// Export writes YAML that validates, plans to adoptions and noops only,
// and to nothing at all once applied.
func TestExportRoundTrip(t *testing.T) {
	inExample(t)
	if code, _, errOut := cli(t, "export", "--sim", "--out", "exported"); code != exitOK {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	if code, out, _ := cli(t, "validate", "--policies", "exported"); code != exitOK {
		t.Fatalf("exported YAML does not validate:\n%s", out)
	}
	code, out, _ := cli(t, "plan", "--sim", "--policies", "exported", "--format", "json")
	if code != exitOK {
		t.Fatalf("plan exit %d", code)
	}
	var p plan.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Changes {
		if c.Action != plan.Noop && !(c.Action == plan.Adopt && len(c.Fields) == 0) {
			t.Errorf("%s: %s %+v", c.Name, c.Action, c.Fields)
		}
	}
	if code, _, errOut := cli(t, "apply", "--sim", "--policies", "exported", "--auto-approve"); code != exitOK {
		t.Fatalf("apply: %s", errOut)
	}
	if code, out, _ := cli(t, "plan", "--sim", "--policies", "exported", "--detailed-exitcode"); code != exitOK {
		t.Errorf("after adopting: exit %d\n%s", code, out)
	}
}

func TestPlanUsageErrors(t *testing.T) {
	inExample(t)
	for _, args := range [][]string{
		{"plan", "--sim", "--format", "yaml"},
		{"plan", "--sim", "--github", "--format", "json"},
		{"plan", "--sim", "--policies", "missing"},
		{"plan"}, // no credentials and no --sim
		{"apply", "nope.json", "--sim"},
		{"plan", "--no-such-flag"},
	} {
		if code, _, errOut := cli(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d: %s", args, code, errOut)
		}
	}
}
