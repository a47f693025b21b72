package genesys

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// listPageSize is the largest page the list endpoints serve.
const listPageSize = 100

// DefaultListTimeout bounds a whole listing unless Config says otherwise.
const DefaultListTimeout = 5 * time.Minute

// maxPages stops a server that keeps announcing more pages.
const maxPages = 10000

// page is one answer of a paged listing. Unlike Listing it tells an absent
// pageCount or total from 0, and it has the cursor some endpoints page by.
type page[T any] struct {
	Entities  []T    `json:"entities"`
	Total     *int   `json:"total"`
	PageCount *int   `json:"pageCount"`
	NextURI   string `json:"nextUri"`
	Cursor    string `json:"cursor"`
}

// listAll reads every page of a listing with pageSize 100; extra holds the
// only other filters sent. A short list would make a plan recreate or miss
// policies, so every way the answer can go wrong is an error.
//
// When the first page says how many pages there are (pageCount), the rest
// are fetched at once, at most the client's list concurrency at a time, all
// under the same rate limits; otherwise (nextUri, cursor) page follows page.
func listAll[T any](ctx context.Context, c *Client, route, path string, extra url.Values) ([]T, error) {
	// However the pages come, a listing ends: an answer that announces
	// page after page cannot keep a run going for half an hour.
	parent := ctx
	ctx, cancel := context.WithTimeoutCause(ctx, c.listTimeout, fmt.Errorf("GET %s: the listing took longer than %s; giving up", route, c.listTimeout))
	defer cancel()
	all, err := listPages[T](ctx, c, route, path, extra)
	if err != nil && ctx.Err() != nil && parent.Err() == nil {
		return nil, context.Cause(ctx)
	}
	return all, err
}

func listPages[T any](ctx context.Context, c *Client, route, path string, extra url.Values) ([]T, error) {
	q := url.Values{"pageSize": {strconv.Itoa(listPageSize)}, "pageNumber": {"1"}}
	maps.Copy(q, extra)
	var first page[T]
	if err := c.do(ctx, call{method: http.MethodGet, route: route, path: path, query: q}, &first); err != nil {
		return nil, err
	}
	if first.PageCount != nil && *first.PageCount > 1 {
		return listCounted(ctx, c, route, path, q, first)
	}
	return listSequential(ctx, c, route, path, q, first)
}

// listCounted fetches pages 2 to pageCount concurrently and returns every
// page's entities in page order. The first failure stops the rest.
func listCounted[T any](ctx context.Context, c *Client, route, path string, q url.Values, first page[T]) ([]T, error) {
	n := *first.PageCount
	if n > maxPages {
		return nil, fmt.Errorf("GET %s: more than %d pages; giving up", route, maxPages)
	}
	if len(first.Entities) == 0 {
		return nil, fmt.Errorf("GET %s: page 1 was empty but announced more; re-run, and report it if it persists", route)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	pages := make([][]T, n)
	pages[0] = first.Entities
	var (
		mu    sync.Mutex
		fail  error
		last  page[T]
		wg    sync.WaitGroup
		queue = make(chan int)
	)
	stop := func(err error) {
		mu.Lock()
		if fail == nil {
			fail = err
			cancel(err)
		}
		mu.Unlock()
	}
	for range min(c.listConc, n-1) {
		wg.Go(func() {
			for k := range queue {
				var p page[T]
				if err := c.do(ctx, call{method: http.MethodGet, route: route, path: path, query: with(q, "pageNumber", strconv.Itoa(k))}, &p); err != nil {
					stop(err)
					continue
				}
				switch {
				case p.PageCount == nil || *p.PageCount != n:
					stop(fmt.Errorf("GET %s: page %d announced %s pages where page 1 announced %d (the listing changed while it was read); re-run", route, k, countText(p.PageCount), n))
				case len(p.Entities) == 0 && k < n:
					stop(fmt.Errorf("GET %s: page %d was empty but announced more; re-run, and report it if it persists", route, k))
				}
				pages[k-1] = p.Entities // each worker writes its own pages
				if k == n {
					mu.Lock()
					last = p
					mu.Unlock()
				}
			}
		})
	}
feed:
	for k := 2; k <= n; k++ {
		select {
		case queue <- k:
		case <-ctx.Done():
			break feed
		}
	}
	close(queue)
	wg.Wait()
	if fail != nil {
		return nil, fail
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var all []T
	for _, p := range pages {
		all = append(all, p...)
	}
	if err := checkTotal(route, last.Total, len(all)); err != nil {
		return nil, err
	}
	return all, nil
}

// countText shows an announced page count, or that there was none.
func countText(n *int) string {
	if n == nil {
		return "no"
	}
	return strconv.Itoa(*n)
}

// listSequential follows a listing page by page from its first page,
// fetched with q: by nextUri or cursor (or a single counted page).
func listSequential[T any](ctx context.Context, c *Client, route, path string, q url.Values, p page[T]) ([]T, error) {
	var all []T
	seen := map[string]bool{}
	for n := 1; n <= maxPages; n++ {
		if n > 1 {
			p = page[T]{}
			if err := c.do(ctx, call{method: http.MethodGet, route: route, path: path, query: q}, &p); err != nil {
				return nil, err
			}
		}
		seen[q.Encode()] = true
		all = append(all, p.Entities...)
		next, err := p.next(c.base, path, n, q)
		switch {
		case err != nil:
			return nil, fmt.Errorf("GET %s: page %d: %w", route, n, err)
		case next == nil:
			if err := checkTotal(route, p.Total, len(all)); err != nil {
				return nil, err
			}
			return all, nil
		case len(p.Entities) == 0:
			return nil, fmt.Errorf("GET %s: page %d was empty but announced more; re-run, and report it if it persists", route, n)
		case seen[next.Encode()]:
			return nil, fmt.Errorf("GET %s: page %d leads back to a page already read (the server is looping); re-run, and report it if it persists", route, n)
		}
		q = next
	}
	return nil, fmt.Errorf("GET %s: more than %d pages; giving up", route, maxPages)
}

// next returns the query for the page after p, page n fetched with q, or
// nil when p is the last. pageCount is trusted first, then nextUri, then
// cursor; an answer with none of them has no more pages.
func (p page[T]) next(base, path string, n int, q url.Values) (url.Values, error) {
	switch {
	case p.PageCount != nil:
		if n >= *p.PageCount {
			return nil, nil
		}
		return with(q, "pageNumber", strconv.Itoa(n+1)), nil
	case p.NextURI != "":
		return nextURIQuery(base, path, p.NextURI)
	case p.Cursor != "":
		nq := with(q, "cursor", p.Cursor)
		nq.Del("pageNumber") // the cursor says where to go on
		return nq, nil
	}
	return nil, nil
}

// nextURIQuery takes the query of a nextUri that addresses path on the
// client's own host. Only the query is used, but a nextUri elsewhere means
// the answer is not to be trusted.
func nextURIQuery(base, path, raw string) (url.Values, error) {
	b, _ := url.Parse(base) // New checked it
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("nextUri is not a URL; refusing to follow it")
	}
	if (u.Scheme != "" || u.Host != "") && (u.Scheme != b.Scheme || !strings.EqualFold(u.Host, b.Host)) {
		return nil, fmt.Errorf("nextUri leaves %s://%s; refusing to follow it (check %s if a proxy rewrites answers)", b.Scheme, b.Host, EnvAPIURL)
	}
	if u.EscapedPath() != path {
		return nil, fmt.Errorf("nextUri leaves %s; refusing to follow it", path)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, errors.New("nextUri has a malformed query; refusing to follow it")
	}
	return q, nil
}

// checkTotal fails when the pages held other than the total announced.
func checkTotal(route string, total *int, read int) error {
	if total == nil || *total == read {
		return nil
	}
	return fmt.Errorf("GET %s: the organisation reported total %d but its pages held %d; re-run, and report it if it persists", route, *total, read)
}

// with returns a copy of q with k set to v.
func with(q url.Values, k, v string) url.Values {
	nq := maps.Clone(q)
	nq.Set(k, v)
	return nq
}
