//go:build workflows

package main

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// The actions the workflows use, done locally: checkout clones the test's
// repository, artifacts and caches are copied to the world's store, and
// retainctl/retainctl is this repository's own action.yml, run as the
// composite action it is. Any other action fails the test: a new step is
// taught to the runner, never skipped.
func (m *jobMachine) uses(sc *scope, st wfStep, env map[string]string) (map[string]string, error) {
	name, ref, _ := strings.Cut(st.Uses, "@")
	e := m.expr(sc)
	with := map[string]string{}
	for k, v := range st.With {
		with[k] = m.w.must(e.interpolate(v))
	}
	known := map[string][]string{
		"actions/checkout":          {"fetch-depth", "persist-credentials", "ref"},
		"actions/setup-go":          {"go-version-file", "go-version", "cache"},
		"actions/upload-artifact":   {"name", "path", "retention-days", "if-no-files-found"},
		"actions/download-artifact": {"name", "path"},
		"actions/cache/restore":     {"path", "key", "restore-keys"},
		"actions/cache/save":        {"path", "key"},
	}
	if keys, ok := known[name]; ok {
		for k := range with {
			if !slices.Contains(keys, k) {
				m.w.t.Fatalf("step %q: %s with %s: not supported by this runner", stepName(st), name, k)
			}
		}
	}
	switch name {
	case "actions/checkout":
		return nil, m.checkout(with)
	case "actions/setup-go":
		return nil, nil // the machine's Go (the action's own build is not exercised)
	case "actions/upload-artifact":
		return nil, m.uploadArtifact(with)
	case "actions/download-artifact":
		return nil, copyTree(filepath.Join(m.w.store, fmt.Sprintf("run%d", m.run.id), "artifacts", with["name"]), m.inWorkspace(with["path"]))
	case "actions/cache/restore":
		return m.cacheRestore(with)
	case "actions/cache/save":
		return nil, m.cacheSave(with)
	case "retainctl/retainctl":
		return m.composite(sc, ref, with, env)
	}
	m.w.t.Fatalf("step %q uses %s: this runner does not know that action; teach it in workflow_actions_test.go", stepName(st), st.Uses)
	return nil, nil
}

func (m *jobMachine) inWorkspace(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return filepath.Join(m.workspace, filepath.Clean("/"+p))
	}
	return filepath.Join(m.workspace, p)
}

// checkout fetches GITHUB_SHA from the repository's remote, as
// actions/checkout does: one commit deep unless fetch-depth is 0; a push's
// branch checked out by name, a pull request's merge commit detached.
func (m *jobMachine) checkout(with map[string]string) error {
	sha := m.ev.sha
	if with["ref"] != "" {
		sha = with["ref"]
	}
	fetch := []string{"fetch", "--no-tags", "--quiet", "origin"}
	if d := with["fetch-depth"]; d != "0" {
		fetch = append(fetch, "--depth="+cmp.Or(d, "1"))
	} else {
		fetch = append(fetch, "+refs/heads/*:refs/remotes/origin/*")
	}
	fetch = append(fetch, sha)
	// The job's token authenticates the fetch; persist-credentials: false
	// leaves it out of .git/config, so later steps must bring their own.
	server := m.w.gh.URL
	header := "AUTHORIZATION: basic " + base64.StdEncoding.EncodeToString([]byte("x-access-token:"+m.token))
	fetch = append([]string{"-c", "http." + server + "/.extraheader=" + header}, fetch...)
	steps := [][]string{{"init", "--quiet", "."}, {"remote", "add", "origin", server + "/" + wfRepo}, fetch}
	if with["persist-credentials"] != "false" {
		steps = append(steps, []string{"config", "--local", "http." + server + "/.extraheader", header})
	}
	if branch, ok := strings.CutPrefix(m.ev.ref, "refs/heads/"); ok {
		steps = append(steps, []string{"checkout", "--quiet", "--force", "-B", branch, sha})
	} else {
		steps = append(steps, []string{"checkout", "--quiet", "--force", "--detach", sha})
	}
	for _, args := range steps {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = m.workspace, m.processEnv(&scope{}, nil, nil)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %v: %v: %s", args, err, out)
		}
	}
	return nil
}

// uploadArtifact keeps path under the run's artifacts. As with
// upload-artifact@v4, a name is uploaded once per run.
func (m *jobMachine) uploadArtifact(with map[string]string) error {
	dst := filepath.Join(m.w.store, fmt.Sprintf("run%d", m.run.id), "artifacts", with["name"])
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("upload-artifact: an artifact named %q was uploaded by this run already (409 Conflict)", with["name"])
	}
	src := m.inWorkspace(with["path"])
	if _, err := os.Stat(src); err != nil {
		switch cmp.Or(with["if-no-files-found"], "warn") {
		case "error":
			return fmt.Errorf("upload-artifact: no files found at %s", with["path"])
		case "warn":
			fmt.Fprintf(&m.res.log, "::warning::No files were found with the provided path: %s. No artifacts will be uploaded.\n", with["path"])
		}
		return nil
	}
	// As upload-artifact: a directory's files sit at the artifact's root.
	if info, _ := os.Stat(src); info.IsDir() {
		return copyTree(src, dst)
	}
	return copyTree(src, filepath.Join(dst, filepath.Base(src)))
}

// cacheRestore restores the cache saved under key, else the newest one
// whose key starts with a restore-keys line.
func (m *jobMachine) cacheRestore(with map[string]string) (map[string]string, error) {
	caches := filepath.Join(m.w.store, "caches")
	entries, _ := os.ReadDir(caches)
	sort.Slice(entries, func(i, j int) bool {
		a, _ := entries[i].Info()
		b, _ := entries[j].Info()
		return a.ModTime().After(b.ModTime())
	})
	hit := ""
	if _, err := os.Stat(filepath.Join(caches, url.PathEscape(with["key"]))); err == nil {
		hit = with["key"]
	}
	for prefix := range strings.SplitSeq(with["restore-keys"], "\n") {
		for _, e := range entries {
			key, _ := url.PathUnescape(e.Name())
			if hit == "" && strings.TrimSpace(prefix) != "" && strings.HasPrefix(key, strings.TrimSpace(prefix)) {
				hit = key
			}
		}
	}
	if hit == "" {
		fmt.Fprintf(&m.res.log, "Cache not found for input keys: %s\n", with["key"])
		return map[string]string{"cache-hit": "false"}, nil
	}
	err := copyTree(filepath.Join(caches, url.PathEscape(hit), "data"), m.inWorkspace(with["path"]))
	return map[string]string{"cache-hit": fmt.Sprint(hit == with["key"]), "cache-matched-key": hit}, err
}

// cacheSave saves path under key; as with actions/cache, a key is never
// overwritten and a missing path is a warning.
func (m *jobMachine) cacheSave(with map[string]string) error {
	dst := filepath.Join(m.w.store, "caches", url.PathEscape(with["key"])) // a key may hold "/"
	src := m.inWorkspace(with["path"])
	if _, err := os.Stat(dst); err == nil {
		fmt.Fprintf(&m.res.log, "::warning::Failed to save: cache %s exists already\n", with["key"])
		return nil
	}
	if _, err := os.Stat(src); err != nil {
		fmt.Fprintf(&m.res.log, "::warning::Path Validation Error: %s does not exist, hence no cache is being saved.\n", with["path"])
		return nil
	}
	return copyTree(src, filepath.Join(dst, "data"))
}

// composite runs this repository's action.yml at ref: its inputs, its
// steps in a scope of their own (with the uses: step's env), its outputs.
func (m *jobMachine) composite(outer *scope, ref string, with, env map[string]string) (map[string]string, error) {
	var a actionFile
	if err := decodeStrict(filepath.Join(m.w.root, "action.yml"), &a); err != nil {
		m.w.t.Fatal(err)
	}
	if a.Runs.Using != "composite" {
		m.w.t.Fatalf("action.yml runs using %q: this runner runs composite actions", a.Runs.Using)
	}
	inputs := map[string]any{}
	for name, in := range a.Inputs {
		v, given := with[name]
		if !given {
			v = in.Default
		}
		if in.Required && v == "" {
			return nil, fmt.Errorf("input required and not supplied: %s", name)
		}
		inputs[name] = v
	}
	for name := range with {
		if _, ok := a.Inputs[name]; !ok {
			m.w.t.Fatalf("retainctl/retainctl@%s: unexpected input %q", ref, name)
		}
	}
	github := maps.Clone(outer.contexts["github"].(map[string]any))
	github["action_path"], github["action_repository"], github["action_ref"] = m.w.root, "retainctl/retainctl", ref
	contexts := maps.Clone(outer.contexts)
	contexts["github"], contexts["inputs"] = github, inputs
	delete(contexts, "matrix")
	delete(contexts, "needs")
	delete(contexts, "secrets") // a composite action sees no secrets context
	inner := &scope{contexts: contexts, steps: map[string]any{}, env: maps.Clone(env), status: "success", action: true}
	status := m.runSteps(inner, a.Runs.Steps)
	outputs := map[string]string{}
	for name, o := range a.Outputs {
		outputs[name] = m.w.must(m.expr(inner).interpolate(o.Value))
	}
	if status != "success" {
		return outputs, fmt.Errorf("retainctl/retainctl@%s: a step failed", ref)
	}
	return outputs, nil
}

// copyTree copies a file or a directory to dst.
func copyTree(src, dst string) error {
	info, err := os.Stat(src)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, info.Mode())
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	return os.CopyFS(dst, os.DirFS(src))
}

// artifactFiles lists the files of a run's artifact, relative to it.
func (w *wfWorld) artifactFiles(r *wfRun, name string) []string {
	root := filepath.Join(w.store, fmt.Sprintf("run%d", r.id), "artifacts", name)
	var out []string
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// artifact returns the content of a file of a run's artifact ("" if none).
func (w *wfWorld) artifact(r *wfRun, name, file string) string {
	b, _ := os.ReadFile(filepath.Join(w.store, fmt.Sprintf("run%d", r.id), "artifacts", name, file))
	return string(b)
}
