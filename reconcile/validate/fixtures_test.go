package validate_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/validate"
)

// expectation is a fixture's expected.json.
type expectation struct {
	Exit       int    `json:"exit"`
	Error      string `json:"error"` // exit 3: a substring of the input error
	Violations []struct {
		Rule, Severity, File, Message string
		Line                          int
	} `json:"violations"`
}

func newValidator(t testing.TB) *validate.Validator {
	t.Helper()
	v, err := validate.New(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestExamplePoliciesAreClean(t *testing.T) {
	repo, vs, err := newValidator(t).ValidateDir(context.Background(), "../../policies")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 0 {
		t.Fatalf("policies/ has violations: %+v", vs)
	}
	if len(repo.Policies) != 6 {
		t.Fatalf("policies/ has %d policies, want 6", len(repo.Policies))
	}
}

// TestInvalidFixtures asserts every violation of each testdata/invalid case:
// rule, severity, file, line and a message substring, and nothing else.
func TestInvalidFixtures(t *testing.T) {
	v := newValidator(t)
	cases, err := filepath.Glob("../../testdata/invalid/*/expected.json")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, exp := range cases {
		dir := filepath.Dir(exp)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var want expectation
			b, err := os.ReadFile(exp)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			_, got, err := v.ValidateDir(context.Background(), dir)
			if want.Exit == 3 {
				if err == nil || !strings.Contains(err.Error(), want.Error) {
					t.Fatalf("error = %v, want one containing %q", err, want.Error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want.Violations) {
				t.Fatalf("got %d violations, want %d:\n%+v", len(got), len(want.Violations), got)
			}
			for i, w := range want.Violations {
				g := got[i]
				if g.Rule != w.Rule || string(g.Severity) != w.Severity || g.File != filepath.Join(dir, w.File) || g.Line != w.Line || !strings.Contains(g.Message, w.Message) {
					t.Errorf("violation %d = %+v\nwant %+v", i, g, w)
				}
			}
			if exit := map[bool]int{true: 1, false: 0}[validate.HasDeny(got)]; exit != want.Exit {
				t.Errorf("exit = %d, want %d", exit, want.Exit)
			}
		})
	}
}

func TestMissingDirectoryIsAnInputError(t *testing.T) {
	_, _, err := newValidator(t).ValidateDir(context.Background(), filepath.Join(t.TempDir(), "nope"))
	if err == nil {
		t.Fatal("want an error for a missing directory")
	}
}

func TestOversizeFile(t *testing.T) {
	dir := t.TempDir()
	big := "name: A\nobjectType: call\nretentionPeriod: 90\ndescription: " + strings.Repeat("x", 1<<20) + "\n"
	if err := os.WriteFile(filepath.Join(dir, "big.yaml"), []byte(big), 0o600); err != nil {
		t.Fatal(err)
	}
	_, vs, err := newValidator(t).ValidateDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Rule != "file.too-large" || vs[0].Line != 1 {
		t.Fatalf("got %+v, want one file.too-large", vs)
	}
}
