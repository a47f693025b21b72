package validate_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/validate"
)

// Custom rules cannot reach the network or the environment, which holds the
// Genesys client secret while plan and apply run.
func TestCustomRulesCannotReachOut(t *testing.T) {
	for name, call := range map[string]string{
		"network":     `http.send({"method": "GET", "url": "http://127.0.0.1:1/"})`,
		"environment": `opa.runtime().env`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			mod := "package retainctl.rules.leak\n\ndeny contains msg if {\n\tx := " + call + "\n\tmsg := sprintf(\"%v\", [x])\n}\n"
			if err := os.WriteFile(filepath.Join(dir, "leak.rego"), []byte(mod), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := validate.New(context.Background(), dir); err == nil || !strings.Contains(err.Error(), "unsafe built-in") {
				t.Errorf("New = %v, want an unsafe built-in error", err)
			}
			if _, err := validate.RunTests(context.Background(), dir); err == nil || !strings.Contains(err.Error(), "unsafe built-in") {
				t.Errorf("RunTests = %v, want an unsafe built-in error", err)
			}
		})
	}
}
