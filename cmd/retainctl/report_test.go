package main

import (
	"os"
	"strings"
	"testing"
)

// TestReportCommand: after an apply on the simulator, the report shows the
// gaps, the chart and the applied changes with their approval.
func TestReportCommand(t *testing.T) {
	policies := inExample(t)
	if code, _, errOut := cli(t, "apply", "--sim", "--auto-approve", "--policies", policies); code != exitOK {
		t.Fatalf("apply: exit %d\n%s", code, errOut)
	}
	code, out, errOut := cli(t, "report", "--policies", policies)
	if code != exitOK || !strings.Contains(out, "kept indefinitely") || !strings.Contains(out, "| policy.created | ") || !strings.Contains(out, "auto-approve") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := cli(t, "report", "--policies", policies, "--format", "html", "--out", "r.html"); code != exitOK {
		t.Fatalf("html: exit %d %s", code, errOut)
	}
	page, _ := os.ReadFile("r.html")
	if !strings.Contains(string(page), "<svg") || strings.Contains(string(page), "<script") {
		t.Fatal("the page lacks its chart or holds a script")
	}
	if code, _, _ := cli(t, "report", "--format", "pdf"); code != exitUsage {
		t.Errorf("--format pdf: exit %d", code)
	}
}
