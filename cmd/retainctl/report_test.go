package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateReport = flag.Bool("update-report", false, "rewrite the report's golden files in testdata")

// reportGolden compares got with testdata/name, read from the package's
// directory (abs, found before the test changes directory).
func reportGolden(t *testing.T, abs, got string) {
	t.Helper()
	if *updateReport {
		if err := os.WriteFile(abs, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(abs)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/retainctl -run Report -update-report)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test ./cmd/retainctl -run Report -update-report to accept):\n%s", abs, got)
	}
}

// TestReportCommand: after an apply on the simulator, the report shows the
// gaps, the chart and the applied changes with their approval.
func TestReportCommand(t *testing.T) {
	policies := inExample(t)
	if code, _, errOut := cli(t, "apply", "--sim", "--auto-approve", "--policies", policies); code != exitOK {
		t.Fatalf("apply: exit %d\n%s", code, errOut)
	}
	code, out, errOut := cli(t, "report", "--policies", policies)
	if code != exitOK || !strings.Contains(out, "**Planned only**") || strings.Contains(out, "current (GB)") {
		t.Errorf("without a connection flag the report is offline: exit %d\n%s%s", code, out, errOut)
	}
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

// TestReportAgainstTheSimulator: with --sim the report plans the
// repository against the demo organisation and shows its current storage
// against the planned, in markdown (golden) and in the HTML chart.
func TestReportAgainstTheSimulator(t *testing.T) {
	abs, err := filepath.Abs("testdata/report-sim.md")
	if err != nil {
		t.Fatal(err)
	}
	inExample(t)
	code, out, errOut := cli(t, "report", "--sim")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	reportGolden(t, abs, out)
	for _, want := range []string{"**Current against planned**", "simulated organisation", "| 5 years |", "call × OUTBOUND"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if code, _, errOut := cli(t, "report", "--sim", "--format", "html", "--out", "r.html"); code != exitOK {
		t.Fatalf("html: exit %d %s", code, errOut)
	}
	page, _ := os.ReadFile("r.html")
	for _, want := range []string{`<svg id="storage-chart"`, `class="bar current"`, `class="bar planned"`, "current against planned"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// Half-given credentials are an error, not a quiet offline report.
	t.Setenv("GENESYSCLOUD_OAUTHCLIENT_ID", "someone")
	t.Setenv("GENESYSCLOUD_OAUTHCLIENT_SECRET", "")
	t.Setenv("GENESYSCLOUD_ACCESS_TOKEN", "")
	if code, _, errOut := cli(t, "report"); code != exitUsage || !strings.Contains(errOut, "GENESYSCLOUD_OAUTHCLIENT_SECRET") {
		t.Errorf("half the credentials: exit %d %s", code, errOut)
	}
}
