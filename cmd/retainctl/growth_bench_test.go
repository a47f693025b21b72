//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/sim"
)

// growthSizes are the repository sizes of BenchmarkGrowth.
var growthSizes = []int{100, 1_000, 10_000, 100_000}

// BenchmarkGrowth runs retainctl as a user does, one process per
// operation, on 100 to 100,000 policies, and reports the process's peak
// resident memory beside the time:
//
//   - validate: retainctl validate of the repository;
//   - plan: retainctl plan of the same repository against a simulated
//     organisation that already holds every policy (no changes), at 20 ms
//     latency and 300 requests/min per token, with a pool of 10 tokens;
//     it also reports the requests the organisation served, token grants
//     included.
//
// The process is this test binary run as retainctl (see TestMain), so the
// memory includes the test binary's few extra MiB.
func BenchmarkGrowth(b *testing.B) {
	for _, n := range growthSizes {
		dir := b.TempDir()
		policies := writeGrowthPolicies(b, dir, n)
		b.Run("validate/"+strconv.Itoa(n), func(b *testing.B) {
			benchProcess(b, dir, nil, "validate", "--policies", policies)
		})
		b.Run("plan/"+strconv.Itoa(n), func(b *testing.B) {
			org, env := growthOrg(b, policies)
			benchProcess(b, dir, env, "plan", "--detailed-exitcode", "--token-pool", "10", "--policies", policies)
			b.ReportMetric(float64(org.RequestCount())/float64(b.N), "requests/op")
		})
	}
}

// benchProcess runs retainctl args in dir once per operation; each must
// exit 0. It reports the largest peak RSS of the runs, and the CPU time
// (user and system) per run, which two shared cores' noise moves less than
// the elapsed time.
func benchProcess(b *testing.B, dir string, env []string, args ...string) {
	var peakKiB int64
	var cpu time.Duration
	for b.Loop() {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Dir = dir
		cmd.Env = append(append(growthEnv(), "RETAINCTL_TEST_MAIN=1", "NO_COLOR=1"), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("retainctl %s: %v\n%s", strings.Join(args, " "), err, tail(out))
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peakKiB = max(peakKiB, ru.Maxrss) // KiB on Linux
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	b.ReportMetric(float64(peakKiB)/1024, "peak-MiB")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// growthEnv is the environment without the caller's Genesys and retainctl
// settings: a developer's access token or token pool would otherwise reach
// the simulator or change what is measured.
func growthEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GENESYSCLOUD_") && !strings.HasPrefix(kv, "RETAINCTL_") {
			env = append(env, kv)
		}
	}
	return env
}

// tail is the end of a command's output, for a failure message.
func tail(out []byte) string {
	const keep = 2000
	if len(out) > keep {
		out = out[len(out)-keep:]
	}
	return string(out)
}

// writeGrowthPolicies writes n valid, non-overlapping policies under
// dir/policies, 500 a file, shaped like a large organisation's: one queue
// each, calls, chats and emails, a handful of retention periods.
func writeGrowthPolicies(tb testing.TB, dir string, n int) string {
	tb.Helper()
	policies := filepath.Join(dir, "policies")
	if err := os.MkdirAll(policies, 0o755); err != nil {
		tb.Fatal(err)
	}
	types := []string{"call", "chat", "email"}
	days := []int{30, 90, 365, 730, 2555}
	var file strings.Builder
	flush := func(i int) {
		name := filepath.Join(policies, fmt.Sprintf("p%06d.yaml", i))
		if err := os.WriteFile(name, []byte(file.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
		file.Reset()
	}
	for i := range n {
		fmt.Fprintf(&file, "---\nname: Queue %06d %s\nobjectType: %s\nretentionPeriod: %d\nfilters:\n  - attribute: queue\n    operator: EQ\n    value: %s\n",
			i, types[i%3], types[i%3], days[i%len(days)], growthQueue(i))
		if i%500 == 499 || i == n-1 {
			flush(i)
		}
	}
	return policies
}

// growthQueue is policy i's queue id, a UUID unique to it.
func growthQueue(i int) string {
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
}

// growthOrg serves a simulated organisation that holds every policy of
// the repository as retainctl would have created it, and the environment
// that points retainctl at it.
func growthOrg(tb testing.TB, policies string) (*sim.Org, []string) {
	tb.Helper()
	repo, err := policy.Load(policies)
	if err != nil {
		tb.Fatal(err)
	}
	state := filepath.Join(tb.TempDir(), "state.json")
	seedState(tb, state, repo.Policies)
	org, err := sim.New(sim.Options{StatePath: state, Latency: 20 * time.Millisecond, RateLimit: 300})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(org)
	tb.Cleanup(srv.Close)
	return org, []string{
		"GENESYSCLOUD_API_URL=" + srv.URL,
		"GENESYSCLOUD_OAUTHCLIENT_ID=" + sim.DemoClientID,
		"GENESYSCLOUD_OAUTHCLIENT_SECRET=" + sim.DemoClientSecret,
	}
}

// seedState writes a simulator state file whose policies are ps as the
// API holds them (creating 100,000 through the API would take hours at the
// rate limit), and an analytics ceiling of five years.
func seedState(tb testing.TB, path string, ps []policy.Policy) {
	tb.Helper()
	now := time.Now().UTC()
	stamp := now.Format("2006-01-02T15:04:05.000Z")
	live := make([]model.Policy, len(ps))
	for i, p := range ps {
		g := mapping.ToAPI(p, nil)
		g.ID = uuid.NewString()
		g.SelfURI = "/api/v2/recording/mediaretentionpolicies/" + g.ID
		g.CreatedDate, g.ModifiedDate = stamp, stamp
		live[i] = g
	}
	data, err := json.Marshal(map[string]any{
		"policies":      live,
		"jobs":          []any{},
		"dataRetention": map[string]any{"retentionDays": 1825},
		"recordings":    map[string]any{"seed": 1, "generatedAt": now},
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
}
