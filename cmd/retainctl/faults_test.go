//go:build faults

package main

// The fault suite: runs against a simulator that fails, throttles,
// expires tokens and is slow, and kills retainctl at seeded points, then
// checks that the next run converges and that nothing was lost or done
// twice. `.ci/run` runs it with -tags faults; FAULT_SEED picks the kill
// points (default 1).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/enforce"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/sim"
)

// faultyOrg serves a simulator with the given faults and points retainctl
// at it, returning a client that reads it back without the faults.
func faultyOrg(t *testing.T, opts sim.Options) (*sim.Org, *genesys.Client, []string) {
	t.Helper()
	opts.ClientID, opts.ClientSecret = "ci-client", clientSecret
	o := newOrg(t, opts)
	env := map[string]string{"GENESYSCLOUD_API_URL": o.URL, "GENESYSCLOUD_OAUTHCLIENT_ID": "ci-client", "GENESYSCLOUD_OAUTHCLIENT_SECRET": clientSecret}
	var list []string
	for k, v := range env {
		t.Setenv(k, v)
		list = append(list, k+"="+v)
	}
	c, err := genesys.New(genesys.Config{BaseURL: o.URL, ClientID: "ci-client", ClientSecret: clientSecret, MaxRetries: 8})
	if err != nil {
		t.Fatal(err)
	}
	return o.sim, c, list
}

func manyPolicies(t *testing.T, dir string, n int, schedule string) {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "---\nname: Queue %02d chats\nobjectType: chat\nretentionPeriod: %d\nfilters: [{attribute: queue, operator: EQ, value: 00000000-0000-4000-8000-%012d}]\n%s", i, 30+i, i, schedule)
	}
	writeYAML(t, dir, "chats.yaml", b.String())
}

// Under 5xx, short-lived tokens and latency, apply converges in a few
// runs, creates no duplicate, and plans to no change afterwards.
func TestFaultsApplyConverges(t *testing.T) {
	t.Chdir(t.TempDir())
	s, c, _ := faultyOrg(t, sim.Options{FailRate: 0.15, TokenTTL: 2 * time.Second, Latency: 10 * time.Millisecond, Seed: int64(faultSeed(t))})
	manyPolicies(t, "policies", 25, "")
	s.Throttle(5, 1)
	converged := false
	for run := 1; run <= 5 && !converged; run++ {
		code, _, errOut := cli(t, "apply", "--auto-approve")
		t.Logf("apply run %d: exit %d %s", run, code, lastLine(errOut))
		code, _, _ = cli(t, "plan", "--detailed-exitcode")
		converged = code == exitOK
	}
	if !converged {
		t.Fatal("apply did not converge in 5 runs under faults")
	}
	live, err := c.ListPolicies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range live {
		if seen[p.Name] {
			t.Errorf("duplicate policy %q", p.Name)
		}
		seen[p.Name] = true
	}
	if len(live) != 25 {
		t.Errorf("%d live policies, want 25", len(live))
	}
}

// An enforce killed once its jobs exist leaves them running; the next run
// finds them through the audit log, cancels them, enforces, and leaves no
// job active.
func TestFaultsKilledEnforceIsRecovered(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	_, c, env := faultyOrg(t, sim.Options{Latency: 20 * time.Millisecond})
	manyPolicies(t, "policies", 2, "schedule: {frequency: DAILY}\n")
	if code, _, errOut := cli(t, "apply", "--auto-approve"); code != exitOK {
		t.Fatalf("apply: %s", errOut)
	}
	child := exec.Command(os.Args[0], "enforce")
	child.Dir, child.Env = dir, append(append(os.Environ(), env...), "RETAINCTL_TEST_MAIN=1")
	var out bytes.Buffer
	child.Stdout, child.Stderr = &out, &out
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	waitForEvent(t, filepath.Join(dir, "audit", "retainctl-audit.jsonl"), audit.JobCreated, 1)
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	ctx := context.Background()
	for _, st := range []string{genesys.JobPending, genesys.JobReady, genesys.JobProcessing} {
		if js, _ := c.ListRecordingJobs(ctx, st); len(js) > 0 {
			t.Logf("left %s by the killed run: %d", st, len(js))
		}
	}
	code, stdout, errOut := cli(t, "enforce", "--format", "json")
	var rep enforce.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("exit %d: %s %s", code, stdout, errOut)
	}
	if len(rep.Recovered) == 0 || code != exitOK {
		t.Errorf("exit %d, recovered %v, totals %+v: %s", code, rep.Recovered, rep.Totals, lastLine(errOut))
	}
	for _, st := range []string{genesys.JobPending, genesys.JobReady, genesys.JobProcessing} {
		if js, err := c.ListRecordingJobs(ctx, st); err != nil || len(js) > 0 {
			t.Errorf("%d jobs still %s after recovery (%v)", len(js), st, err)
		}
	}
}

// waitForEvent waits until the audit log at path holds n events of type typ.
func waitForEvent(t *testing.T, path string, typ audit.Type, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		entries, _, _ := audit.ReadLog(path)
		got := 0
		for _, e := range entries {
			if e.Event.Type == typ {
				got++
			}
		}
		if got >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never held %d %s events", path, n, typ)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// An audit flush killed mid-delivery loses nothing: the next flush sends
// what was left, and every event reaches the receiver (which dedupes on
// the event id) with none left pending.
func TestFaultsKilledFlushDeliversEverything(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	var b strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&b, `{"id":"ev-%04d","time":"2026-11-30T12:00:00Z","runId":"r","seq":%d,"type":"policy.created","policy":"P%d"}`+"\n", i, i+1, i)
	}
	writeYAML(t, "audit", "retainctl-audit.jsonl", b.String())
	writeYAML(t, "policies", "retainctl.yaml", "audit: {log: audit/retainctl-audit.jsonl}\n")
	hook := newReceiver(t)
	hook.up.Store(true)
	hook.delay.Store(int64(20 * time.Millisecond))
	env := append(os.Environ(), "RETAINCTL_AUDIT_WEBHOOK_URL="+hook.URL, "RETAINCTL_AUDIT_WEBHOOK_SECRET="+hookSecret, "RETAINCTL_TEST_MAIN=1")
	child := exec.Command(os.Args[0], "audit", "flush")
	child.Dir, child.Env = dir, env
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && hook.received() < 1+faultSeed(t)%3 {
		time.Sleep(time.Millisecond)
	}
	_ = child.Process.Kill()
	_ = child.Wait()
	if n := hook.received(); n >= 30 {
		t.Fatalf("the flush finished (%d batches) before it was killed: the test proves nothing", n)
	}
	hook.delay.Store(0)
	t.Setenv("RETAINCTL_AUDIT_WEBHOOK_URL", hook.URL)
	t.Setenv("RETAINCTL_AUDIT_WEBHOOK_SECRET", hookSecret)
	if code, out, errOut := cli(t, "audit", "flush"); code != exitOK || !strings.Contains(out, " 0 pending") {
		t.Fatalf("the next flush: exit %d: %s %s", code, out, errOut)
	}
	hook.mu.Lock()
	defer hook.mu.Unlock()
	for i := range 3000 {
		if hook.ids[fmt.Sprintf("ev-%04d", i)] == 0 {
			t.Fatalf("event ev-%04d never delivered", i)
		}
	}
}
