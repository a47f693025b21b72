// Package changed answers which organisations a change touches, so that a
// workflow plans, applies and enforces only those: GitHub Actions spreads
// them over a matrix, one job per organisation.
//
// In a repository of several organisations (orgs/<name>/), a changed file
// under orgs/NAME/ touches NAME; one under a directory an organisation's
// settings include (such as common/) touches every organisation that
// includes it; one under rego/, .github/ or the tool's own source touches
// them all. A repository of one organisation (no orgs/) is touched by its
// policies directory, its includes and the same shared paths.
package changed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// Everywhere are the paths whose change touches every organisation: the
// rules, the workflows (which pin the retainctl that runs) and, in the
// tool's own repository, its source and module files.
var Everywhere = []string{"rego/", ".github/", "go.mod", "go.sum", "cmd/", "reconcile/"}

// Org is one organisation and what its settings say a workflow needs.
type Org struct {
	// Name is the directory under orgs/; empty in a repository of one
	// organisation.
	Name string `json:"org"`
	// Dir is its policies directory (orgs/NAME, or the single one).
	Dir string `json:"policies"`
	// ClientIDEnv and ClientSecretEnv name the environment variables of
	// its credentials when its settings name them: a workflow maps the
	// secrets of those names into them.
	ClientIDEnv     string `json:"clientIdEnv,omitempty"`
	ClientSecretEnv string `json:"clientSecretEnv,omitempty"`
	// Suffix is Name as a secret's name ends: upper case, other than
	// letters and digits as _ ("eu-west" is EU_WEST). The reusable plan
	// workflow reads organisation eu's read-only client from the secrets
	// GENESYSCLOUD_OAUTHCLIENT_ID_READONLY_EU and ..._SECRET_READONLY_EU.
	Suffix string `json:"suffix,omitempty"`
	// Include are the directories of shared policies its settings include.
	Include []string `json:"-"`
}

// suffixOf is name as the end of a secret's name.
func suffixOf(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, name)
}

// Repo lists the organisations of the repository in the working directory:
// one per directory under orgs/, or, without orgs/, the one whose policies
// are in single (e.g. "policies").
func Repo(single string) ([]Org, error) {
	if _, err := os.Stat(policy.OrgsDir); errors.Is(err, fs.ErrNotExist) {
		o, err := orgAt("", single)
		if err != nil {
			return nil, err
		}
		return []Org{o}, nil
	}
	names, err := policy.OrgNames()
	if err != nil {
		return nil, err
	}
	var out []Org
	for _, n := range names {
		o, err := orgAt(n, filepath.Join(policy.OrgsDir, n))
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

func orgAt(name, dir string) (Org, error) {
	s, err := policy.LoadSettings(dir)
	var le *policy.LoadError
	if err != nil && !errors.As(err, &le) {
		return Org{}, err
	}
	// Broken settings still say enough to plan the organisation, whose
	// plan then reports them at their lines.
	o := Org{Name: name, Dir: filepath.ToSlash(dir), Suffix: suffixOf(name)}
	for _, inc := range s.Include {
		o.Include = append(o.Include, path.Clean(filepath.ToSlash(inc)))
	}
	if s.Organisation != nil {
		o.ClientIDEnv = s.Organisation.Credentials.ClientIDEnv
		o.ClientSecretEnv = s.Organisation.Credentials.ClientSecretEnv
	}
	return o, nil
}

// Touched returns the organisations of orgs that the changed files (paths
// relative to the repository's root, slash-separated) touch, in the order
// of orgs.
func Touched(orgs []Org, files []string) []Org {
	var out []Org
	for _, o := range orgs {
		if slices.ContainsFunc(files, func(f string) bool { return touches(o, f) }) {
			out = append(out, o)
		}
	}
	return out
}

func touches(o Org, file string) bool {
	file = path.Clean(filepath.ToSlash(file))
	for _, p := range Everywhere {
		if file == strings.TrimSuffix(p, "/") || strings.HasPrefix(file, p) {
			return true
		}
	}
	return slices.ContainsFunc(append([]string{o.Dir}, o.Include...), func(dir string) bool { return within(file, dir) })
}

func within(file, dir string) bool {
	dir = path.Clean(dir)
	return dir == "." || file == dir || strings.HasPrefix(file, dir+"/")
}

// Files lists the files that differ between base and HEAD in the git
// repository of the working directory: what a pull request changes when
// base is its base commit (compared from their merge base, as GitHub
// does), or what a push brought when base is the commit before it. A base
// of all zeros (a new branch) or one the clone does not have is an error
// the caller answers by taking every organisation.
func Files(ctx context.Context, base string) ([]string, error) {
	if strings.Trim(base, "0") == "" {
		return nil, fmt.Errorf("no base commit (%q): a new branch has nothing to compare with", base)
	}
	if strings.HasPrefix(base, "-") {
		return nil, fmt.Errorf("base %q is not a commit", base)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "git", "diff", "--name-only", "-z", "--no-renames", base+"...HEAD", "--")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git diff %s...HEAD: %s (a shallow clone lacks the base: check out with fetch-depth: 0)", base, msg)
	}
	var files []string
	for f := range strings.SplitSeq(stdout.String(), "\x00") {
		if f != "" {
			files = append(files, f)
		}
	}
	return files, nil
}
