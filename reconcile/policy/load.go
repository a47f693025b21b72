package policy

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sync/errgroup"
)

// SettingsFile is the name of the settings file in a policies directory.
const SettingsFile = "retainctl.yaml"

// Load reads a policies directory (docs/policy-reference.md). Problems in the files come
// back as a *LoadError together with the policies that did load; any other
// error means the directory itself cannot be used (missing, empty).
func Load(dir string) (Repo, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return Repo{}, fmt.Errorf("policies directory %s: %w", dir, err)
	}
	if !info.IsDir() {
		return Repo{}, fmt.Errorf("policies directory %s is not a directory", dir)
	}
	return LoadFS(os.DirFS(dir), dir)
}

// LoadFS reads the policies in fsys; prefix is joined to the file names in
// Source and messages, so they are relative to where the user stands.
func LoadFS(fsys fs.FS, prefix string) (Repo, error) {
	repo := Repo{Dir: prefix, Settings: DefaultSettings()}
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && p != "." && strings.HasPrefix(e.Name(), ".") {
			return fs.SkipDir
		}
		if !e.IsDir() && p != SettingsFile && (path.Ext(p) == ".yaml" || path.Ext(p) == ".yml") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return repo, fmt.Errorf("reading policies directory %s: %w", prefix, err)
	}
	if len(files) == 0 {
		return repo, fmt.Errorf("no policy files (*.yaml, *.yml) in %s: point --policies at the directory holding them", prefix)
	}

	var problems []Problem
	if data, err := readCapped(fsys, SettingsFile); err == nil {
		var ps []Problem
		repo.Settings, ps = ParseSettings(filepath.Join(prefix, SettingsFile), data)
		problems = append(problems, ps...)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return repo, fmt.Errorf("reading %s: %w", filepath.Join(prefix, SettingsFile), err)
	}
	parsed, err := parseFiles(fsys, prefix, files)
	if err != nil {
		return repo, err
	}
	for _, pf := range parsed {
		repo.Policies = append(repo.Policies, pf.policies...)
		problems = append(problems, pf.problems...)
	}
	problems = append(problems, duplicateNames(repo.Policies)...)
	if len(problems) > 0 {
		return repo, &LoadError{Problems: problems}
	}
	if len(repo.Policies) == 0 {
		return repo, fmt.Errorf("no policies in %s: the YAML files hold no documents", prefix)
	}
	return repo, nil
}

// parsedFile is one file's policies and problems.
type parsedFile struct {
	policies []Policy
	problems []Problem
}

// parseFiles reads and parses files concurrently, one worker per CPU, and
// returns them in the order given, so output never depends on scheduling.
func parseFiles(fsys fs.FS, prefix string, files []string) ([]parsedFile, error) {
	out := make([]parsedFile, len(files))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, f := range files {
		g.Go(func() error {
			name := filepath.Join(prefix, filepath.FromSlash(f))
			data, err := readCapped(fsys, f)
			if err != nil {
				return fmt.Errorf("reading %s: %w", name, err)
			}
			out[i].policies, out[i].problems = ParsePolicies(name, data)
			return nil
		})
	}
	return out, g.Wait()
}

// readCapped reads a file, but no more than one byte over MaxFileSize, so a
// huge file costs nothing and is still reported as too large.
func readCapped(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxFileSize+1))
}

// duplicateNames reports every policy whose name an earlier
// one already uses: names are the policies' identity in Genesys Cloud.
func duplicateNames(ps []Policy) []Problem {
	first := make(map[string]Source, len(ps))
	var out []Problem
	for _, p := range ps {
		if p.Name == "" {
			continue // reported by the policy.required rule
		}
		if prev, ok := first[p.Name]; ok {
			out = append(out, Problem{Rule: "policy.duplicate-name", File: p.Source.File, Line: p.Source.Line, Policy: p.Name,
				Message: fmt.Sprintf("policy name %q is already used at %s:%d: names must be unique", p.Name, prev.File, prev.Line)})
			continue
		}
		first[p.Name] = p.Source
	}
	return out
}
