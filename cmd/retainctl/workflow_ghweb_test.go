//go:build workflows

package main

import (
	"fmt"
	"net/http"
	"net/http/cgi"
	"os/exec"
	"strings"
)

// The web side of the fake GitHub: the adopter's repository, which
// checkout fetches and the audit-trail script pushes to, and retainctl's
// releases, which the action downloads.

// gitHTTP serves the repository over Git's smart HTTP (git http-backend),
// as github.com does, to a job's token: fetching takes contents: read,
// pushing contents: write.
func (g *ghServer) gitHTTP() http.Handler {
	git, err := exec.LookPath("git")
	if err != nil {
		g.t.Fatal(err)
	}
	backend := &cgi.Handler{Path: git, Args: []string{"http-backend"},
		Env: []string{"GIT_PROJECT_ROOT=" + g.gitRoot, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1"}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		need := "read"
		if r.URL.Query().Get("service") == "git-receive-pack" || strings.HasSuffix(r.URL.Path, "/git-receive-pack") {
			need = "write"
		}
		user, tok, _ := r.BasicAuth()
		g.mu.Lock()
		perms, ok := g.tokens[tok]
		g.mu.Unlock()
		switch {
		case !ok || user != "x-access-token":
			w.Header().Set("WWW-Authenticate", `Basic realm="GitHub"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
		case perms["contents"] != "write" && perms["contents"] != need:
			http.Error(w, "Permission to "+wfRepo+".git denied to github-actions[bot].", http.StatusForbidden)
		default:
			backend.ServeHTTP(w, r)
		}
	})
}

// failDownloads makes the next n downloads of a release file answer 503.
func (g *ghServer) failDownloads(file string, n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.outage[file] = n
}

// noReleases deletes every release.
func (g *ghServer) noReleases() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.releases, g.latest = map[string]map[string][]byte{}, ""
}

// addRelease publishes release tag's assets; the newest added is latest.
func (g *ghServer) addRelease(tag string, files map[string][]byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.releases[tag], g.latest = files, tag
}

func (g *ghServer) latestRelease(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.latest == "" {
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, "/retainctl/retainctl/releases/tag/"+g.latest, http.StatusFound)
}

func (g *ghServer) releasePage(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.releases[r.PathValue("tag")] == nil {
		http.NotFound(w, r)
		return
	}
	fmt.Fprintf(w, "<html><title>Release %s</title></html>", r.PathValue("tag"))
}

func (g *ghServer) releaseAsset(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.outage[r.PathValue("file")] > 0 {
		g.outage[r.PathValue("file")]--
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	b, ok := g.releases[r.PathValue("tag")][r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	_, _ = w.Write(b)
}
