package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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
