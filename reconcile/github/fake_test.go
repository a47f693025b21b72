package github

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const testToken = "ghs_t0kenValueThatMustNeverLeak"

// fakeComment is an issue comment as the fake API stores it.
type fakeComment struct {
	ID     int64
	Body   string
	Author string
}

type fakePR struct {
	Number         int
	MergeCommitSHA string
	Merged         bool
	MergedAt       string // RFC 3339; a default time when Merged and empty
}

// fakeGitHub is the subset of the GitHub REST API retainctl uses, served by a
// Go 1.22 ServeMux under /api-v3/ so absolute URLs built by mistake fail.
type fakeGitHub struct {
	t  testing.TB
	mu sync.Mutex

	comments   map[int][]*fakeComment // by pull request
	nextID     int64
	repoLabels map[string]string // name -> color
	prLabels   map[int][]string
	pulls      map[string][]fakePR // by commit sha
	// state is each pull request's state for GET /pulls/{n} ("open",
	// "closed", "merged"); a missing one is open. closed lists the
	// closed pull requests into main, the newest updated first.
	state      map[int]string
	closed     []fakePR
	denyWrites int // answer POST/PATCH/DELETE with this status when set
	issues     []*fakeIssue
	requests   []string // "METHOD path" of every request, in order
}

func newFakeGitHub(t testing.TB) (*fakeGitHub, *httptest.Server) {
	f := &fakeGitHub{
		t:          t,
		comments:   map[int][]*fakeComment{},
		nextID:     1000,
		repoLabels: map[string]string{},
		prLabels:   map[int][]string{},
		pulls:      map[string][]fakePR{},
		state:      map[int]string{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /repos/acme/policies/issues/{n}/comments", f.listComments)
	mux.HandleFunc("POST /repos/acme/policies/issues/{n}/comments", f.createComment)
	mux.HandleFunc("PATCH /repos/acme/policies/issues/comments/{id}", f.editComment)
	mux.HandleFunc("GET /repos/acme/policies/issues/{n}/labels", f.listIssueLabels)
	mux.HandleFunc("POST /repos/acme/policies/issues/{n}/labels", f.addIssueLabels)
	mux.HandleFunc("DELETE /repos/acme/policies/issues/{n}/labels/{name}", f.removeIssueLabel)
	mux.HandleFunc("GET /repos/acme/policies/labels/{name}", f.getLabel)
	mux.HandleFunc("POST /repos/acme/policies/labels", f.createLabel)
	mux.HandleFunc("GET /repos/acme/policies/commits/{sha}/pulls", f.commitPulls)
	mux.HandleFunc("GET /repos/acme/policies/pulls/{n}", f.getPull)
	mux.HandleFunc("GET /repos/acme/policies/pulls", f.listPulls)
	mux.HandleFunc("GET /repos/acme/policies/issues", f.listIssues)
	mux.HandleFunc("POST /repos/acme/policies/issues", f.createIssue)
	mux.HandleFunc("PATCH /repos/acme/policies/issues/{n}", f.editIssue)
	srv := httptest.NewServer(http.StripPrefix("/api-v3", f.guard(mux)))
	t.Cleanup(srv.Close)
	return f, srv
}

// guard logs the request, checks the token and applies denyWrites.
func (f *fakeGitHub) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, r.Method+" "+r.URL.Path)
		deny := f.denyWrites
		f.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
			return
		}
		if deny != 0 && r.Method != http.MethodGet {
			writeJSON(w, deny, map[string]string{"message": "Resource not accessible by integration"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (f *fakeGitHub) count(method, prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.requests {
		if strings.HasPrefix(r, method+" "+prefix) {
			n++
		}
	}
	return n
}

// addComments appends n comments by author with bodies from body(i).
func (f *fakeGitHub) addComments(pr, n int, author string, body func(i int) string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range n {
		f.nextID++
		f.comments[pr] = append(f.comments[pr], &fakeComment{ID: f.nextID, Body: body(i), Author: author})
	}
}

func (f *fakeGitHub) commentsOf(pr int) []fakeComment {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]fakeComment, len(f.comments[pr]))
	for i, c := range f.comments[pr] {
		out[i] = *c
	}
	return out
}

func (f *fakeGitHub) listComments(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	pr := f.pathInt(r, "n")
	items := make([]any, 0)
	for _, c := range f.comments[pr] {
		items = append(items, commentJSON(c))
	}
	writePage(w, r, items)
}

func (f *fakeGitHub) createComment(w http.ResponseWriter, r *http.Request) {
	var in struct{ Body string }
	f.decode(r, &in)
	f.mu.Lock()
	defer f.mu.Unlock()
	pr := f.pathInt(r, "n")
	f.nextID++
	c := &fakeComment{ID: f.nextID, Body: in.Body, Author: DefaultBotLogin}
	f.comments[pr] = append(f.comments[pr], c)
	writeJSON(w, http.StatusCreated, commentJSON(c))
}

func (f *fakeGitHub) editComment(w http.ResponseWriter, r *http.Request) {
	var in struct{ Body string }
	f.decode(r, &in)
	f.mu.Lock()
	defer f.mu.Unlock()
	id := int64(f.pathInt(r, "id"))
	for _, cs := range f.comments {
		for _, c := range cs {
			if c.ID == id {
				c.Body = in.Body
				writeJSON(w, http.StatusOK, commentJSON(c))
				return
			}
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
}

func (f *fakeGitHub) listIssueLabels(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	items := make([]any, 0)
	for _, name := range f.prLabels[f.pathInt(r, "n")] {
		items = append(items, map[string]string{"name": name, "color": f.repoLabels[name]})
	}
	writePage(w, r, items)
}

func (f *fakeGitHub) addIssueLabels(w http.ResponseWriter, r *http.Request) {
	var names []string
	f.decode(r, &names)
	f.mu.Lock()
	defer f.mu.Unlock()
	pr := f.pathInt(r, "n")
	for _, n := range names {
		if _, ok := f.repoLabels[n]; !ok {
			f.repoLabels[n] = "ededed" // GitHub creates unknown labels grey
		}
		if !slices.Contains(f.prLabels[pr], n) {
			f.prLabels[pr] = append(f.prLabels[pr], n)
		}
	}
	writeJSON(w, http.StatusOK, []any{})
}

func (f *fakeGitHub) removeIssueLabel(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	pr, name := f.pathInt(r, "n"), r.PathValue("name")
	i := slices.Index(f.prLabels[pr], name)
	if i < 0 {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Label does not exist"})
		return
	}
	f.prLabels[pr] = slices.Delete(f.prLabels[pr], i, i+1)
	writeJSON(w, http.StatusOK, []any{})
}

func (f *fakeGitHub) getLabel(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := r.PathValue("name")
	color, ok := f.repoLabels[name]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"name": name, "color": color})
}

func (f *fakeGitHub) createLabel(w http.ResponseWriter, r *http.Request) {
	var in struct{ Name, Color string }
	f.decode(r, &in)
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.repoLabels[in.Name]; ok {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed"})
		return
	}
	f.repoLabels[in.Name] = in.Color
	writeJSON(w, http.StatusCreated, map[string]string{"name": in.Name, "color": in.Color})
}

func (f *fakeGitHub) commitPulls(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	items := make([]any, 0)
	for _, p := range f.pulls[r.PathValue("sha")] {
		items = append(items, pullJSON(p))
	}
	writePage(w, r, items)
}

func pullJSON(p fakePR) map[string]any {
	pr := map[string]any{"number": p.Number, "state": "open", "merged_at": nil, "base": map[string]any{"ref": "main"}}
	if p.Merged {
		at := p.MergedAt
		if at == "" {
			at = "2026-03-03T16:40:12Z"
		}
		pr["state"], pr["merged_at"] = "closed", at
	}
	if p.MergeCommitSHA != "" {
		pr["merge_commit_sha"] = p.MergeCommitSHA
	}
	return pr
}

func (f *fakeGitHub) getPull(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.pathInt(r, "n")
	pr := map[string]any{"number": n, "state": "open", "merged": false}
	switch f.state[n] {
	case "closed":
		pr["state"] = "closed"
	case "merged":
		pr["state"], pr["merged"], pr["merged_at"] = "closed", true, "2026-03-03T16:40:12Z"
	}
	writeJSON(w, http.StatusOK, pr)
}

func (f *fakeGitHub) listPulls(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	if q.Get("state") != "closed" || q.Get("base") != "main" || q.Get("sort") != "updated" || q.Get("direction") != "desc" {
		f.t.Errorf("fake GitHub: listing pull requests with %s", r.URL.RawQuery)
	}
	items := make([]any, 0)
	for _, p := range f.closed {
		items = append(items, pullJSON(p))
	}
	writePage(w, r, items)
}

func commentJSON(c *fakeComment) map[string]any {
	return map[string]any{
		"id":       c.ID,
		"body":     c.Body,
		"html_url": fmt.Sprintf("https://github.com/acme/policies/pull/1#issuecomment-%d", c.ID),
		"user":     map[string]any{"login": c.Author},
	}
}

// writePage answers one page of items as GitHub does: per_page (default 30,
// max 100), page from 1, and a Link header pointing at the next page.
func writePage(w http.ResponseWriter, r *http.Request, items []any) {
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if per <= 0 || per > 100 {
		per = 30
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	lo, hi := min((page-1)*per, len(items)), min(page*per, len(items))
	if hi < len(items) {
		next := *r.URL
		q := next.Query()
		q.Set("page", strconv.Itoa(page+1))
		next.RawQuery = q.Encode()
		w.Header().Set("Link", fmt.Sprintf(`<http://%s/api-v3%s>; rel="next"`, r.Host, next.RequestURI()))
	}
	writeJSON(w, http.StatusOK, items[lo:hi])
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeGitHub) decode(r *http.Request, v any) {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		f.t.Errorf("fake GitHub: bad request body for %s %s: %v", r.Method, r.URL.Path, err)
	}
}

func (f *fakeGitHub) pathInt(r *http.Request, name string) int {
	n, err := strconv.Atoi(r.PathValue(name))
	if err != nil {
		f.t.Errorf("fake GitHub: %s %s: %s is not a number", r.Method, r.URL.Path, name)
	}
	return n
}

// testEnv is the Actions environment of a same-repository pull request.
func testEnv(srv *httptest.Server) Env {
	return Env{
		Owner: "acme", Repo: "policies", Token: testToken,
		APIURL:    srv.URL + "/api-v3/",
		ServerURL: "https://github.com", RunID: "4242",
		BotLogin: DefaultBotLogin,
		Event: Event{Name: "pull_request", PR: &PullRequest{
			Number: 1, HeadSHA: "abc", HeadRepo: "acme/policies", BaseRepo: "acme/policies",
		}},
	}
}

func newTestClient(t *testing.T) (*fakeGitHub, *Client) {
	t.Helper()
	f, srv := newFakeGitHub(t)
	c, err := NewClient(testEnv(srv), srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

// fakeIssue is an issue as the fake API stores it (numbers from 500).
type fakeIssue struct {
	Number             int
	Title, Body, State string
	StateReason        string
	Labels             []string
	Author             string
}

func issueJSON(i *fakeIssue) map[string]any {
	labels := make([]any, 0)
	for _, l := range i.Labels {
		labels = append(labels, map[string]string{"name": l})
	}
	return map[string]any{"number": i.Number, "title": i.Title, "body": i.Body, "state": i.State, "labels": labels,
		"user": map[string]any{"login": i.Author}, "html_url": fmt.Sprintf("https://github.com/acme/policies/issues/%d", i.Number)}
}

// listIssues filters by state and by every label asked for, as GitHub does.
func (f *fakeGitHub) listIssues(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	items := make([]any, 0)
	for _, i := range f.issues {
		if st := q.Get("state"); st != "all" && st != "" && st != i.State {
			continue
		}
		ok := true
		for l := range strings.SplitSeq(q.Get("labels"), ",") {
			ok = ok && (l == "" || slices.Contains(i.Labels, l))
		}
		if ok {
			items = append(items, issueJSON(i))
		}
	}
	writePage(w, r, items)
}

func (f *fakeGitHub) createIssue(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Title, Body string
		Labels      []string
	}
	f.decode(r, &in)
	f.mu.Lock()
	defer f.mu.Unlock()
	i := &fakeIssue{Number: 500 + len(f.issues), Title: in.Title, Body: in.Body, State: "open", Labels: in.Labels, Author: DefaultBotLogin}
	f.issues = append(f.issues, i)
	writeJSON(w, http.StatusCreated, issueJSON(i))
}

func (f *fakeGitHub) editIssue(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Body, State *string
		StateReason *string `json:"state_reason"`
	}
	f.decode(r, &in)
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.pathInt(r, "n")
	for _, i := range f.issues {
		if i.Number != n {
			continue
		}
		if in.Body != nil {
			i.Body = *in.Body
		}
		if in.State != nil {
			i.State = *in.State
		}
		if in.StateReason != nil {
			i.StateReason = *in.StateReason
		}
		writeJSON(w, http.StatusOK, issueJSON(i))
		return
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
}

// addIssue files an issue as author would.
func (f *fakeGitHub) addIssue(i fakeIssue) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i.Number = 500 + len(f.issues)
	f.issues = append(f.issues, &i)
}

func (f *fakeGitHub) issuesNow() []fakeIssue {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]fakeIssue, len(f.issues))
	for i, is := range f.issues {
		out[i] = *is
	}
	return out
}
