package genesys_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	// Page 1 first; then 2 and 3 at once, in either order.
	if len(pages) != 3 || pages[0] != "1" || !slices.Equal(slices.Sorted(slices.Values(pages)), []string{"1", "2", "3"}) {
		t.Fatalf("pages requested %q, want 1, then 2 and 3", pages)
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

// Pages after the first are fetched at once, at most the list concurrency
// at a time, and come back in page order however their answers are timed.
func TestListCountedPagesComeInOrder(t *testing.T) {
	var inFlight, most atomic.Int32
	l := newLister(t, func(q url.Values) string {
		n, _ := strconv.Atoi(q.Get("pageNumber"))
		now := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
		}
		time.Sleep(time.Duration((n*7)%5) * time.Millisecond) // later pages may answer first
		return fmt.Sprintf(`{"entities":[{"id":"%d","name":"p%d"}],"pageCount":50,"total":50}`, n, n)
	})
	ps, err := l.client.ListPolicies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for n := 1; n <= 50; n++ {
		want = append(want, "p"+strconv.Itoa(n))
	}
	if got := names(ps); got != strings.Join(want, ",") {
		t.Fatalf("listed %s, want p1 to p50 in order", got)
	}
	if m := most.Load(); m < 2 || m > genesys.DefaultListConcurrency {
		t.Errorf("%d pages were in flight at once, want 2 to %d", m, genesys.DefaultListConcurrency)
	}
	if got := len(l.sent()); got != 50 {
		t.Errorf("%d requests for 50 pages", got)
	}
}

// The first failing page ends the listing: the pages not yet asked for are
// never asked for.
func TestListCountedStopsOnFirstError(t *testing.T) {
	var asked atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		n := r.URL.Query().Get("pageNumber")
		w.Header().Set("Content-Type", "application/json")
		if n == "5" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"message":"bad page","code":"bad.request","status":400}`)
			return
		}
		time.Sleep(5 * time.Millisecond)
		fmt.Fprintf(w, `{"entities":[{"id":"%s","name":"p%s"}],"pageCount":500,"total":500}`, n, n)
	}))
	t.Cleanup(api.Close)
	c, err := genesys.New(genesys.Config{BaseURL: api.URL, AccessToken: "static-token", MaxRetries: -1, Sleep: noWait})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := c.ListPolicies(context.Background())
	if err == nil || !strings.Contains(err.Error(), "400") || ps != nil {
		t.Fatalf("listed %d, err %v: want the 400 of page 5", len(ps), err)
	}
	if n := asked.Load(); n > 40 {
		t.Errorf("%d of 500 pages were asked for after page 5 failed", n)
	}
}

// A page that announces another page count than the first (the listing
// changed while it was read) fails the listing.
func TestListPageCountChangingFails(t *testing.T) {
	l := newLister(t, func(q url.Values) string {
		count := 3
		if q.Get("pageNumber") == "3" {
			count = 4
		}
		return fmt.Sprintf(`{"entities":%s,"pageCount":%d}`, entities("p"+q.Get("pageNumber")+"-", 2), count)
	})
	if _, err := l.client.ListPolicies(context.Background()); err == nil || !strings.Contains(err.Error(), "changed while it was read") {
		t.Fatalf("err = %v", err)
	}
}

// More pages than the client ever reads are refused after the first page.
func TestListTooManyPagesFailsAtOnce(t *testing.T) {
	l := newLister(t, func(url.Values) string {
		return `{"entities":[{"id":"a","name":"a"}],"pageCount":100000,"total":100000}`
	})
	if _, err := l.client.ListPolicies(context.Background()); err == nil || !strings.Contains(err.Error(), "more than 10000 pages") || len(l.sent()) != 1 {
		t.Fatalf("err = %v after %d requests", err, len(l.sent()))
	}
}
