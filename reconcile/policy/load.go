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
	"unicode/utf8"

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
	// A root keeps every open inside dir, whatever links the tree holds.
	root, err := os.OpenRoot(dir)
	if err != nil {
		return Repo{}, fmt.Errorf("policies directory %s: %w", dir, err)
	}
	defer root.Close()
	repo, err := LoadFS(root.FS(), dir)
	var le *LoadError
	if len(repo.Settings.Include) == 0 || (err != nil && !errors.As(err, &le)) {
		return repo, err
	}
	if ps := includes(&repo); len(ps) > 0 {
		if le == nil {
			le = &LoadError{}
		}
		le.Problems = append(le.Problems, ps...)
		return repo, le
	}
	return repo, err
}

// LoadFS reads the policies in fsys; prefix is joined to the file names in
// Source and messages, so they are relative to where the user stands.
func LoadFS(fsys fs.FS, prefix string) (Repo, error) {
	repo := Repo{Dir: prefix, Settings: DefaultSettings()}
	var files, holdFiles []string
	var problems []Problem
	settings := false
	err := fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case e.IsDir() && p != "." && strings.HasPrefix(e.Name(), "."):
			return fs.SkipDir
		case e.IsDir() || (p != SettingsFile && path.Ext(p) != ".yaml" && path.Ext(p) != ".yml"):
			return nil
		case !e.Type().IsRegular():
			// Never opened: a link could show another file's lines in the
			// findings, and a named pipe would block the run for ever.
			problems = append(problems, Problem{Rule: "file.type", File: filepath.Join(prefix, filepath.FromSlash(p)), Line: 1,
				Message: fmt.Sprintf("%s: retainctl reads only regular files; replace it with the file itself", kindOf(e.Type()))})
		case p == SettingsFile:
			settings = true
		case isHoldFile(p):
			holdFiles = append(holdFiles, p)
		default:
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return repo, fmt.Errorf("reading policies directory %s: %w", prefix, err)
	}
	if len(files) == 0 && len(holdFiles) == 0 && len(problems) == 0 && !settings {
		return repo, fmt.Errorf("no policy files (*.yaml, *.yml) in %s: point --policies at the directory holding them", prefix)
	}
	if settings {
		data, err := readCapped(fsys, SettingsFile)
		if err != nil {
			return repo, fmt.Errorf("reading %s: %w", filepath.Join(prefix, SettingsFile), err)
		}
		var ps []Problem
		repo.Settings, ps = ParseSettings(filepath.Join(prefix, SettingsFile), data)
		problems = append(problems, ps...)
	}
	limits := repo.Settings.Limits.Capped()
	if over := overLimits(fsys, prefix, append(files, holdFiles...), limits); over != nil {
		return repo, &LoadError{Problems: append(problems, *over)}
	}
	parsed, err := parseFiles(fsys, prefix, files)
	if err != nil {
		return repo, err
	}
	for _, pf := range parsed {
		repo.Policies = append(repo.Policies, pf.policies...)
		problems = append(problems, pf.problems...)
	}
	if lim := limits.MaxPolicies; len(repo.Policies) > lim {
		problems = append(problems, limitProblem(prefix, "policy.count", fmt.Sprintf("%d policies", len(repo.Policies)), "maxPolicies", lim, LimitCeiling.MaxPolicies))
		repo.Policies = repo.Policies[:lim]
	}
	problems = append(problems, duplicateNames(repo.Policies)...)
	var ps []Problem
	repo.Holds, ps = loadHolds(fsys, prefix, holdFiles)
	problems = append(problems, ps...)
	if len(problems) > 0 {
		return repo, &LoadError{Problems: problems}
	}
	if len(repo.Policies) == 0 && len(repo.Holds) == 0 && len(repo.Settings.Include) == 0 {
		return repo, fmt.Errorf("no policies in %s: the YAML files hold no documents", prefix)
	}
	return repo, nil
}

// overLimits checks, before reading any policy file, that the directory
// holds no more files or bytes than the settings' limits allow.
func overLimits(fsys fs.FS, prefix string, files []string, lim Limits) *Problem {
	if len(files) > lim.MaxFiles {
		p := limitProblem(prefix, "file.count", fmt.Sprintf("%d policy files", len(files)), "maxFiles", lim.MaxFiles, LimitCeiling.MaxFiles)
		return &p
	}
	total := int64(0)
	for _, f := range files {
		if info, err := fs.Stat(fsys, f); err == nil {
			total += info.Size()
		}
	}
	if total > int64(lim.MaxBytes) {
		p := limitProblem(prefix, "file.total-size", fmt.Sprintf("%d bytes of policy files", total), "maxBytes", lim.MaxBytes, LimitCeiling.MaxBytes)
		return &p
	}
	return nil
}

func limitProblem(dir, rule, what, key string, limit, ceiling int) Problem {
	return Problem{Rule: rule, File: filepath.Join(dir, SettingsFile), Line: 1,
		Message: fmt.Sprintf("%s, more than limits.%s (%d): nothing past the limit is read; split the repository, or raise limits.%s in %s (to at most %d)", what, key, limit, key, SettingsFile, ceiling)}
}

// kindOf names a file that is not a regular one.
func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
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

// duplicateNames reports every policy whose name an earlier one already
// uses, or one that reads the same (NameKey: case, width, white space —
// Genesys refuses a second name differing only in case, so each apply would
// fail), and names that mix scripts to look like another: names are the
// policies' identity in Genesys Cloud and in review.
func duplicateNames(ps []Policy) []Problem {
	first := make(map[string]Policy, len(ps))
	var out []Problem
	for _, p := range ps {
		if p.Name == "" {
			continue // reported by the policy.required rule
		}
		if !printableASCII(p.Name) { // a printable ASCII name is neither invisible nor mixed
			out = append(out, lookalikeName(p)...)
		}
		key := NameKey(p.Name)
		prev, ok := first[key]
		switch {
		case !ok:
			first[key] = p
		case prev.Name == p.Name:
			out = append(out, Problem{Rule: "policy.duplicate-name", File: p.Source.File, Line: p.Source.Line, Policy: p.Name,
				Message: fmt.Sprintf("policy name %q is already used at %s:%d: names must be unique", p.Name, prev.Source.File, prev.Source.Line)})
		default:
			out = append(out, Problem{Rule: "policy.duplicate-name", File: p.Source.File, Line: p.Source.Line, Policy: p.Name,
				Message: fmt.Sprintf("policy name %q reads the same as %q at %s:%d (case, width, spacing or invisible characters): Genesys treats them as one name; rename one", p.Name, prev.Name, prev.Source.File, prev.Source.Line)})
		}
	}
	return out
}

// lookalikeName reports a name that holds an invisible character or mixes
// scripts, so that it can pass for another.
func lookalikeName(p Policy) []Problem {
	var out []Problem
	if i := strings.IndexFunc(p.Name, Invisible); i >= 0 {
		r, _ := utf8.DecodeRuneInString(p.Name[i:])
		out = append(out, Problem{Rule: "policy.invisible-name", File: p.Source.File, Line: p.Source.LineOf("name"), Policy: p.Name,
			Message: fmt.Sprintf("policy name %q holds the invisible character %U, so it can pass for another name: remove it", p.Name, r)})
	}
	if mixed := MixedScripts(p.Name); mixed != nil {
		out = append(out, Problem{Rule: "policy.mixed-script-name", File: p.Source.File, Line: p.Source.LineOf("name"), Policy: p.Name,
			Message: fmt.Sprintf("policy name %q mixes %s letters, so it can pass for another name: write it in one script", p.Name, strings.Join(mixed, " and "))})
	}
	return out
}

// LoadSettings reads only the settings file of a policies directory (the
// defaults when there is none), as `audit flush` needs while policy files
// may still be broken. It reads the way Load does: only a regular file,
// inside dir, capped.
func LoadSettings(dir string) (Settings, error) {
	file := filepath.Join(dir, SettingsFile)
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return DefaultSettings(), nil
	}
	if err != nil {
		return DefaultSettings(), fmt.Errorf("policies directory %s: %w", dir, err)
	}
	defer root.Close()
	info, err := root.Lstat(SettingsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return DefaultSettings(), nil
	}
	if err != nil {
		return DefaultSettings(), fmt.Errorf("reading settings: %w", err)
	}
	if !info.Mode().IsRegular() {
		return DefaultSettings(), fmt.Errorf("%s is %s: retainctl reads only regular files; replace it with the file itself", file, kindOf(info.Mode()))
	}
	data, err := readCapped(root.FS(), SettingsFile)
	if err != nil {
		return DefaultSettings(), fmt.Errorf("reading settings: %w", err)
	}
	s, problems := ParseSettings(file, data)
	if len(problems) > 0 {
		return s, &LoadError{Problems: problems}
	}
	return s, nil
}
