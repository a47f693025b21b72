package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

// TestSimCurlSession replays docs/simulator.md's curl session against
// `retainctl sim`: a token with Basic auth and a form body, then the list.
func TestSimCurlSession(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	cmd := newSimCmd()
	cmd.SetOut(pw)
	cmd.SetErr(io.Discard)
	cmd.SetArgs([]string{"--addr", "127.0.0.1:0", "--state", state})
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx); pw.Close() }()

	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^retainctl sim listening on (http://\S+) client-id=(\S+) client-secret=(\S+)\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("first line %q", line)
	}
	base, id, secret := m[1], m[2], m[3]

	// curl -u id:secret -d grant_type=client_credentials $BASE/oauth/token
	req, _ := http.NewRequest("POST", base+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth(id, secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	doJSON(t, req, 200, &tok)
	if tok.AccessToken == "" || tok.TokenType != "bearer" || tok.ExpiresIn != 86400 {
		t.Fatalf("token answer %+v", tok)
	}

	// curl -H "Authorization: Bearer $TOKEN" "$BASE/api/v2/recording/mediaretentionpolicies?pageSize=100"
	req, _ = http.NewRequest("GET", base+"/api/v2/recording/mediaretentionpolicies?pageSize=100", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	var list genesys.Listing[genesys.Policy]
	doJSON(t, req, 200, &list)
	if list.Total != 4 || len(list.Entities) != 4 || list.PageCount != 1 || list.SelfURI == "" {
		t.Fatalf("demo listing %+v", list)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("sim ended with %v", err)
	}
}

func doJSON(t *testing.T, req *http.Request, status int, out any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != status {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

func connCmd(args ...string) *cobra.Command {
	cmd := &cobra.Command{Use: "x"}
	addConnFlags(cmd)
	_ = cmd.ParseFlags(args)
	return cmd
}

func TestConnectSim(t *testing.T) {
	state := filepath.Join(t.TempDir(), "nested", "sim.json")
	c, stop, err := connect(context.Background(), connCmd("--sim", "--sim-state", state))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	ps, err := c.ListPolicies(context.Background())
	if err != nil || len(ps) != 4 {
		t.Fatalf("demo org: %v, %d policies", err, len(ps))
	}
}

func TestConnectWithoutCredentialsIsUsageError(t *testing.T) {
	for _, k := range []string{genesys.EnvClientID, genesys.EnvClientSecret, genesys.EnvAccessToken, genesys.EnvAPIURL, genesys.EnvRegion} {
		t.Setenv(k, "")
	}
	_, _, err := connect(context.Background(), connCmd())
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitUsage {
		t.Fatalf("want exit 3, got %v", err)
	}
	for _, want := range []string{genesys.EnvClientID, genesys.EnvClientSecret, "--sim"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

// With RETAINCTL_TEST_REAL_MAIN=1 this test binary is retainctl's main,
// signal handling and all (TestMain's RETAINCTL_TEST_MAIN runs execute
// without it).
func init() {
	if os.Getenv("RETAINCTL_TEST_REAL_MAIN") == "1" {
		main()
	}
}

// `retainctl sim` stops on SIGTERM and SIGINT: it saves its state, gives
// up the state file and exits 0. While it runs, a --sim run on the same
// state file is refused with a message naming it, instead of saving over
// its changes; once it stopped, the --sim run works on what it saved.
func TestSimStopsOnSignalsAndHoldsItsStateFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on Windows")
	}
	inExample(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		state := filepath.Join(t.TempDir(), "state.json")
		cmd := exec.Command(os.Args[0], "sim", "--addr", "127.0.0.1:0", "--state", state)
		cmd.Env = append(os.Environ(), "RETAINCTL_TEST_REAL_MAIN=1")
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil {
			_ = cmd.Process.Kill()
			t.Fatalf("%v: first line: %v %s", sig, err, errOut.String())
		}
		addr := regexp.MustCompile(`http://\S+`).FindString(line)

		// A change through the server...
		base := addr + "/api/v2/recording/mediaretentionpolicies"
		token := simToken(t, addr)
		req, _ := http.NewRequest("DELETE", base+"/"+firstPolicyID(t, base, token), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode/100 != 2 {
			t.Fatalf("delete through the server: %v %v", err, resp)
		}
		resp.Body.Close()

		// ...is not lost to a --sim run on the same file: that run is refused.
		code, _, msg := cli(t, "plan", "--sim", "--sim-state", state)
		want := regexp.MustCompile(`the simulator's state file is in use: pid \d+ \(\S+ sim\) since [0-9:]+, serving ` + regexp.QuoteMeta(addr) + ` holds ` + regexp.QuoteMeta(state))
		if code != exitFailure || !want.MatchString(msg) {
			t.Errorf("%v: --sim while the server runs: exit %d, %q", sig, code, msg)
		}

		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		if err := waitFor(cmd, 15*time.Second); err != nil {
			t.Fatalf("%v: sim ended with %v\n%s", sig, err, errOut.String())
		}
		if !strings.Contains(errOut.String(), "retainctl sim: stopped; state saved in "+state) {
			t.Errorf("%v: stderr %q", sig, errOut.String())
		}
		if c, err := net.DialTimeout("tcp", strings.TrimPrefix(addr, "http://"), time.Second); err == nil {
			c.Close()
			t.Errorf("%v: still listening on %s after it exited", sig, addr)
		}
		// The file is free again, and holds the server's change: three
		// of the four demo policies are left.
		code, out, msg := cli(t, "plan", "--sim", "--sim-state", state, "--format", "json")
		if code != exitOK {
			t.Fatalf("%v: --sim after the server stopped: exit %d %s", sig, code, msg)
		}
		var p struct {
			Changes   []struct{ Action string }
			Unmanaged []json.RawMessage
		}
		if err := json.Unmarshal([]byte(out), &p); err != nil {
			t.Fatal(err)
		}
		live := len(p.Unmanaged)
		for _, c := range p.Changes {
			if c.Action != "create" {
				live++
			}
		}
		if live != 3 {
			t.Errorf("%v: the plan after the server stopped sees %d live policies, want the 3 the server left", sig, live)
		}
	}
}

func simToken(t *testing.T, base string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth("retainctl-demo", "retainctl-demo-secret")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	doJSON(t, req, 200, &tok)
	return tok.AccessToken
}

func firstPolicyID(t *testing.T, url, token string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"?pageSize=100", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	var list genesys.Listing[genesys.Policy]
	doJSON(t, req, 200, &list)
	if len(list.Entities) == 0 {
		t.Fatal("no policy to delete")
	}
	return list.Entities[0].ID
}

// waitFor waits for cmd to exit, killing it after limit.
func waitFor(cmd *exec.Cmd, limit time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		return <-done
	}
}
