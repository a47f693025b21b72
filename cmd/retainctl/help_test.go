package main

import (
	"strings"
	"testing"
)

// Every verb's --help shows examples and what its exit codes mean.
func TestHelpHasExamplesAndExitCodes(t *testing.T) {
	for _, c := range newRootCmd().Commands() {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" || c.HasSubCommands() {
			continue
		}
		code, out, _ := cli(t, c.Name(), "--help")
		if code != exitOK || !strings.Contains(out, "Examples:") || !strings.Contains(out, "Exit status") {
			t.Errorf("retainctl %s --help: exit %d\n%s", c.Name(), code, out)
		}
	}
}
