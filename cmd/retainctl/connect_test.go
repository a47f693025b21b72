package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Pacing comes from the settings' api block, flags override it; a flag
// out of range is a usage error naming it, a setting out of range a
// finding at its line.
func TestPacingSettingsAndFlags(t *testing.T) {
	dir := inExample(t)
	if code, _, errOut := cli(t, "plan", "--sim", "--token-pool", "3", "--requests-per-minute", "120"); code != exitOK {
		t.Fatalf("a valid pool: exit %d: %s", code, errOut)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--token-pool", "0"}, "--token-pool is 0"},
		{[]string{"--token-pool", "21"}, "--token-pool is 21"},
		{[]string{"--requests-per-minute", "-1"}, "--requests-per-minute is -1"},
		{[]string{"--requests-per-minute", "1000000"}, "--requests-per-minute is 1000000"},
	} {
		code, _, errOut := cli(t, append([]string{"plan", "--sim"}, c.args...)...)
		if code != exitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("plan %v: exit %d, %q; want a usage error naming %q", c.args, code, errOut, c.want)
		}
	}
	settings := filepath.Join(dir, "retainctl.yaml")
	data, err := os.ReadFile(settings)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(settings, append(data, "api:\n  tokenPool: 50\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	// A value out of range in the file is a finding at its line, like any
	// other setting: validation stops the plan before anything connects.
	if code, out, _ := cli(t, "plan", "--sim"); code != exitFailure || !strings.Contains(out, "[settings.api]") || !strings.Contains(out, "retainctl.yaml:") {
		t.Errorf("settings tokenPool 50: exit %d, %q", code, out)
	}
	if code, out, _ := cli(t, "validate"); code != exitFailure || !strings.Contains(out, "api.tokenPool 50 must be a whole number from 1 to 20") {
		t.Errorf("validate does not flag tokenPool 50: exit %d, %q", code, out)
	}
}
