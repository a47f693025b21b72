package policy

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// A policies directory is read for regular files only: a symbolic link
// (which could show another file's lines in the findings) and a named pipe
// (which would block the run for ever) are refused by name, unopened.
func TestOnlyRegularFilesAreRead(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secret, []byte("password: hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ok.yaml"), []byte("name: a\nobjectType: call\nretentionPeriod: 90\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, link := range []string{"leak.yaml", SettingsFile} {
		if err := os.Symlink(secret, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.yml"), 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	repo, err := Load(dir)
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want a LoadError", err)
	}
	got := map[string]string{}
	for _, p := range le.Problems {
		got[filepath.Base(p.File)] = p.Rule + ": " + p.Message
		if strings.Contains(p.Message, "hunter2") {
			t.Errorf("a finding shows the linked file: %s", p.Message)
		}
	}
	if !strings.Contains(got["leak.yaml"], "file.type: a symbolic link") || !strings.Contains(got[SettingsFile], "a symbolic link") ||
		!strings.Contains(got["pipe.yml"], "a named pipe") || len(got) != 3 {
		t.Errorf("problems %v", got)
	}
	if len(repo.Policies) != 1 || repo.Settings.LicenseTier != DefaultSettings().LicenseTier {
		t.Errorf("the regular file should still load, with default settings: %+v", repo)
	}
}

// LoadSettings, which `audit flush` uses, reads the settings file the same
// way: a link is refused, and so is a file over the size limit.
func TestLoadSettingsReadsOnlyARegularFile(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secret, []byte("password: hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(dir, SettingsFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSettings(dir); err == nil || !strings.Contains(err.Error(), "a symbolic link") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("link: err = %v", err)
	}
	huge := t.TempDir()
	if err := os.WriteFile(filepath.Join(huge, SettingsFile), []byte("prune: false\n"+strings.Repeat("#", 2*MaxFileSize)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSettings(huge); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("huge: err = %v", err)
	}
	if s, err := LoadSettings(filepath.Join(dir, "missing")); err != nil || s.LicenseTier != DefaultSettings().LicenseTier {
		t.Errorf("missing directory: %v", err)
	}
}

// A number as large as 1e308 is finite, but storage arithmetic on it is not:
// it is refused at its line.
func TestHugeNumbersAreRefused(t *testing.T) {
	ps, problems := ParsePolicies("p.yaml", []byte("name: a\nobjectType: call\nretentionPeriod: 90\ndailyVolumeGB: 1e308\n"))
	if len(problems) != 1 || problems[0].Rule != "yaml.range" || problems[0].Line != 4 {
		t.Errorf("problems %+v, policies %+v", problems, ps)
	}
	_, problems = ParseSettings("retainctl.yaml", []byte("estimates: {multipliers: {call: 1e12}}\n"))
	if len(problems) != 1 || problems[0].Rule != "yaml.range" {
		t.Errorf("settings problems %+v", problems)
	}
}

// A directory over its limits is refused before its files are read, naming
// the limit and how to raise it; too many policies are cut at the limit.
func TestRepositoryLimits(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a", "b", "c"} {
		doc := "name: " + n + "\nobjectType: call\nretentionPeriod: 90\n---\nname: " + n + "2\nobjectType: call\nretentionPeriod: 90\n"
		if err := os.WriteFile(filepath.Join(dir, n+".yaml"), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	settings := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, SettingsFile), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ settings, rule, says string }{
		{"limits: {maxFiles: 2}\n", "file.count", "raise limits.maxFiles"},
		{"limits: {maxBytes: 100}\n", "file.total-size", "limits.maxBytes (100)"},
		{"limits: {maxPolicies: 4}\n", "policy.count", "6 policies, more than limits.maxPolicies (4)"},
	} {
		settings(tc.settings)
		repo, err := Load(dir)
		var le *LoadError
		if !errors.As(err, &le) || !slices.ContainsFunc(le.Problems, func(p Problem) bool { return p.Rule == tc.rule && strings.Contains(p.Message, tc.says) }) {
			t.Errorf("%s: %v", tc.settings, err)
		}
		if tc.rule == "policy.count" && len(repo.Policies) != 4 {
			t.Errorf("%d policies kept past the limit", len(repo.Policies))
		}
	}
}
