//go:build workflows

package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ghServer is a fake github.com for one repository, as a GitHub Enterprise
// Server lays it out: the REST API under /api/v3, and at the root the
// repository over Git's HTTP and retainctl's releases (workflow_ghweb_test.go). Issues and pull requests share numbers,
// as on GitHub. Every job's token carries the permissions its workflow
// grants, and the API refuses what they do not allow; a request the fake
// does not know fails the test.
type ghServer struct {
	*httptest.Server
	t  *testing.T
	mu sync.Mutex

	issues   map[int]*ghIssue
	next     int
	nextID   int64
	labels   map[string]bool
	tokens   map[string]map[string]string // token -> scope -> none|read|write
	releases map[string]map[string][]byte // tag -> file -> content
	gitRoot  string                       // the hosted repositories, <owner>/<name> under it
	latest   string
	outage   map[string]int // release file -> how many downloads of it answer 503
	writes   []string       // every body written, to look for leaked secrets
}

type ghIssue struct {
	Number             int
	Title, Body, State string
	StateReason        string
	Author             string
	Labels             []string
	Comments           []*ghComment
	PR                 *ghPull
}

type ghPull struct {
	Head, Base     string // branch names
	HeadSHA        string
	Fork           bool
	Commits        []string // shas on the pull request's branch
	MergedAt       time.Time
	MergeCommitSHA string
}

type ghComment struct {
	ID           int64
	Body, Author string
}

const (
	wfOwner = "acme"
	wfName  = "retention-policies"
	wfRepo  = wfOwner + "/" + wfName
	botUser = "github-actions[bot]"
)

func newGHServer(t *testing.T, gitRoot string) *ghServer {
	g := &ghServer{t: t, gitRoot: gitRoot, issues: map[int]*ghIssue{}, next: 1, nextID: 9000, labels: map[string]bool{},
		tokens: map[string]map[string]string{}, releases: map[string]map[string][]byte{}, outage: map[string]int{}}
	mux := http.NewServeMux()
	api := "/api/v3/repos/" + wfRepo
	routes := map[string]http.HandlerFunc{
		"GET " + api + "/issues/{n}/comments":         g.listComments,
		"POST " + api + "/issues/{n}/comments":        g.createComment,
		"PATCH " + api + "/issues/comments/{id}":      g.editComment,
		"GET " + api + "/issues/{n}/labels":           g.listIssueLabels,
		"POST " + api + "/issues/{n}/labels":          g.addIssueLabels,
		"DELETE " + api + "/issues/{n}/labels/{name}": g.removeIssueLabel,
		"GET " + api + "/labels/{name}":               g.getLabel,
		"POST " + api + "/labels":                     g.createLabel,
		"GET " + api + "/commits/{sha}/pulls":         g.commitPulls,
		"GET " + api + "/pulls/{n}":                   g.getPull,
		"GET " + api + "/pulls":                       g.listPulls,
		"GET " + api + "/pulls/{n}/reviews":           g.listReviews,
		"GET " + api + "/issues":                      g.listIssues,
		"POST " + api + "/issues":                     g.createIssue,
		"PATCH " + api + "/issues/{n}":                g.editIssue,
	}
	for pattern, h := range routes {
		mux.Handle(pattern, g.authorised(h))
	}
	mux.Handle("/"+wfRepo+"/", g.gitHTTP())
	mux.HandleFunc("GET /retainctl/retainctl/releases/latest", g.latestRelease)
	mux.HandleFunc("GET /retainctl/retainctl/releases/tag/{tag}", g.releasePage)
	mux.HandleFunc("GET /retainctl/retainctl/releases/download/{tag}/{file}", g.releaseAsset)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("fake GitHub: unexpected %s %s", r.Method, r.URL)
		ghJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
	})
	g.Server = httptest.NewServer(mux)
	t.Cleanup(g.Close)
	return g
}

// token issues a job's GITHUB_TOKEN with these permissions.
func (g *ghServer) token(perms map[string]string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	tok := fmt.Sprintf("ghs_job%04dTokenThatMustNeverLeak", len(g.tokens)+1)
	g.tokens[tok] = perms
	return tok
}

// scopeOf is the permission scopes one of which a request needs, as
// GitHub's REST reference gives them: the Issues API on a pull request
// (its comments and labels) takes issues or pull-requests, the rest of it
// (issues, the repository's labels) issues.
func (g *ghServer) scopeOf(r *http.Request) []string {
	p := r.URL.Path
	n, _ := strconv.Atoi(r.PathValue("n"))
	switch {
	case strings.Contains(p, "/pulls"):
		return []string{"pull-requests"}
	case strings.Contains(p, "/commits/"):
		return []string{"contents"}
	case strings.Contains(p, "/issues/comments/"), g.issues[n] != nil && g.issues[n].PR != nil:
		return []string{"pull-requests", "issues"}
	}
	return []string{"issues"}
}

func (g *ghServer) authorised(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		perms, ok := g.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		need := "read"
		if r.Method != http.MethodGet {
			need = "write"
		}
		allowed := slices.ContainsFunc(g.scopeOf(r), func(s string) bool {
			return perms[s] == "write" || perms[s] == need
		})
		g.mu.Unlock()
		switch {
		case !ok:
			ghJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
		case !allowed:
			ghJSON(w, http.StatusForbidden, map[string]string{"message": "Resource not accessible by integration"})
		default:
			next(w, r)
		}
	})
}

// openPR opens a pull request of branch head (its commits) into main.
func (g *ghServer) openPR(title, head, headSHA string, commits []string, fork bool) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := g.next
	g.next++
	g.issues[n] = &ghIssue{Number: n, Title: title, State: "open", Author: "author",
		PR: &ghPull{Head: head, Base: "main", HeadSHA: headSHA, Commits: commits, Fork: fork}}
	return n
}

// pushPR records new commits on a pull request's branch.
func (g *ghServer) pushPR(n int, headSHA string, commits []string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	pr := g.issues[n].PR
	pr.HeadSHA, pr.Commits = headSHA, append(pr.Commits, commits...)
}

// mergePR closes a pull request as merged by commit sha.
func (g *ghServer) mergePR(n int, sha string, at time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	i := g.issues[n]
	i.State, i.PR.MergeCommitSHA, i.PR.MergedAt = "closed", sha, at
}

// comments returns the bodies of issue or pull request n's comments.
func (g *ghServer) comments(n int) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, c := range g.issues[n].Comments {
		out = append(out, c.Body)
	}
	return out
}

// issue returns a copy of issue n, or nil.
func (g *ghServer) issue(n int) *ghIssue {
	g.mu.Lock()
	defer g.mu.Unlock()
	if i, ok := g.issues[n]; ok {
		c := *i
		return &c
	}
	return nil
}

// driftIssues returns the issues (not pull requests), oldest first.
func (g *ghServer) driftIssues() []ghIssue {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []ghIssue
	for n := 1; n < g.next; n++ {
		if i := g.issues[n]; i != nil && i.PR == nil {
			out = append(out, *i)
		}
	}
	return out
}

// written returns every body the API was sent.
func (g *ghServer) written() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.writes)
}

func (g *ghServer) listComments(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	i := g.issueOf(w, r)
	if i == nil {
		return
	}
	items := []any{}
	for _, c := range i.Comments {
		items = append(items, g.commentJSON(i.Number, c))
	}
	ghPage(w, r, items)
}

func (g *ghServer) createComment(w http.ResponseWriter, r *http.Request) {
	var in struct{ Body string }
	g.decode(r, &in)
	g.mu.Lock()
	defer g.mu.Unlock()
	i := g.issueOf(w, r)
	if i == nil {
		return
	}
	g.nextID++
	c := &ghComment{ID: g.nextID, Body: in.Body, Author: botUser}
	i.Comments = append(i.Comments, c)
	g.writes = append(g.writes, in.Body)
	ghJSON(w, http.StatusCreated, g.commentJSON(i.Number, c))
}

func (g *ghServer) editComment(w http.ResponseWriter, r *http.Request) {
	var in struct{ Body string }
	g.decode(r, &in)
	g.mu.Lock()
	defer g.mu.Unlock()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	for _, i := range g.issues {
		for _, c := range i.Comments {
			if c.ID == id {
				c.Body = in.Body
				g.writes = append(g.writes, in.Body)
				ghJSON(w, http.StatusOK, g.commentJSON(i.Number, c))
				return
			}
		}
	}
	ghJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
}

func (g *ghServer) listIssueLabels(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if i := g.issueOf(w, r); i != nil {
		ghPage(w, r, labelsJSON(i.Labels))
	}
}

func (g *ghServer) addIssueLabels(w http.ResponseWriter, r *http.Request) {
	var names []string
	g.decode(r, &names)
	g.mu.Lock()
	defer g.mu.Unlock()
	i := g.issueOf(w, r)
	if i == nil {
		return
	}
	for _, n := range names {
		g.labels[n] = true
		if !slices.Contains(i.Labels, n) {
			i.Labels = append(i.Labels, n)
		}
	}
	ghJSON(w, http.StatusOK, labelsJSON(i.Labels))
}

func (g *ghServer) removeIssueLabel(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	i := g.issueOf(w, r)
	if i == nil {
		return
	}
	k := slices.Index(i.Labels, r.PathValue("name"))
	if k < 0 {
		ghJSON(w, http.StatusNotFound, map[string]string{"message": "Label does not exist"})
		return
	}
	i.Labels = slices.Delete(i.Labels, k, k+1)
	ghJSON(w, http.StatusOK, labelsJSON(i.Labels))
}

func (g *ghServer) getLabel(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.labels[r.PathValue("name")] {
		ghJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	ghJSON(w, http.StatusOK, map[string]string{"name": r.PathValue("name"), "color": "ededed"})
}

func (g *ghServer) createLabel(w http.ResponseWriter, r *http.Request) {
	var in struct{ Name, Color string }
	g.decode(r, &in)
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.labels[in.Name] {
		ghJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed"})
		return
	}
	g.labels[in.Name] = true
	ghJSON(w, http.StatusCreated, map[string]string{"name": in.Name, "color": in.Color})
}

// commitPulls lists the pull requests a commit belongs to: its merge
// commit, or a commit of its branch.
func (g *ghServer) commitPulls(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	sha := r.PathValue("sha")
	items := []any{}
	for _, i := range g.sorted() {
		if p := i.PR; p != nil && (p.MergeCommitSHA == sha || slices.Contains(p.Commits, sha)) {
			items = append(items, g.pullJSON(i))
		}
	}
	ghPage(w, r, items)
}

func (g *ghServer) getPull(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if i := g.issueOf(w, r); i != nil && i.PR != nil {
		ghJSON(w, http.StatusOK, g.pullJSON(i))
	}
}

// listPulls answers the one listing retainctl makes: closed pull requests
// into a branch, the most recently updated first.
func (g *ghServer) listPulls(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("state") != "closed" || q.Get("sort") != "updated" || q.Get("direction") != "desc" {
		g.t.Errorf("fake GitHub: listing pull requests with %s", r.URL.RawQuery)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	var closed []*ghIssue
	for _, i := range g.sorted() {
		if i.PR != nil && i.State == "closed" && i.PR.Base == q.Get("base") {
			closed = append(closed, i)
		}
	}
	slices.SortStableFunc(closed, func(a, b *ghIssue) int { return b.PR.MergedAt.Compare(a.PR.MergedAt) })
	items := []any{}
	for _, i := range closed {
		items = append(items, g.pullJSON(i))
	}
	ghPage(w, r, items)
}

func (g *ghServer) listReviews(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	i := g.issueOf(w, r)
	if i == nil || i.PR == nil {
		return
	}
	// Every pull request here is approved at its head by compliance.
	ghPage(w, r, []any{map[string]any{"id": 1, "state": "APPROVED", "commit_id": i.PR.HeadSHA,
		"submitted_at": "2026-03-03T09:00:00Z", "user": map[string]any{"login": "compliance-lead"}}})
}

// listIssues filters by state and labels; like GitHub's, it lists pull
// requests too.
func (g *ghServer) listIssues(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	q := r.URL.Query()
	items := []any{}
	for _, i := range g.sorted() {
		st := cmp.Or(q.Get("state"), "open")
		match := st == "all" || st == i.State
		for l := range strings.SplitSeq(q.Get("labels"), ",") {
			match = match && (l == "" || slices.Contains(i.Labels, l))
		}
		if match {
			items = append(items, g.issueJSON(i))
		}
	}
	ghPage(w, r, items)
}

func (g *ghServer) createIssue(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Title, Body string
		Labels      []string
	}
	g.decode(r, &in)
	g.mu.Lock()
	defer g.mu.Unlock()
	i := &ghIssue{Number: g.next, Title: in.Title, Body: in.Body, State: "open", Author: botUser, Labels: in.Labels}
	g.issues[i.Number] = i
	g.next++
	for _, l := range in.Labels {
		g.labels[l] = true
	}
	g.writes = append(g.writes, in.Title, in.Body)
	ghJSON(w, http.StatusCreated, g.issueJSON(i))
}

func (g *ghServer) editIssue(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Title, Body, State *string
		StateReason        *string `json:"state_reason"`
	}
	g.decode(r, &in)
	g.mu.Lock()
	defer g.mu.Unlock()
	i := g.issueOf(w, r)
	if i == nil {
		return
	}
	for dst, src := range map[*string]*string{&i.Title: in.Title, &i.Body: in.Body, &i.State: in.State, &i.StateReason: in.StateReason} {
		if src != nil {
			*dst = *src
			g.writes = append(g.writes, *src)
		}
	}
	ghJSON(w, http.StatusOK, g.issueJSON(i))
}

// issueOf is the issue or pull request {n} of the path, or answers 404.
func (g *ghServer) issueOf(w http.ResponseWriter, r *http.Request) *ghIssue {
	n, _ := strconv.Atoi(r.PathValue("n"))
	i := g.issues[n]
	if i == nil {
		ghJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
	}
	return i
}

func (g *ghServer) sorted() []*ghIssue {
	var out []*ghIssue
	for n := 1; n < g.next; n++ {
		if i := g.issues[n]; i != nil {
			out = append(out, i)
		}
	}
	return out
}

func (g *ghServer) web(path string, args ...any) string {
	return g.URL + "/" + wfRepo + fmt.Sprintf(path, args...)
}

func (g *ghServer) commentJSON(n int, c *ghComment) map[string]any {
	return map[string]any{"id": c.ID, "body": c.Body, "user": map[string]any{"login": c.Author, "type": "Bot"},
		"html_url": g.web("/pull/%d#issuecomment-%d", n, c.ID)}
}

func (g *ghServer) issueJSON(i *ghIssue) map[string]any {
	m := map[string]any{"number": i.Number, "title": i.Title, "body": i.Body, "state": i.State, "labels": labelsJSON(i.Labels),
		"user": map[string]any{"login": i.Author}, "html_url": g.web("/issues/%d", i.Number)}
	if i.StateReason != "" {
		m["state_reason"] = i.StateReason
	}
	if i.PR != nil {
		m["pull_request"] = map[string]any{"url": g.URL + "/api/v3/repos/" + wfRepo + "/pulls/" + strconv.Itoa(i.Number)}
	}
	return m
}

func (g *ghServer) pullJSON(i *ghIssue) map[string]any {
	p := i.PR
	headRepo := wfRepo
	if p.Fork {
		headRepo = "outsider/" + wfName
	}
	m := map[string]any{"number": i.Number, "title": i.Title, "state": i.State, "merged": !p.MergedAt.IsZero(), "merged_at": nil,
		"html_url": g.web("/pull/%d", i.Number),
		"head":     map[string]any{"ref": p.Head, "sha": p.HeadSHA, "repo": map[string]any{"full_name": headRepo, "fork": p.Fork}},
		"base":     map[string]any{"ref": p.Base, "repo": map[string]any{"full_name": wfRepo}}}
	if !p.MergedAt.IsZero() {
		m["merged_at"], m["merge_commit_sha"] = p.MergedAt.UTC().Format(time.RFC3339), p.MergeCommitSHA
	}
	return m
}

func labelsJSON(names []string) []any {
	out := []any{}
	for _, n := range names {
		out = append(out, map[string]string{"name": n, "color": "ededed"})
	}
	return out
}

func (g *ghServer) decode(r *http.Request, v any) {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		g.t.Errorf("fake GitHub: bad body for %s %s: %v", r.Method, r.URL.Path, err)
	}
}

// ghPage answers one page as GitHub does (per_page, page, a Link to the next).
func ghPage(w http.ResponseWriter, r *http.Request, items []any) {
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if per <= 0 || per > 100 {
		per = 30
	}
	page := max(1, func() int { p, _ := strconv.Atoi(r.URL.Query().Get("page")); return p }())
	lo, hi := min((page-1)*per, len(items)), min(page*per, len(items))
	if hi < len(items) {
		next := *r.URL
		q := next.Query()
		q.Set("page", strconv.Itoa(page+1))
		next.RawQuery = q.Encode()
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s>; rel="next"`, r.Host, next.RequestURI()))
	}
	ghJSON(w, http.StatusOK, items[lo:hi])
}

func ghJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
