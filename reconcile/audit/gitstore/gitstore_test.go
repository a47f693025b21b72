package gitstore

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/redact"
)

// hermetic keeps the machine's git configuration out of the tests.
func hermetic(t *testing.T) {
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
}

func run(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// remoteAndClone makes a bare repository (the remote) with a main branch,
// and returns it and a function that clones it, as a CI checkout does.
func remoteAndClone(t *testing.T) (string, func() string) {
	t.Helper()
	hermetic(t)
	root := t.TempDir()
	bare := filepath.Join(root, "remote.git")
	run(t, root, "init", "--quiet", "--bare", "-b", "main", bare)
	seed := filepath.Join(root, "seed")
	run(t, root, "clone", "--quiet", bare, seed)
	os.WriteFile(filepath.Join(seed, "README"), []byte("policies\n"), 0o644)
	run(t, seed, "add", "README")
	run(t, seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "init")
	run(t, seed, "push", "--quiet", "origin", "main")
	n := 0
	var mu sync.Mutex
	return bare, func() string {
		mu.Lock()
		n++
		dir := filepath.Join(root, "clone"+string(rune('a'+n)))
		mu.Unlock()
		run(t, root, "clone", "--quiet", bare, dir)
		return dir
	}
}

// record appends a run of n events to the log at path.
func record(t *testing.T, path string, n int) {
	t.Helper()
	l, err := audit.Open(path, audit.WithMasker(redact.New()), audit.WithCI(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := range n {
		if err := l.Record(context.Background(), audit.Event{Type: audit.JobFulfilled, Policy: "p", Message: strings.Repeat("x", i), Outcome: audit.Success}); err != nil {
			t.Fatal(err)
		}
	}
}

func verified(t *testing.T, data []byte) audit.Verification {
	t.Helper()
	v, err := audit.Verify(bytes.NewReader(data), nil)
	if err != nil || !v.OK() {
		t.Fatalf("the branch's log does not verify: %v %v", err, v.Problems)
	}
	return v
}

func store(dir, lineage string) Store {
	return Store{Dir: dir, Remote: "origin", Branch: "retainctl-audit", Lineage: lineage}
}

func TestPublishAndRestoreAfterAWipedCache(t *testing.T) {
	bare, clone := remoteAndClone(t)
	ctx := context.Background()
	work := clone()
	log := filepath.Join(work, "audit", "retainctl-audit.jsonl")
	record(t, log, 3)
	s := store(work, "enforce")
	first, err := s.Publish(ctx, TrailFiles(log))
	if err != nil || first.Appended != 3 || first.Commit == "" {
		t.Fatalf("%+v %v", first, err)
	}
	if again, err := s.Publish(ctx, TrailFiles(log)); err != nil || again.Appended != 0 || again.Commit != first.Commit {
		t.Fatalf("publishing nothing new: %+v %v", again, err)
	}
	if run(t, work, "status", "--porcelain") != "?? audit/" || run(t, work, "rev-parse", "--abbrev-ref", "HEAD") != "main" {
		t.Fatal("publishing touched the work tree or the checkout")
	}

	// The cache is gone: a fresh checkout restores the log from the branch,
	// the next run continues its chain, and the branch takes its lines.
	fresh := clone()
	flog := filepath.Join(fresh, "audit", "retainctl-audit.jsonl")
	if res, err := store(fresh, "enforce").Restore(ctx, TrailFiles(flog)); err != nil || res.Appended == 0 {
		t.Fatalf("restore: %+v %v", res, err)
	}
	want, _ := os.ReadFile(log)
	if got, _ := os.ReadFile(flog); !bytes.Equal(got, want) {
		t.Fatalf("restored log differs:\n%s\nwant\n%s", got, want)
	}
	record(t, flog, 2)
	second, err := store(fresh, "enforce").Publish(ctx, TrailFiles(flog))
	if err != nil || second.Appended != 2 {
		t.Fatalf("%+v %v", second, err)
	}
	if v := verified(t, []byte(run(t, bare, "show", "retainctl-audit:enforce/retainctl-audit.jsonl"))); v.HeadSeq != 5 {
		t.Fatalf("head %d", v.HeadSeq)
	}
	run(t, bare, "merge-base", "--is-ancestor", first.Commit, second.Commit) // fast-forward only
	if res, err := store(t.TempDir(), "x").Restore(ctx, nil); err == nil {
		t.Fatalf("restore outside a repository: %+v", res)
	}
}

// TestConcurrentPublishers: apply and enforce runs on two runners push at
// once, several times each; every push lands, nothing is lost, and the
// branch's history only grows.
func TestConcurrentPublishers(t *testing.T) {
	bare, clone := remoteAndClone(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	var retries atomic.Int64
	logs := map[string]string{}
	for _, lineage := range []string{"apply", "enforce"} {
		work := clone()
		log := filepath.Join(work, "audit", "retainctl-audit.jsonl")
		logs[lineage] = log
		wg.Go(func() {
			for range 4 {
				record(t, log, 2)
				os.WriteFile(log+".delivered", []byte(`{"deliveryId":"`+lineage+`","status":204,"eventIds":[]}`+"\n"), 0o600)
				s := store(work, lineage)
				s.sleep = func(context.Context, time.Duration) error { return nil }
				res, err := s.Publish(ctx, TrailFiles(log))
				if err != nil {
					t.Error(err)
				}
				retries.Add(int64(res.Attempts - 1))
			}
		})
	}
	wg.Wait()
	t.Logf("%d pushes lost a race and were retried", retries.Load())
	for lineage, log := range logs {
		want, _ := os.ReadFile(log)
		got := run(t, bare, "show", "retainctl-audit:"+lineage+"/retainctl-audit.jsonl")
		if got != strings.TrimSpace(string(want)) {
			t.Errorf("%s: the branch's log is not the runner's", lineage)
		}
		if v := verified(t, []byte(got)); v.HeadSeq != 8 {
			t.Errorf("%s: head %d", lineage, v.HeadSeq)
		}
	}
	if n := run(t, bare, "rev-list", "--count", "retainctl-audit"); n != "8" {
		t.Errorf("%s commits on the branch, want 8 (one per publish)", n)
	}
	if merges := run(t, bare, "rev-list", "--merges", "retainctl-audit"); merges != "" {
		t.Errorf("merge commits: %s", merges)
	}
}

// TestAForkIsKeptAndReported: two runs of one lineage that wrote at once
// both land; the branch's chain breaks where the second begins.
func TestAForkIsKeptAndReported(t *testing.T) {
	bare, clone := remoteAndClone(t)
	ctx := context.Background()
	a, b := clone(), clone()
	la, lb := filepath.Join(a, "log.jsonl"), filepath.Join(b, "log.jsonl")
	record(t, la, 2)
	if _, err := store(a, "apply").Publish(ctx, TrailFiles(la)); err != nil {
		t.Fatal(err)
	}
	if _, err := store(b, "apply").Restore(ctx, TrailFiles(lb)); err != nil {
		t.Fatal(err)
	}
	record(t, la, 1)
	record(t, lb, 1)
	for _, w := range []struct{ dir, log string }{{a, la}, {b, lb}} {
		if _, err := store(w.dir, "apply").Publish(ctx, TrailFiles(w.log)); err != nil {
			t.Fatal(err)
		}
	}
	got := run(t, bare, "show", "retainctl-audit:apply/log.jsonl")
	v, _ := audit.Verify(strings.NewReader(got), nil)
	if v.Events != 4 || v.OK() || v.Problems[0].Line != 4 {
		t.Fatalf("%+v", v)
	}
}

func TestStoreRefusesBadNames(t *testing.T) {
	for _, s := range []Store{
		{Dir: ".", Remote: "origin", Branch: "retainctl-audit", Lineage: "../x"},
		{Dir: ".", Remote: "origin", Branch: "bad..branch", Lineage: "apply"},
		{Dir: ".", Remote: "--upload-pack=x", Branch: "b", Lineage: "apply"},
	} {
		if _, err := s.Publish(context.Background(), nil); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
	if got := stripCredentials("fatal: unable to access 'https://x-access-token:ghs_secret@github.com/a/b/'"); strings.Contains(got, "ghs_secret") {
		t.Error(got)
	}
}

// A push the remote refuses for good (here a hook, as branch protection
// does) fails at once, saying so, rather than being retried as a race.
func TestRefusedPushIsNotRetried(t *testing.T) {
	bare, clone := remoteAndClone(t)
	hook := filepath.Join(bare, "hooks", "pre-receive")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	work := clone()
	log := filepath.Join(work, "audit", "retainctl-audit.jsonl")
	record(t, log, 1)
	s := store(work, "apply")
	pauses := 0
	s.sleep = func(context.Context, time.Duration) error { pauses++; return nil }
	res, err := s.Publish(context.Background(), TrailFiles(log))
	if err == nil || res.Attempts != 1 || pauses != 0 || !strings.Contains(err.Error(), "refused the push") || !strings.Contains(err.Error(), "contents: write") {
		t.Fatalf("attempts %d, pauses %d, err %v", res.Attempts, pauses, err)
	}
}
