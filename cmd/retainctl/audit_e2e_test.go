package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/sim"
)

// receiver is an httptest audit webhook that can be down (400, which the
// deliverer does not retry) and remembers every event id it acknowledged.
type receiver struct {
	*httptest.Server
	up     atomic.Bool
	delay  atomic.Int64 // nanoseconds each batch takes to acknowledge
	mu     sync.Mutex
	ids    map[string]int
	bodies [][]byte
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{ids: map[string]int{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		time.Sleep(time.Duration(r.delay.Load()))
		if !r.up.Load() {
			http.Error(w, "receiver down", http.StatusBadRequest)
			return
		}
		var p audit.Payload
		if err := json.Unmarshal(body, &p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.bodies = append(r.bodies, body)
		for _, id := range p.EventIDs {
			r.ids[id]++
		}
	}))
	t.Cleanup(r.Close)
	return r
}

// received counts the batches acknowledged so far.
func (r *receiver) received() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.bodies)
}

// org serves a simulator with its own credentials and records the tokens it
// issues, so tests can look for them in outputs.
type org struct {
	*httptest.Server
	sim    *sim.Org
	mu     sync.Mutex
	tokens []string
}

func newOrg(t *testing.T, opts sim.Options) *org {
	o := &org{}
	s, err := sim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	o.sim = s
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth/token" {
			s.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if json.Unmarshal(rec.Body.Bytes(), &tok) == nil && tok.AccessToken != "" {
			o.mu.Lock()
			o.tokens = append(o.tokens, tok.AccessToken)
			o.mu.Unlock()
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(o.Close)
	return o
}

const (
	clientSecret = "client-secret-9f8e7d6c"
	hookSecret   = "hook-secret-1a2b3c4d"
	maskedValue  = "mask-me-value-42"
)

// orgEnv points retainctl at o and the webhook, with every secret set.
func orgEnv(o *org, hook string) map[string]string {
	return map[string]string{
		"GENESYSCLOUD_API_URL":            o.URL,
		"GENESYSCLOUD_OAUTHCLIENT_ID":     "ci-client",
		"GENESYSCLOUD_OAUTHCLIENT_SECRET": clientSecret,
		"RETAINCTL_AUDIT_WEBHOOK_URL":     hook,
		"RETAINCTL_AUDIT_WEBHOOK_SECRET":  hookSecret,
		"RETAINCTL_MASK":                  maskedValue,
	}
}

// The client secret, the tokens, the webhook secret and RETAINCTL_MASK
// values appear nowhere: not in output, plan, audit log, report or webhook.
func TestSecretsNeverLeak(t *testing.T) {
	dir := inExample(t)
	o := newOrg(t, sim.Options{ClientID: "ci-client", ClientSecret: clientSecret})
	hook := newReceiver(t)
	hook.up.Store(true)
	for k, v := range orgEnv(o, hook.URL) {
		t.Setenv(k, v)
	}
	// A policy that quotes a value the organisation asked to mask.
	secretive := "name: Secretive\ndescription: ticket " + maskedValue + "\nobjectType: chat\nretentionPeriod: 45\n"
	if err := os.WriteFile(filepath.Join(dir, "secretive.yaml"), []byte(secretive), 0o644); err != nil {
		t.Fatal(err)
	}
	code, shown, errOut := cli(t, "plan", "--format", "markdown")
	if code != exitOK || !strings.Contains(shown, "ticket ***") {
		t.Fatalf("the value was not masked in the plan (exit %d, %s):\n%s", code, errOut, shown)
	}
	outputs := []string{shown, errOut}
	// A plan file is applied as written, so it refuses to hold the value.
	code, _, errOut = cli(t, "plan", "--out", "plan.json")
	if code != exitFailure || !strings.Contains(errOut, "RETAINCTL_MASK") {
		t.Fatalf("plan --out with a masked value: exit %d: %s", code, errOut)
	}
	if err := os.Remove(filepath.Join(dir, "secretive.yaml")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"plan", "--format", "json", "--out", "plan.json"},
		{"apply", "plan.json"},
	} {
		code, out, errOut := cli(t, args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		outputs = append(outputs, out, errOut)
	}
	files, _ := filepath.Glob("audit/*")
	files = append(files, "plan.json")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, string(b))
	}
	for _, b := range hook.bodies {
		outputs = append(outputs, string(b))
	}
	secrets := append([]string{clientSecret, hookSecret, maskedValue}, o.tokens...)
	if len(o.tokens) == 0 || len(hook.bodies) == 0 || len(files) < 3 {
		t.Fatalf("nothing to check: %d tokens, %d webhook bodies, files %v", len(o.tokens), len(hook.bodies), files)
	}
	for i, text := range outputs {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("output %d contains secret %q", i, s)
			}
		}
	}
}

// An apply killed with SIGKILL mid-run leaves an audit log whose every
// event the next run delivers; every change it made is on record.
func TestKilledApplyLosesNoAuditEvent(t *testing.T) {
	dir := t.TempDir()
	policies := filepath.Join(dir, "policies")
	if err := os.Mkdir(policies, 0o755); err != nil {
		t.Fatal(err)
	}
	var yaml strings.Builder
	for i := range 40 {
		fmt.Fprintf(&yaml, "---\nname: Queue %02d calls\nobjectType: call\nretentionPeriod: %d\nfilters: [{attribute: queue, operator: EQ, value: 00000000-0000-4000-8000-%012d}]\n", i, 30+i, i)
	}
	if err := os.WriteFile(filepath.Join(policies, "calls.yaml"), []byte(yaml.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	o := newOrg(t, sim.Options{ClientID: "ci-client", ClientSecret: clientSecret, Latency: 50 * time.Millisecond})
	hook := newReceiver(t) // down for the killed run
	env := os.Environ()
	for k, v := range orgEnv(o, hook.URL) {
		env = append(env, k+"="+v)
	}
	child := exec.Command(os.Args[0], "apply", "--auto-approve", "--concurrency", "1", "--policies", policies)
	child.Dir, child.Env = dir, append(env, "RETAINCTL_TEST_MAIN=1")
	var childOut bytes.Buffer
	child.Stdout, child.Stderr = &childOut, &childOut
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "audit", "retainctl-audit.jsonl")
	killAt := 8 + faultSeed(t)%5 // lines in the log: a few changes made
	waitForLines(t, logPath, killAt)
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	entries, warnings, err := audit.ReadLog(logPath)
	if err != nil || len(entries) < killAt {
		t.Fatalf("log after the kill: %d entries, %v, %v\n%s", len(entries), warnings, err, childOut.String())
	}
	assertChangesRecorded(t, o, entries)

	hook.up.Store(true)
	t.Chdir(dir)
	for k, v := range orgEnv(o, hook.URL) {
		t.Setenv(k, v)
	}
	if code, _, errOut := cli(t, "apply", "--auto-approve", "--policies", policies); code != exitOK {
		t.Fatalf("next run: exit %d: %s", code, errOut)
	}
	entries, _, _ = audit.ReadLog(logPath)
	hook.mu.Lock()
	defer hook.mu.Unlock()
	for _, e := range entries {
		if hook.ids[e.Event.ID] != 1 {
			t.Errorf("event %s (%s %s) delivered %d times", e.Event.ID, e.Event.Type, e.Event.Policy, hook.ids[e.Event.ID])
		}
	}
}

// faultSeed picks the points where the crash tests kill retainctl
// (FAULT_SEED, default 1), so that a run can be replayed.
func faultSeed(t *testing.T) int {
	n, err := strconv.Atoi(os.Getenv("FAULT_SEED"))
	if err != nil {
		return 1
	}
	t.Logf("FAULT_SEED=%d", n)
	return n
}

// waitForLines waits until path has at least n lines.
func waitForLines(t *testing.T, path string, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && bytes.Count(b, []byte("\n")) >= n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never reached %d lines", path, n)
}

// assertChangesRecorded checks that every policy the killed run created is
// in the log, at least as the intent written before the request was sent.
func assertChangesRecorded(t *testing.T, o *org, entries []audit.Entry) {
	t.Helper()
	logged := map[string]bool{}
	for _, e := range entries {
		if e.Event.Type == audit.ChangeStarted || e.Event.Type == audit.PolicyCreated {
			logged[e.Event.Policy] = true
		}
	}
	c, err := genesys.New(genesys.Config{BaseURL: o.URL, ClientID: "ci-client", ClientSecret: clientSecret})
	if err != nil {
		t.Fatal(err)
	}
	live, err := c.ListPolicies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(live) == 0 {
		t.Fatal("the killed run created nothing: the kill came too early to test anything")
	}
	for _, p := range live {
		if !logged[p.Name] {
			t.Errorf("%q was created but is not in the audit log", p.Name)
		}
	}
}
