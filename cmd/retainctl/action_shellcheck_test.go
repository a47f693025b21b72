package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestActionScriptsPassShellcheck: actionlint reads workflows, not an
// action's metadata, so action.yml's run: scripts are given to shellcheck
// here, as bash, each on its own. .ci/run installs shellcheck.
func TestActionScriptsPassShellcheck(t *testing.T) {
	shellcheck, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck is not installed")
	}
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Runs struct {
			Steps []struct {
				Name, Shell, Run string
			}
		}
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, s := range action.Runs.Steps {
		if s.Run == "" {
			continue
		}
		if s.Shell != "bash" {
			t.Errorf("step %q: shell %q, want bash (a composite action's run step must name it)", s.Name, s.Shell)
		}
		cmd := exec.Command(shellcheck, "--shell=bash", "--severity=warning", "-")
		cmd.Stdin = strings.NewReader(s.Run)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("step %q:\n%s", s.Name, out)
		}
		checked++
	}
	if checked < 3 {
		t.Errorf("only %d run: steps found in action.yml", checked)
	}
}
