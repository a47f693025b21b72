//go:build workflows

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// policyRepo is the adopting repository: a bare remote (what GitHub
// hosts, and what checkout clones) and a developer's clone that commits
// and pushes to it.
type policyRepo struct {
	t    *testing.T
	root string // what GitHub serves over HTTP
	bare string
	work string
}

// newPolicyRepo pushes main's first commit: the files of dir, with each
// @NAME@ of vars replaced.
func newPolicyRepo(t *testing.T, dir string, vars map[string]string) *policyRepo {
	root := t.TempDir()
	// Where ghServer's git endpoint finds it: <root>/<owner>/<name>.
	r := &policyRepo{t: t, root: filepath.Join(root, "hosted"), bare: filepath.Join(root, "hosted", wfRepo), work: filepath.Join(root, "clone")}
	r.git(root, "init", "--quiet", "--bare", "--initial-branch=main", r.bare)
	// checkout fetches commits by sha, as GitHub's remote allows; pushes
	// over HTTP are authorised by ghServer, not by git.
	r.git(r.bare, "config", "uploadpack.allowAnySHA1InWant", "true")
	r.git(r.bare, "config", "http.receivepack", "true")
	r.git(root, "clone", "--quiet", r.bare, r.work)
	r.git(r.work, "checkout", "--quiet", "-b", "main")
	var pairs []string
	for k, v := range vars {
		pairs = append(pairs, "@"+k+"@", v)
	}
	expand := strings.NewReplacer(pairs...)
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		b, err := os.ReadFile(path)
		if err == nil {
			err = os.MkdirAll(filepath.Dir(filepath.Join(r.work, rel)), 0o755)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(r.work, rel), []byte(expand.Replace(string(b))), 0o644)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r.git(r.work, "add", "-A")
	r.git(r.work, "commit", "--quiet", "-m", "policies")
	r.git(r.work, "push", "--quiet", "origin", "main")
	return r
}

func (r *policyRepo) git(dir string, args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Author", "GIT_AUTHOR_EMAIL=author@example.com",
		"GIT_COMMITTER_NAME=Author", "GIT_COMMITTER_EMAIL=author@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// sha is the commit ref names on the remote.
func (r *policyRepo) sha(ref string) string {
	return r.git(r.bare, "rev-parse", ref)
}

// commit writes files on branch (created from main when new; "" deletes
// a file), commits and pushes, and returns the commit.
func (r *policyRepo) commit(branch, msg string, files map[string]string) string {
	r.t.Helper()
	r.git(r.work, "fetch", "--quiet", "origin")
	if r.git(r.work, "ls-remote", "--heads", "origin", branch) == "" {
		r.git(r.work, "checkout", "--quiet", "-B", branch, "origin/main")
	} else {
		r.git(r.work, "checkout", "--quiet", "-B", branch, "origin/"+branch)
	}
	for name, content := range files {
		path := filepath.Join(r.work, name)
		if content == "" {
			r.git(r.work, "rm", "--quiet", name)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
		r.git(r.work, "add", name)
	}
	r.git(r.work, "commit", "--quiet", "-m", msg)
	r.git(r.work, "push", "--quiet", "origin", branch)
	return r.git(r.work, "rev-parse", "HEAD")
}

// testMerge makes GitHub's refs/pull/N/merge: the branch merged into
// main's tip, which is what a pull_request run checks out.
func (r *policyRepo) testMerge(n int, branch string) string {
	r.t.Helper()
	r.git(r.work, "fetch", "--quiet", "origin")
	r.git(r.work, "checkout", "--quiet", "--detach", "origin/main")
	r.git(r.work, "merge", "--quiet", "--no-ff", "-m", "Merge "+branch+" into main", "origin/"+branch)
	sha := r.git(r.work, "rev-parse", "HEAD")
	r.git(r.work, "push", "--quiet", "--force", "origin", "HEAD:refs/pull/"+strconv.Itoa(n)+"/merge")
	return sha
}

// merge merges the branch into main with a merge commit, as the merge
// button does, and returns main before and after.
func (r *policyRepo) merge(n int, branch string) (before, after string) {
	r.t.Helper()
	before = r.sha("main")
	r.git(r.work, "fetch", "--quiet", "origin")
	r.git(r.work, "checkout", "--quiet", "-B", "main", "origin/main")
	r.git(r.work, "merge", "--quiet", "--no-ff", "-m", "Merge pull request #"+strconv.Itoa(n)+" from "+branch, "origin/"+branch)
	r.git(r.work, "push", "--quiet", "origin", "main")
	return before, r.sha("main")
}

// branchCommits lists the commits of branch that main lacks.
func (r *policyRepo) branchCommits(branch string) []string {
	out := r.git(r.bare, "rev-list", branch, "^main")
	return strings.Fields(out)
}
