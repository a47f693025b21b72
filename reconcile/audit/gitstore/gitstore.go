// Package gitstore keeps the audit trail on a dedicated Git branch (for
// example retainctl-audit), so that losing a CI cache loses nothing: Publish
// appends what a run wrote, Restore brings the branch's copy back before the
// next run. The branch is only ever fast-forwarded: a push that loses a race
// fetches again and re-merges, and no history is rewritten. Both work with
// git plumbing in a temporary index, so the work tree and the checked-out
// branch are never touched.
package gitstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/wait"
)

// maxFile bounds a file read from the branch.
const maxFile = 1 << 30

// Kind says how two copies of a file merge.
type Kind int

// Kinds of file.
const (
	Log       Kind = iota // the audit log: events appended in chain order (audit.MergeLog)
	Delivered             // delivery records: union of lines (audit.MergeLines)
	Once                  // written once, never changed (run reports): kept if present
)

// File is one file of the trail: where it is locally, its name in the
// lineage's folder on the branch, and how it merges.
type File struct {
	Local string
	Name  string
	Kind  Kind
}

// Store is one lineage of the trail (e.g. "apply" or "enforce": each is a
// chain of its own) on a branch of a remote.
type Store struct {
	Dir      string // a Git work tree or repository (the workflow's checkout)
	Remote   string // e.g. origin
	Branch   string // e.g. retainctl-audit
	Lineage  string // folder on the branch
	Attempts int    // push attempts; default 8
	sleep    func(context.Context, time.Duration) error
}

// Result says what Publish or Restore did.
type Result struct {
	Commit   string // the branch's commit afterwards
	Appended int    // lines the other side lacked
	Attempts int    // pushes tried
}

var lineagePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

func (s Store) check() error {
	if !lineagePattern.MatchString(s.Lineage) || strings.Contains(s.Lineage, "..") {
		return fmt.Errorf("audit branch: lineage %q: use letters, digits, '.', '_' or '-' (e.g. apply or enforce)", s.Lineage)
	}
	if s.Branch == "" || strings.HasPrefix(s.Branch, "-") || exec.Command("git", "check-ref-format", "--branch", s.Branch).Run() != nil {
		return fmt.Errorf("audit branch: %q is not a valid branch name", s.Branch)
	}
	if s.Remote == "" || strings.HasPrefix(s.Remote, "-") {
		return fmt.Errorf("audit branch: remote %q is not valid", s.Remote)
	}
	return nil
}

// Publish appends the local files to the lineage's copy on the branch and
// pushes, creating the branch on first use. A push rejected because another
// run pushed first is retried from a fresh fetch, with backoff.
func (s Store) Publish(ctx context.Context, files []File) (Result, error) {
	if err := s.check(); err != nil {
		return Result{}, err
	}
	attempts := cmpOr(s.Attempts, 8)
	var lastErr error
	for attempt := 1; attempt <= attempts; attempt++ {
		res, err := s.publishOnce(ctx, files)
		res.Attempts = attempt
		if err == nil {
			return res, nil
		}
		var pe pushError
		if !errors.As(err, &pe) {
			return res, err
		}
		if refused(err) {
			return res, fmt.Errorf("audit branch %s: the remote refused the push (not a race with another run, so it is not retried): %w; "+
				"the token needs contents: write, and the branch no protection rule that stops it", s.Branch, err)
		}
		lastErr = err
		if attempt < attempts {
			d := time.Duration(50<<min(attempt, 6)) * time.Millisecond
			if err := s.pause(ctx, d/2+rand.N(d/2+1)); err != nil {
				return res, err
			}
		}
	}
	return Result{Attempts: attempts}, fmt.Errorf("audit branch %s: gave up after %d pushes: %w", s.Branch, attempts, lastErr)
}

func (s Store) pause(ctx context.Context, d time.Duration) error {
	if s.sleep != nil {
		return s.sleep(ctx, d)
	}
	return wait.Sleep(ctx, d)
}

type pushError struct{ error }

// refusals are what git prints when a push is refused for good: the
// credentials (HTTP 401/403, a missing permission) or the remote's own
// rules (a hook, GitHub's branch protection: "protected branch hook
// declined"). A push that lost a race ("[rejected]" fetch first or
// non-fast-forward, or "[remote rejected]" failed to update ref) is worth
// retrying, as is a network failure.
var refusals = []string{"returned error: 401", "returned error: 403", "Permission to", "ermission denied",
	"Authentication failed", "hook declined", "could not read Username"}

// refused says a push error is one of refusals.
func refused(err error) bool {
	msg := err.Error()
	for _, r := range refusals {
		if strings.Contains(msg, r) {
			return true
		}
	}
	return false
}

func (s Store) publishOnce(ctx context.Context, files []File) (Result, error) {
	parent, err := s.fetch(ctx)
	if err != nil {
		return Result{}, err
	}
	idx, err := os.CreateTemp("", "retainctl-audit-index-*")
	if err != nil {
		return Result{}, err
	}
	idx.Close()
	os.Remove(idx.Name()) // git wants to create it
	defer os.Remove(idx.Name())
	env := []string{"GIT_INDEX_FILE=" + idx.Name()}
	if parent != "" {
		if _, err := s.git(ctx, env, nil, "read-tree", parent); err != nil {
			return Result{}, err
		}
	}
	var res Result
	for _, f := range files {
		local, err := readLocal(f.Local)
		if err != nil {
			return Result{}, err
		}
		if local == nil {
			continue
		}
		remote, err := s.read(ctx, parent, f.Name)
		if err != nil {
			return Result{}, err
		}
		merged, n := merge(f.Kind, remote, local)
		if remote != nil && n == 0 {
			continue
		}
		if remote == nil {
			n = max(n, 1)
		}
		res.Appended += n
		blob, err := s.git(ctx, nil, merged, "hash-object", "-w", "--stdin")
		if err != nil {
			return Result{}, err
		}
		if _, err := s.git(ctx, env, nil, "update-index", "--add", "--cacheinfo", "100644,"+blob+","+path.Join(s.Lineage, f.Name)); err != nil {
			return Result{}, err
		}
	}
	if res.Appended == 0 {
		res.Commit = parent
		return res, nil
	}
	tree, err := s.git(ctx, env, nil, "write-tree")
	if err != nil {
		return Result{}, err
	}
	args := []string{"commit-tree", tree, "-m", fmt.Sprintf("audit %s: %d lines appended", s.Lineage, res.Appended)}
	if parent != "" {
		args = append(args, "-p", parent)
	}
	commit, err := s.git(ctx, authorEnv(), nil, args...)
	if err != nil {
		return Result{}, err
	}
	// No force: the push only fast-forwards, so history is never rewritten.
	if _, err := s.git(ctx, nil, nil, "push", "--quiet", "--no-verify", s.Remote, commit+":refs/heads/"+s.Branch); err != nil {
		return Result{}, pushError{err}
	}
	res.Commit = commit
	return res, nil
}

// Restore merges the lineage's files on the branch into the local ones: a
// local file missing (a wiped cache) or behind gets the branch's lines, one
// ahead (a push that failed) keeps its own; the branch's order wins. A
// missing branch restores nothing.
func (s Store) Restore(ctx context.Context, files []File) (Result, error) {
	if err := s.check(); err != nil {
		return Result{}, err
	}
	parent, err := s.fetch(ctx)
	if err != nil || parent == "" {
		return Result{}, err
	}
	res := Result{Commit: parent}
	for _, f := range files {
		remote, err := s.read(ctx, parent, f.Name)
		if err != nil {
			return res, err
		}
		if remote == nil {
			continue
		}
		local, err := readLocal(f.Local)
		if err != nil {
			return res, err
		}
		merged, n := merge(f.Kind, remote, local)
		if local == nil {
			n = max(n, 1)
		} else if _, back := merge(f.Kind, local, remote); back == 0 {
			continue // the local copy holds everything the branch does
		}
		if err := writeAtomic(f.Local, merged); err != nil {
			return res, err
		}
		res.Appended += n
	}
	return res, nil
}

// ReportFiles lists the run reports beside the log, as Once files.
func ReportFiles(logPath string) ([]File, error) {
	matches, err := filepath.Glob(filepath.Join(filepath.Dir(logPath), "retainctl-report-*.json"))
	if err != nil {
		return nil, err
	}
	var fs []File
	for _, m := range matches {
		fs = append(fs, File{Local: m, Name: filepath.Base(m), Kind: Once})
	}
	return fs, nil
}

// TrailFiles is the log and its delivery records.
func TrailFiles(logPath string) []File {
	base := filepath.Base(logPath)
	return []File{
		{Local: logPath, Name: base, Kind: Log},
		{Local: logPath + ".delivered", Name: base + ".delivered", Kind: Delivered},
	}
}

func merge(k Kind, base, extra []byte) ([]byte, int) {
	switch {
	case k == Log:
		return audit.MergeLog(base, extra)
	case k == Delivered:
		return audit.MergeLines(base, extra)
	case base != nil:
		return base, 0
	default:
		return extra, 0
	}
}

// fetch brings the branch into a private ref and returns its commit, or ""
// when the remote has no such branch yet.
func (s Store) fetch(ctx context.Context) (string, error) {
	ref := "refs/retainctl-audit/" + s.Lineage
	if _, err := s.git(ctx, nil, nil, "ls-remote", "--exit-code", "--heads", s.Remote, "refs/heads/"+s.Branch); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 2 {
			return "", nil
		}
		return "", err
	}
	if _, err := s.git(ctx, nil, nil, "fetch", "--quiet", "--no-tags", s.Remote, "+refs/heads/"+s.Branch+":"+ref); err != nil {
		return "", err
	}
	return s.git(ctx, nil, nil, "rev-parse", "--verify", ref+"^{commit}")
}

// read returns the lineage's file name at commit, or nil when it has none.
func (s Store) read(ctx context.Context, commit, name string) ([]byte, error) {
	if commit == "" {
		return nil, nil
	}
	spec := commit + ":" + path.Join(s.Lineage, name)
	// Absent only when the tree says so: any other failure must not read
	// as "nothing there", or publish would replace the branch's file with
	// a shorter local one.
	listed, err := s.git(ctx, nil, nil, "ls-tree", "--name-only", commit, "--", path.Join(s.Lineage, name))
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(listed) == "" {
		return nil, nil // not on the branch yet
	}
	size, err := s.git(ctx, nil, nil, "cat-file", "-s", spec)
	if err != nil {
		return nil, err
	}
	var n int64
	if _, err := fmt.Sscan(size, &n); err != nil || n > maxFile {
		return nil, fmt.Errorf("audit branch: %s is %s bytes, more than %d", spec, size, maxFile)
	}
	out, err := s.gitBytes(ctx, nil, nil, "cat-file", "blob", spec)
	if out == nil && err == nil {
		out = []byte{}
	}
	return out, err
}

func (s Store) git(ctx context.Context, env []string, stdin []byte, args ...string) (string, error) {
	out, err := s.gitBytes(ctx, env, stdin, args...)
	return strings.TrimSpace(string(out)), err
}

func (s Store) gitBytes(ctx context.Context, env []string, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", s.Dir}, args...)...)
	cmd.Env = append(append(os.Environ(), "GIT_TERMINAL_PROMPT=0"), env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %s: %w", args[0], stripCredentials(strings.TrimSpace(stderr.String())), err)
	}
	return out, nil
}

var userinfo = regexp.MustCompile(`://[^/@\s]+@`)

// stripCredentials removes user:token@ from URLs git echoes.
func stripCredentials(s string) string { return userinfo.ReplaceAllString(s, "://***@") }

// authorEnv names retainctl as the commits' author and committer unless the
// environment names someone.
func authorEnv() []string {
	var env []string
	for _, kv := range [][2]string{
		{"GIT_AUTHOR_NAME", "retainctl"}, {"GIT_AUTHOR_EMAIL", "retainctl@users.noreply.github.com"},
		{"GIT_COMMITTER_NAME", "retainctl"}, {"GIT_COMMITTER_EMAIL", "retainctl@users.noreply.github.com"},
	} {
		if os.Getenv(kv[0]) == "" {
			env = append(env, kv[0]+"="+kv[1])
		}
	}
	return env
}

// readLocal reads a local file, nil when missing, refusing more than maxFile.
func readLocal(p string) ([]byte, error) {
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > maxFile {
		return nil, fmt.Errorf("audit branch: %s is not a regular file of at most %d bytes", p, maxFile)
	}
	data := make([]byte, st.Size())
	_, err = f.ReadAt(data, 0)
	return data, err
}

// writeAtomic writes data to p through a synced temporary file and a rename.
func writeAtomic(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".restore-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}

func cmpOr(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}
