package changed

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func git(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func write(t *testing.T, files map[string]string) {
	t.Helper()
	for name, src := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func commit(t *testing.T, files map[string]string) string {
	t.Helper()
	write(t, files)
	git(t, "add", "-A")
	git(t, "commit", "-q", "-m", "change")
	return git(t, "rev-parse", "HEAD")
}

func names(os []Org) []string {
	var out []string
	for _, o := range os {
		out = append(out, o.Name)
	}
	return out
}

// A temporary repository of three organisations: eu and us include
// common/, apac does not; a change touches the organisations it should.
func TestTouchedByAPullRequest(t *testing.T) {
	t.Chdir(t.TempDir())
	git(t, "init", "-q", "-b", "main")
	base := commit(t, map[string]string{
		"common/shared.yaml":       "name: Calls\nobjectType: call\nretentionPeriod: 90\n",
		"orgs/eu/retainctl.yaml":   "include: [common]\norganisation: {region: eu-west-1, credentials: {clientIdEnv: EU_ID, clientSecretEnv: EU_SECRET}}\n",
		"orgs/us/retainctl.yaml":   "include: [./common/]\n",
		"orgs/apac/retainctl.yaml": "prune: false\n",
		"README.md":                "policies\n",
	})
	orgs, err := Repo("policies")
	if err != nil {
		t.Fatal(err)
	}
	if got := names(orgs); !slices.Equal(got, []string{"apac", "eu", "us"}) {
		t.Fatalf("orgs: %v", got)
	}
	if eu := orgs[1]; eu.Dir != "orgs/eu" || eu.Suffix != "EU" || suffixOf("eu-west.2") != "EU_WEST_2" || eu.ClientIDEnv != "EU_ID" || eu.ClientSecretEnv != "EU_SECRET" || !slices.Equal(eu.Include, []string{"common"}) {
		t.Errorf("eu: %+v", eu)
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"one org's policy", map[string]string{"orgs/eu/calls.yaml": "x"}, []string{"eu"}},
		{"a shared policy", map[string]string{"common/chats.yaml": "x"}, []string{"eu", "us"}},
		{"the rules", map[string]string{"rego/custom.rego": "x"}, []string{"apac", "eu", "us"}},
		{"a workflow", map[string]string{".github/workflows/plan.yml": "x"}, []string{"apac", "eu", "us"}},
		{"the docs only", map[string]string{"README.md": "more\n"}, nil},
		{"two orgs", map[string]string{"orgs/apac/a.yaml": "x", "orgs/us/u.yaml": "y"}, []string{"apac", "us"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			git(t, "checkout", "-q", "-B", "pr", base)
			commit(t, tc.files)
			files, err := Files(context.Background(), base)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(Touched(orgs, files)); !slices.Equal(got, tc.want) {
				t.Errorf("touched %v, want %v (files %v)", got, tc.want, files)
			}
		})
	}
	// Main moved on after the branch: only what the branch changed counts
	// (the merge base), as GitHub's pull request diff shows it.
	git(t, "checkout", "-q", "-B", "pr", base)
	commit(t, map[string]string{"orgs/eu/calls.yaml": "x"})
	git(t, "checkout", "-q", "main")
	mainHead := commit(t, map[string]string{"orgs/us/us.yaml": "x"})
	git(t, "checkout", "-q", "pr")
	files, err := Files(context.Background(), mainHead)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(Touched(orgs, files)); !slices.Equal(got, []string{"eu"}) {
		t.Errorf("after main moved: %v (files %v)", got, files)
	}
	// A deleted file touches its organisation too.
	git(t, "checkout", "-q", "-B", "del", base)
	git(t, "rm", "-q", "orgs/apac/retainctl.yaml")
	git(t, "commit", "-q", "-m", "delete")
	if files, err := Files(context.Background(), base); err != nil || !slices.Equal(names(Touched(orgs, files)), []string{"apac"}) {
		t.Errorf("a deletion: %v %v", files, err)
	}
	for _, bad := range []string{"0000000000000000000000000000000000000000", "", "--output=x", "deadbeef"} {
		if _, err := Files(context.Background(), bad); err == nil {
			t.Errorf("Files(%q): no error", bad)
		}
	}
}

// A repository of one organisation (no orgs/) is one entry with no name,
// touched by its policies directory and what it includes.
func TestTouchedSingleOrganisation(t *testing.T) {
	t.Chdir(t.TempDir())
	write(t, map[string]string{"policies/retainctl.yaml": "include: [shared]\n"})
	orgs, err := Repo("policies")
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) != 1 || orgs[0].Name != "" || orgs[0].Dir != "policies" {
		t.Fatalf("orgs: %+v", orgs)
	}
	for files, want := range map[string]int{"policies/a.yaml": 1, "shared/b.yaml": 1, "docs/x.md": 0, "go.mod": 1, "policiesX/a.yaml": 0} {
		if got := len(Touched(orgs, []string{files})); got != want {
			t.Errorf("%s touches %d, want %d", files, got, want)
		}
	}
}
