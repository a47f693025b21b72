//go:build workflows

package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/sim"
)

// release is the release the reusable workflows pin (v1.0.0 today) as
// GoReleaser publishes it for this machine: the archive and checksums.txt,
// of a binary built once by the test.
type release struct {
	tag      string            // v1.0.0
	goEnv    map[string]string // this machine's Go: its caches, offline
	bin      string            // the binary, for the test's own use
	archive  string            // retainctl_<version>_<os>_<arch>.tar.gz
	files    map[string][]byte
	checksum string
}

func buildRelease(t *testing.T) *release {
	tag := pinnedTag(t)
	version := strings.TrimPrefix(tag, "v")
	dir := t.TempDir()
	bin := filepath.Join(dir, "retainctl")
	// Built as action.yml's fallback builds the action's source (GoReleaser
	// adds CGO_ENABLED=0), so that a job's build of it finds every package
	// in the build cache and only links.
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version, "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	goEnv := map[string]string{"GOPROXY": "off", "GOTOOLCHAIN": "local"}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS"} {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatal(err)
		}
		goEnv[k] = strings.TrimSpace(string(out))
	}
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, src := range map[string]string{"retainctl": bin, "LICENSE": "../../LICENSE", "README.md": "../../README.md"} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		mode := int64(0o644)
		if name == "retainctl" {
			mode = 0o755
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(b))}); err == nil {
			_, err = tw.Write(b)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil || gz.Close() != nil {
		t.Fatal("tar.gz", err)
	}
	archive := fmt.Sprintf("retainctl_%s_%s_%s.tar.gz", version, runtime.GOOS, runtime.GOARCH)
	sum := fmt.Sprintf("%x", sha256.Sum256(buf.Bytes()))
	return &release{tag: tag, goEnv: goEnv, bin: bin, archive: archive, checksum: sum, files: map[string][]byte{
		archive:         buf.Bytes(),
		"checksums.txt": fmt.Appendf(nil, "%s  %s\n%x  retainctl_%s_windows_amd64.zip\n", sum, archive, sha256.Sum256(nil), version),
	}}
}

// pinnedTag is the release the reusable workflows install (their uses:
// retainctl/retainctl@vX.Y.Z, which release.yml keeps at the tag).
func pinnedTag(t *testing.T) string {
	b, err := os.ReadFile("../../.github/workflows/retainctl-plan.yml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`uses: retainctl/retainctl@(v[0-9]+\.[0-9]+\.[0-9]+)\n`).FindSubmatch(b)
	if m == nil {
		t.Fatal("retainctl-plan.yml pins no release of the action")
	}
	return string(m[1])
}

// Secrets of the adopting repository and its environments. Plan's are the
// read-only client's; apply's and enforce's the write client's. The
// simulator has one client, so all hold it, but under each name only.
const (
	simClient = "acme-retention-client"
	simSecret = "acme-retention-secret-5f1e9d"
)

// newWorld is an adopting repository of one organisation
// (testdata/workflows/adopter) with the pinned release of retainctl published,
// and a simulated organisation that already has main's policies applied.
func newWorld(t *testing.T, rel *release) *wfWorld {
	w := newWorldFrom(t, rel, "testdata/workflows/adopter", nil)
	w.sim = startSimOrg(t, simClient, simSecret)
	simURL := w.sim.url
	// The simulator stands in for Genesys: the runner machine's
	// environment points retainctl at it, as a self-hosted runner's .env
	// would at a private deployment. The workflows pass everything else.
	w.machine["GENESYSCLOUD_API_URL"] = simURL
	w.secrets = map[string]string{
		"GENESYSCLOUD_OAUTHCLIENT_ID_READONLY":     simClient,
		"GENESYSCLOUD_OAUTHCLIENT_SECRET_READONLY": simSecret,
	}
	w.environments = map[string]map[string]string{
		"production":  {"GENESYSCLOUD_OAUTHCLIENT_ID": simClient, "GENESYSCLOUD_OAUTHCLIENT_SECRET": simSecret},
		"enforcement": {"GENESYSCLOUD_OAUTHCLIENT_ID": simClient, "GENESYSCLOUD_OAUTHCLIENT_SECRET": simSecret},
	}
	w.bootstrap(rel.bin, []string{"GENESYSCLOUD_API_URL=" + simURL, "GENESYSCLOUD_OAUTHCLIENT_ID=" + simClient,
		"GENESYSCLOUD_OAUTHCLIENT_SECRET=" + simSecret}, "--policies", "policies")
	return w
}

// simTarget is a simulated organisation and its OAuth client.
type simTarget struct{ url, client, secret string }

// startSimOrg starts a simulated organisation with its own OAuth client.
func startSimOrg(t *testing.T, client, secret string) simTarget {
	org, err := sim.New(sim.Options{ClientID: client, ClientSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := org.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return simTarget{url, client, secret}
}

// newWorldFrom is an adopting repository of the files of dir (with the
// @NAME@ of vars replaced), hosted by a fake GitHub that publishes
// the pinned release, and a runner machine with the tools on its PATH.
func newWorldFrom(t *testing.T, rel *release, dir string, vars map[string]string) *wfWorld {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	repo := newPolicyRepo(t, dir, vars)
	w := &wfWorld{t: t, root: root, tag: rel.tag, fixture: dir, gh: newGHServer(t, repo.root), repo: repo, store: t.TempDir(),
		machine: map[string]string{
			"PATH":                os.Getenv("PATH"),
			"LANG":                "C.UTF-8",
			"GIT_TERMINAL_PROMPT": "0", // a refused credential fails, never waits for a prompt
		},
	}
	maps.Copy(w.machine, rel.goEnv)
	w.gh.addRelease(rel.tag, rel.files)
	return w
}

// bootstrap applies main's policies, as the adopter did once by hand.
func (w *wfWorld) bootstrap(bin string, env []string, args ...string) {
	dir := filepath.Join(w.t.TempDir(), "main")
	w.repo.git(w.repo.root, "clone", "--quiet", w.repo.bare, dir)
	cmd := exec.Command(bin, append([]string{"apply", "--auto-approve"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}, env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		w.t.Fatalf("bootstrap apply %v: %v\n%s", args, err, out)
	}
}

// simAPI calls the simulated organisation's API as its OAuth client.
func simAPI(t *testing.T, org simTarget, method, path string, body any) map[string]any {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	req, _ := http.NewRequest(http.MethodPost, org.url+"/oauth/token", strings.NewReader(form.Encode()))
	req.SetBasicAuth(org.client, org.secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	simDo(t, req, &tok)
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ = http.NewRequest(method, org.url+path, rd)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	var out map[string]any
	simDo(t, req, &out)
	return out
}

func simDo(t *testing.T, req *http.Request, v any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %s: %s", req.Method, req.URL, resp.Status, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s %s: %v: %s", req.Method, req.URL, err, b)
	}
}

// livePolicy returns the organisation's policy of that name, or nil.
func livePolicy(t *testing.T, org simTarget, name string) map[string]any {
	t.Helper()
	list := simAPI(t, org, http.MethodGet, "/api/v2/recording/mediaretentionpolicies?pageSize=100", nil)
	entities, _ := list["entities"].([]any)
	for _, e := range entities {
		if p, _ := e.(map[string]any); p["name"] == name {
			return p
		}
	}
	return nil
}

// retention is the days the organisation's policy of that name keeps
// recordings for.
func retention(t *testing.T, org simTarget, name string) float64 {
	t.Helper()
	p := livePolicy(t, org, name)
	if p == nil {
		t.Fatalf("the organisation has no policy %q", name)
	}
	for _, mp := range p["mediaPolicies"].(map[string]any) {
		a, _ := mp.(map[string]any)["actions"].(map[string]any)
		if d, ok := a["retentionDuration"].(map[string]any)["deleteRetention"].(map[string]any); ok {
			days, _ := d["days"].(float64)
			return days
		}
	}
	return 0
}

// noLeaks fails the test if a secret or a job's token reached GitHub.
func (w *wfWorld) noLeaks() {
	w.t.Helper()
	var values []string
	for _, secrets := range append(slices.Collect(maps.Values(w.environments)), w.secrets) {
		for _, v := range secrets {
			if strings.Contains(v, "secret") {
				values = append(values, v)
			}
		}
	}
	w.gh.mu.Lock()
	for tok := range w.gh.tokens {
		values = append(values, tok)
	}
	w.gh.mu.Unlock()
	for _, body := range w.gh.written() {
		for _, v := range values {
			if strings.Contains(body, v) {
				w.t.Errorf("a secret reached GitHub: %.200s", body)
			}
		}
	}
}

// setRetention returns a copy of a policy as the API gives it, keeping
// its recordings days long: an edit in Genesys' admin UI.
func setRetention(t *testing.T, p map[string]any, days float64) map[string]any {
	t.Helper()
	var c map[string]any
	b, _ := json.Marshal(p)
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	for _, mp := range c["mediaPolicies"].(map[string]any) {
		a, _ := mp.(map[string]any)["actions"].(map[string]any)
		if d, ok := a["retentionDuration"].(map[string]any)["deleteRetention"].(map[string]any); ok {
			d["days"] = days
		}
	}
	return c
}
