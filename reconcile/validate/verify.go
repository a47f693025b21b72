package validate

import (
	"context"
	"fmt"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is the outcome of one Rego unit test (a test_ rule).
type TestResult struct {
	Name     string // package.rule
	Location string // file:line
	Pass     bool
	Skip     bool
	Error    string // evaluation error, if any
	Duration time.Duration
}

// RunTests runs the embedded *_test.rego and those in customDir (none when
// empty), the way `opa test` does.
func RunTests(ctx context.Context, customDir string) ([]TestResult, error) {
	mods, data, err := loadRules(customDir, true)
	if err != nil {
		return nil, err
	}
	ch, err := tester.NewRunner().
		SetCompiler(ast.NewCompiler().WithUnsafeBuiltins(unsafeBuiltins)).
		SetStore(inmem.NewFromObject(data)).
		SetModules(mods).
		RunTests(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("running rule tests: %w", err)
	}
	var out []TestResult
	for r := range ch {
		t := TestResult{Name: r.Package + "." + r.Name, Pass: r.Pass(), Skip: r.Skip, Duration: r.Duration}
		if r.Location != nil {
			t.Location = fmt.Sprintf("%s:%d", r.Location.File, r.Location.Row)
		}
		if r.Error != nil {
			t.Error = r.Error.Error()
		}
		out = append(out, t)
	}
	return out, nil
}
