package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// OrgsDir is where a repository of several organisations keeps one
// policies directory per organisation: orgs/<name>/.
const OrgsDir = "orgs"

// Organisation says where an organisation is and which environment
// variables hold its credentials, so that one CI secret store serves
// several organisations. Without it the GENESYSCLOUD_* variables apply.
type Organisation struct {
	Region      string      `yaml:"region,omitempty" json:"region,omitempty"` // e.g. eu-west-1
	APIURL      string      `yaml:"apiUrl,omitempty" json:"apiUrl,omitempty"` // instead of a region
	Credentials Credentials `yaml:"credentials,omitempty" json:"credentials,omitzero"`
}

// Credentials names the environment variables of an OAuth client.
type Credentials struct {
	ClientIDEnv     string `yaml:"clientIdEnv,omitempty" json:"clientIdEnv,omitempty"`
	ClientSecretEnv string `yaml:"clientSecretEnv,omitempty" json:"clientSecretEnv,omitempty"`
}

// includes adds the policies and holds of the directories the settings
// include (relative to the working directory, the repository's root, and
// inside it) beneath the repository's own: a policy or hold the directory
// itself defines overrides an included one of the same name.
func includes(repo *Repo) []Problem {
	var problems []Problem
	at := func(i int, msg string) Problem {
		return Problem{Rule: "settings.include", File: repo.Settings.Source.File, Line: repo.Settings.LineOf(fmt.Sprintf("include[%d]", i)), Message: msg}
	}
	own := repo.Policies
	var included []Policy
	var holds []Hold
	var policyFrom, holdFrom []int // which include each came from
	for i, inc := range repo.Settings.Include {
		dir := filepath.Clean(filepath.FromSlash(inc))
		if !filepath.IsLocal(dir) {
			problems = append(problems, at(i, fmt.Sprintf("include %q is not inside the repository: name a directory relative to where retainctl runs, such as common", inc)))
			continue
		}
		sub, err := loadIncluded(dir)
		var le *LoadError
		switch {
		case errors.As(err, &le):
			problems = append(problems, le.Problems...)
		case err != nil:
			problems = append(problems, at(i, err.Error()))
			continue
		}
		included = append(included, sub.Policies...)
		holds = append(holds, sub.Holds...)
		policyFrom = append(policyFrom, repeat(i, len(sub.Policies))...)
		holdFrom = append(holdFrom, repeat(i, len(sub.Holds))...)
	}
	problems = append(problems, includedTwice(included, policyFrom, nameOfPolicy, sourceOfPolicy, "policy", namesOf(own, nameOfPolicy))...)
	problems = append(problems, includedTwice(holds, holdFrom, nameOfHold, sourceOfHold, "hold", nil)...)
	problems = append(problems, sharedHolds(holds, repo.Holds)...)
	repo.Policies = append(own, overridden(included, own, nameOfPolicy)...)
	repo.Holds = append(repo.Holds, overridden(holds, repo.Holds, nameOfHold)...)
	return problems
}

// sharedHolds refuses an organisation's hold named as a shared one: a legal
// hold is narrowed or released where it is shared, for every organisation
// at once, never quietly for one.
func sharedHolds(shared, own []Hold) []Problem {
	byName := map[string]Hold{}
	for _, h := range shared {
		byName[NameKey(h.Name)] = h
	}
	var out []Problem
	for _, h := range own {
		if s, ok := byName[NameKey(h.Name)]; ok {
			out = append(out, Problem{Rule: "hold.duplicate-name", File: h.Source.File, Line: h.Source.Line, Policy: h.Name,
				Message: fmt.Sprintf("hold %q is shared from %s:%d: change or release it there, or give this organisation's hold a name of its own", h.Name, s.Source.File, s.Source.Line)})
		}
	}
	return out
}

func repeat(v, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// loadIncluded reads an included directory, opened inside the working
// directory so that no link reaches out of the repository. It holds
// policies and holds only: settings belong to each organisation.
func loadIncluded(dir string) (Repo, error) {
	root, err := os.OpenRoot(".")
	if err != nil {
		return Repo{}, err
	}
	defer root.Close()
	sub, err := root.OpenRoot(dir)
	if err != nil {
		return Repo{}, fmt.Errorf("include %s: %w", dir, unwrapPath(err))
	}
	defer sub.Close()
	if _, err := sub.Lstat(SettingsFile); !errors.Is(err, fs.ErrNotExist) {
		return Repo{}, fmt.Errorf("include %s holds a %s: settings belong to each organisation's own directory; move it there", dir, SettingsFile)
	}
	return LoadFS(sub.FS(), dir)
}

// namesOf is the set of the items' names, by NameKey.
func namesOf[T any](items []T, name func(T) string) map[string]bool {
	out := map[string]bool{}
	for _, x := range items {
		out[NameKey(name(x))] = true
	}
	return out
}

// overridden keeps the included items the directory does not redefine
// (by NameKey, as names are compared).
func overridden[T any](included, own []T, name func(T) string) []T {
	mine := namesOf(own, name)
	var out []T
	for _, x := range included {
		if !mine[NameKey(name(x))] {
			out = append(out, x)
		}
	}
	return out
}

func nameOfPolicy(p Policy) string { return p.Name }
func nameOfHold(h Hold) string     { return h.Name }

func sourceOfPolicy(p Policy) Source { return p.Source }
func sourceOfHold(h Hold) Source     { return h.Source }

// includedTwice reports a name two included directories both define (one
// directory's own repeats are its loader's to report): the organisation's
// own directory must say which applies.
func includedTwice[T any](items []T, from []int, name func(T) string, src func(T) Source, what string, own map[string]bool) []Problem {
	type first struct {
		src     Source
		include int
	}
	seen := map[string]first{}
	var out []Problem
	for i, x := range items {
		key := NameKey(name(x))
		prev, ok := seen[key]
		switch {
		case own[key]:
			// the organisation's own definition says which applies
		case !ok:
			seen[key] = first{src(x), from[i]}
		case prev.include != from[i]:
			s := src(x)
			out = append(out, Problem{Rule: what + ".duplicate-name", File: s.File, Line: s.Line, Policy: name(x),
				Message: fmt.Sprintf("%s %q is included from %s:%d too: define it in the organisation's own directory to say which applies", what, name(x), prev.src.File, prev.src.Line)})
		}
	}
	return out
}

// OrgNames lists the organisations of a repository: the directories under
// orgs/ in the working directory.
func OrgNames() ([]string, error) {
	es, err := os.ReadDir(OrgsDir)
	if err != nil {
		return nil, fmt.Errorf("listing organisations: %w", err)
	}
	var out []string
	for _, e := range es {
		if e.IsDir() && ValidOrgName(e.Name()) {
			out = append(out, e.Name())
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no organisations under %s/: make one directory per organisation, such as %s/production", OrgsDir, OrgsDir)
	}
	return out, nil
}

// orgName is what an organisation's directory may be called: a plain name,
// which --org and the workflows' matrix can carry. "all" is --org's word
// for every organisation.
var orgName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

// ValidOrgName reports whether name may name an organisation.
func ValidOrgName(name string) bool {
	return orgName.MatchString(name) && name != "all" && !strings.Contains(name, "..")
}
