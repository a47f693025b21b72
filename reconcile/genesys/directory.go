package genesys

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Kind is a kind of named platform object a filter can reference.
type Kind string

const (
	KindQueue      Kind = "queue"
	KindUser       Kind = "user"
	KindTeam       Kind = "team"
	KindWrapupCode Kind = "wrapupCode"
	KindLanguage   Kind = "language"
)

// Entity is a named platform object; Email is set for users.
type Entity struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

const (
	routeQueues      = "/api/v2/routing/queues"
	routeWrapupcodes = "/api/v2/routing/wrapupcodes"
	routeLanguages   = "/api/v2/routing/languages"
	routeTeams       = "/api/v2/teams"
	routeTeam        = routeTeams + "/{teamId}"
	routeUsers       = "/api/v2/users"
	routeUsersSearch = routeUsers + "/search"
)

// idBatch is how many ids one ?id= listing asks for: one full page.
const idBatch = listPageSize

// countedRoutes are the kinds listed with pageNumber/pageSize, and
// filtered by name= and by repeated id=.
var countedRoutes = map[Kind]string{
	KindQueue: routeQueues, KindWrapupCode: routeWrapupcodes, KindLanguage: routeLanguages, KindUser: routeUsers,
}

// FindByName returns the entities the platform's own name filter or search
// answers for name, every page of them (capped, as listings are), without
// filtering further: the caller enforces exact matching.
//
// Queues: GET /api/v2/routing/queues?name= (the name, leading and trailing
// asterisks allowed); wrap-up codes and languages: ?name= on their
// listings; teams: GET /api/v2/teams?name= (a case-insensitive prefix,
// paged by cursor); users: POST /api/v2/users/search with an EXACT
// criterion on name and email.
func (c *Client) FindByName(ctx context.Context, kind Kind, name string) ([]Entity, error) {
	if strings.TrimSpace(name) == "" {
		return nil, fmt.Errorf("find %s by name: the name is empty", kind)
	}
	var (
		es    []Entity
		err   error
		route string
	)
	switch kind {
	case KindUser:
		route = routeUsersSearch
		es, err = c.searchUsers(ctx, name)
	case KindTeam:
		// Teams page by cursor (after=, in nextUri) and take no pageNumber:
		// a nil value drops it from the first request's query.
		route = routeTeams
		es, err = listAll[Entity](ctx, c, route, route, url.Values{"name": {name}, "pageNumber": nil})
	case KindQueue, KindWrapupCode, KindLanguage:
		route = countedRoutes[kind]
		es, err = listAll[Entity](ctx, c, route, route, url.Values{"name": {name}})
	default:
		return nil, fmt.Errorf("find by name: unknown kind %q", kind)
	}
	if err != nil {
		return nil, err
	}
	return es, checkEntities(route, es)
}

// NamesOf returns the current name of each id that exists (absent ids are
// left out), in as few requests as the platform allows: queues, wrap-up
// codes, languages and users by listings with repeated id= (a page of ids
// at a time; users in any state, so a deactivated agent's id still
// resolves); teams one GET /api/v2/teams/{teamId} each (the listing takes
// no ids), at most the list concurrency at once.
func (c *Client) NamesOf(ctx context.Context, kind Kind, ids []string) (map[string]string, error) {
	var want []string
	seen := map[string]bool{}
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			want = append(want, id)
		}
	}
	out := map[string]string{}
	if kind == KindTeam {
		return out, c.teamNames(ctx, want, out)
	}
	route, ok := countedRoutes[kind]
	if !ok {
		return nil, fmt.Errorf("names of ids: unknown kind %q", kind)
	}
	for lo := 0; lo < len(want); lo += idBatch {
		batch := want[lo:min(lo+idBatch, len(want))]
		q := url.Values{"id": batch}
		if kind == KindUser {
			q.Set("state", "any")
		}
		es, err := listAll[Entity](ctx, c, route, route, q)
		if err != nil {
			return nil, err
		}
		if err := checkEntities(route, es); err != nil {
			return nil, err
		}
		for _, e := range es {
			if seen[e.ID] { // an id not asked for is no answer to the question
				out[e.ID] = e.Name
			}
		}
	}
	return out, nil
}

// teamNames reads each team by id; a 404 means it does not exist.
func (c *Client) teamNames(ctx context.Context, ids []string, out map[string]string) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		fail error
		sem  = make(chan struct{}, max(c.listConc, 1))
	)
	for _, id := range ids {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			var e Entity
			err := c.do(ctx, call{method: http.MethodGet, route: routeTeam, path: routeTeams + "/" + url.PathEscape(id)}, &e)
			switch {
			case IsNotFound(err):
				return
			case err == nil && e.ID != id:
				err = fmt.Errorf("GET %s: asked for team %s, answered %q; refusing the answer", routeTeam, id, e.ID)
			case err == nil:
				err = checkEntities(routeTeam, []Entity{e})
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if fail == nil {
					fail = err
					cancel(err)
				}
				return
			}
			out[id] = e.Name
		})
	}
	wg.Wait()
	if fail != nil {
		return fail
	}
	return ctx.Err()
}

// checkEntities refuses an answer whose entities lack an id or a name: a
// filter resolved against it would select nothing, or the wrong thing.
func checkEntities(route string, es []Entity) error {
	for i, e := range es {
		if strings.TrimSpace(e.ID) == "" || e.Name == "" {
			return fmt.Errorf("GET %s: entity %d of the answer has no id or no name; refusing the answer", route, i+1)
		}
	}
	return nil
}

// userSearchRequest is the UserSearchRequest retainctl sends.
type userSearchRequest struct {
	PageSize   int                  `json:"pageSize"`
	PageNumber int                  `json:"pageNumber"`
	Query      []userSearchCriteria `json:"query"`
}

type userSearchCriteria struct {
	Type   string   `json:"type"`
	Fields []string `json:"fields"`
	Value  string   `json:"value"`
}

// usersSearchResponse is the part of UsersSearchResponse read: counted
// pages, the users in results.
type usersSearchResponse struct {
	Total     *int     `json:"total"`
	PageCount *int     `json:"pageCount"`
	Results   []Entity `json:"results"`
}

// searchUsers reads every page of an EXACT search on name and email. The
// search is a POST that changes nothing, so a lost answer is asked again
// (the client retries only idempotent methods by itself).
func (c *Client) searchUsers(ctx context.Context, value string) ([]Entity, error) {
	parent := ctx
	ctx, cancel := context.WithTimeoutCause(ctx, c.listTimeout, fmt.Errorf("POST %s: the search took longer than %s; giving up", routeUsersSearch, c.listTimeout))
	defer cancel()
	var all []Entity
	pages := -1
	for n := 1; pages < 0 || n <= pages; n++ {
		var p usersSearchResponse
		body := userSearchRequest{PageSize: listPageSize, PageNumber: n,
			Query: []userSearchCriteria{{Type: "EXACT", Fields: []string{"name", "email"}, Value: value}}}
		if err := c.search(ctx, body, &p); err != nil {
			if ctx.Err() != nil && parent.Err() == nil {
				return nil, context.Cause(ctx)
			}
			return nil, err
		}
		switch {
		case p.PageCount == nil || p.Total == nil:
			return nil, fmt.Errorf("POST %s: page %d has no pageCount or total; refusing the answer", routeUsersSearch, n)
		case *p.PageCount > maxPages:
			return nil, fmt.Errorf("POST %s: more than %d pages; giving up", routeUsersSearch, maxPages)
		case pages >= 0 && *p.PageCount != pages:
			return nil, fmt.Errorf("POST %s: page %d announced %d pages where page 1 announced %d (the directory changed while it was read); re-run", routeUsersSearch, n, *p.PageCount, pages)
		case *p.PageCount < 0:
			return nil, fmt.Errorf("POST %s: page %d announced %d pages; refusing the answer", routeUsersSearch, n, *p.PageCount)
		case len(p.Results) == 0 && n < *p.PageCount:
			return nil, fmt.Errorf("POST %s: page %d was empty but announced more; re-run, and report it if it persists", routeUsersSearch, n)
		}
		pages = *p.PageCount
		all = append(all, p.Results...)
		if n >= pages {
			if err := checkTotal(routeUsersSearch, p.Total, len(all)); err != nil {
				return nil, err
			}
			break
		}
	}
	return all, nil
}

// search posts one page of a user search, asking again when the outcome
// of a try is unknown, as many times as the client retries a GET.
func (c *Client) search(ctx context.Context, body userSearchRequest, out *usersSearchResponse) error {
	bo := newBackoff()
	for try := 0; ; try++ {
		err := c.do(ctx, call{method: http.MethodPost, route: routeUsersSearch, path: routeUsersSearch, body: body}, out)
		if err == nil || !errors.Is(err, ErrOutcomeUnknown) || try >= c.maxRetries {
			return err
		}
		if err := c.sleep(ctx, bo.NextBackOff()); err != nil {
			return err
		}
	}
}
