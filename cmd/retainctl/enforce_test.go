package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEnforceCommand runs the CLI against the simulator: exit codes for a
// dry run, a real run, usage errors and policies that do not validate.
func TestEnforceCommand(t *testing.T) {
	policies, err := filepath.Abs("../../policies")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // the sim state and the audit log land here
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "p.yaml"), []byte("name: x\nobjectType: call\nretentionPeriod: -5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"enforce", "--sim", "--now", "2026-11-30T12:00:00Z", "--policies", policies}
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"dry run", append(base, "--dry-run", "--format", "json"), exitOK},
		{"run", base, exitOK},
		{"forced policy with an unsafe filter is refused, not widened", append(base, "--policy", "Email - 2 years"), exitOK},
		{"bad --now", []string{"enforce", "--sim", "--now", "yesterday", "--policies", policies}, exitUsage},
		{"a future --now would schedule deletions early", []string{"enforce", "--sim", "--now", "2099-01-01T00:00:00Z", "--policies", policies}, exitUsage},
		{"a future --now may be previewed", []string{"enforce", "--sim", "--now", "2099-01-01T00:00:00Z", "--dry-run", "--policies", policies}, exitOK},
		{"unknown --policy", append(base, "--policy", "nope"), exitUsage},
		{"bad --format", append(base, "--format", "xml"), exitUsage},
		{"invalid policies", []string{"enforce", "--sim", "--policies", bad}, exitFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut strings.Builder
			if got := execute(context.Background(), tt.args, &out, &errOut); got != tt.want {
				t.Errorf("retainctl %v = exit %d, want %d\n%s%s", tt.args, got, tt.want, out.String(), errOut.String())
			}
		})
	}
	if _, err := os.Stat("audit/retainctl-audit.jsonl"); err != nil {
		t.Errorf("no audit log written: %v", err)
	}
}
