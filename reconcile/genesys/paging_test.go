package genesys_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

const policiesPath = "/api/v2/recording/mediaretentionpolicies"

// lister is a client against a server that answers each list request with
// page(its query) and keeps the queries it was sent.
type lister struct {
	client  *genesys.Client
	srv     *httptest.Server
	mu      sync.Mutex
	queries []url.Values
}

func newLister(t *testing.T, page func(q url.Values) string) *lister {
	t.Helper()
	l := &lister{}
	l.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.queries = append(l.queries, r.URL.Query())
		l.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, page(r.URL.Query()))
	}))
	t.Cleanup(l.srv.Close)
	c, err := genesys.New(genesys.Config{BaseURL: l.srv.URL, AccessToken: "static-token", MaxRetries: -1,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	l.client = c
	return l
}

func (l *lister) sent() []url.Values {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.queries)
}

// entities renders n policies named prefix0, prefix1...
func entities(prefix string, n int) string {
	var s []string
	for i := range n {
		s = append(s, fmt.Sprintf(`{"id":"%s%d","name":"%s%d"}`, prefix, i, prefix, i))
	}
	return "[" + strings.Join(s, ",") + "]"
}

func names(ps []genesys.Policy) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Name)
	}
	return strings.Join(s, ",")
}

// pageCount wins over a nextUri in the same answer.
func TestListFollowsPageCount(t *testing.T) {
	l := newLister(t, func(q url.Values) string {
		n := q.Get("pageNumber")
		return fmt.Sprintf(`{"entities":%s,"pageCount":3,"total":6,"nextUri":"%s?pageNumber=9"}`, entities("p"+n+"-", 2), policiesPath)
	})
	ps, err := l.client.ListPolicies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 6 {
		t.Fatalf("listed %q, want 6 policies", names(ps))
	}
	var pages []string
	for _, q := range l.sent() {
		pages = append(pages, q.Get("pageNumber"))
	}
	if !slices.Equal(pages, []string{"1", "2", "3"}) {
		t.Fatalf("pages requested %q, want 1, 2, 3", pages)
	}
}

func TestListFollowsNextURIWithoutPageCount(t *testing.T) {
	var base string
	l := newLister(t, func(q url.Values) string {
		switch q.Get("pageNumber") {
		case "1": // relative
			return `{"entities":` + entities("a", 2) + `,"nextUri":"` + policiesPath + `?pageSize=100&pageNumber=2"}`
		case "2": // absolute, on the client's host
			return `{"entities":` + entities("b", 2) + `,"nextUri":"` + base + policiesPath + `?pageSize=100&pageNumber=3"}`
		}
		return `{"entities":` + entities("c", 1) + `,"total":5}`
	})
	base = l.srv.URL
	ps, err := l.client.ListPolicies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := names(ps); got != "a0,a1,b0,b1,c0" {
		t.Fatalf("listed %q", got)
	}
	if n := len(l.sent()); n != 3 {
		t.Fatalf("%d requests, want 3", n)
	}
}

func TestListFollowsCursor(t *testing.T) {
	l := newLister(t, func(q url.Values) string {
		switch q.Get("cursor") {
		case "":
			return `{"entities":` + entities("a", 2) + `,"cursor":"c1"}`
		case "c1":
			return `{"entities":` + entities("b", 2) + `,"cursor":"c2"}`
		}
		return `{"entities":` + entities("c", 1) + `}`
	})
	jobs, err := l.client.ListRecordingJobs(context.Background(), genesys.JobPending)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 5 {
		t.Fatalf("listed %d jobs, want 5", len(jobs))
	}
	sent := l.sent()
	if len(sent) != 3 || sent[2].Get("cursor") != "c2" || sent[2].Get("state") != genesys.JobPending || sent[2].Has("pageNumber") {
		t.Fatalf("queries %v: want 3, the last with cursor=c2, the state filter and no pageNumber", sent)
	}
}

func TestListTotalMismatchFails(t *testing.T) {
	l := newLister(t, func(url.Values) string {
		return `{"entities":` + entities("p", 2) + `,"pageCount":1,"total":3}`
	})
	ps, err := l.client.ListPolicies(context.Background())
	if err == nil || ps != nil || !strings.Contains(err.Error(), "reported total 3 but its pages held 2; re-run") {
		t.Fatalf("want a total mismatch error, got %v and %d policies", err, len(ps))
	}
}

// A nextUri is followed only on the client's host and the listed path; the
// token never reaches another host.
func TestListRefusesForeignNextURI(t *testing.T) {
	var mu sync.Mutex
	var foreign []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		foreign = append(foreign, r.Header.Get("Authorization"))
		mu.Unlock()
		fmt.Fprint(w, `{"entities":[]}`)
	}))
	defer other.Close()
	host := strings.TrimPrefix(other.URL, "http://")
	for _, next := range []string{
		other.URL + policiesPath + "?pageNumber=2",
		"//" + host + policiesPath + "?pageNumber=2",
		"https:" + policiesPath + "?pageNumber=2",
		"/api/v2/users?pageNumber=2",
	} {
		t.Run(next, func(t *testing.T) {
			l := newLister(t, func(url.Values) string {
				return `{"entities":` + entities("p", 1) + `,"nextUri":"` + next + `"}`
			})
			_, err := l.client.ListPolicies(context.Background())
			if err == nil || !strings.Contains(err.Error(), "refusing to follow it") {
				t.Fatalf("want the nextUri refused, got %v", err)
			}
			if n := len(l.sent()); n != 1 {
				t.Fatalf("%d requests, want 1", n)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if len(foreign) != 0 {
		t.Fatalf("the other host got %d requests (Authorization %q)", len(foreign), foreign)
	}
}

func TestListRepeatingCursorFails(t *testing.T) {
	l := newLister(t, func(url.Values) string {
		return `{"entities":` + entities("p", 1) + `,"cursor":"same"}`
	})
	_, err := l.client.ListPolicies(context.Background())
	if err == nil || !strings.Contains(err.Error(), "looping") {
		t.Fatalf("want a loop error, got %v", err)
	}
	if n := len(l.sent()); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

func TestListEmptyPagePromisingMoreFails(t *testing.T) {
	l := newLister(t, func(url.Values) string { return `{"entities":[],"pageCount":5,"total":9}` })
	_, err := l.client.ListPolicies(context.Background())
	if err == nil || !strings.Contains(err.Error(), "page 1 was empty but announced more") {
		t.Fatalf("want an empty-page error, got %v", err)
	}
	if n := len(l.sent()); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}
