package genesys_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/sim"
)

func entityNames(es []genesys.Entity) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	slices.Sort(out)
	return out
}

// FindByName answers what the platform's filter answers, prefix and case
// matches included: exact matching is the caller's. Every kind's request
// passes the simulator's strict parameter checks (teams take no
// pageNumber, users are searched by POST).
func TestFindByNameAnswersThePlatformsMatches(t *testing.T) {
	e := newEnv(t, sim.Options{Seed: 1}, nil)
	ctx := context.Background()
	for _, tc := range []struct {
		kind genesys.Kind
		name string
		want []string
	}{
		{genesys.KindQueue, "Collections", []string{"Collections"}},
		{genesys.KindQueue, "collections*", []string{"Collections", "Collections EU"}},
		{genesys.KindQueue, "Nowhere", nil},
		{genesys.KindTeam, "tier", []string{"Tier 1", "Tier 2"}},
		{genesys.KindWrapupCode, "Sale", []string{"Sale"}},
		{genesys.KindWrapupCode, "s", []string{"Sale"}},
		{genesys.KindLanguage, "Span", []string{"Spanish"}},
		{genesys.KindUser, "sam lee", []string{"Sam Lee", "Sam Lee"}},
		{genesys.KindUser, "ana.silva@example.com", []string{"Ana Silva"}},
		{genesys.KindUser, "Ana", nil},
	} {
		got, err := e.client.FindByName(ctx, tc.kind, tc.name)
		if err != nil || !slices.Equal(entityNames(got), tc.want) {
			t.Errorf("FindByName(%s, %q) = %v, %v; want %v", tc.kind, tc.name, entityNames(got), err, tc.want)
		}
		for _, en := range got {
			if en.ID == "" || tc.kind == genesys.KindUser && en.Email == "" {
				t.Errorf("FindByName(%s, %q): entity %+v", tc.kind, tc.name, en)
			}
		}
	}
	if _, err := e.client.FindByName(ctx, genesys.KindQueue, " "); err == nil {
		t.Error("an empty name was looked up")
	}
	if _, err := e.client.FindByName(ctx, "skill", "x"); err == nil {
		t.Error("an unknown kind was looked up")
	}
}

// NamesOf names the ids that exist and leaves the others out, for every
// kind, in one request per kind (teams: one per id).
func TestNamesOfExistingAndMissingIDs(t *testing.T) {
	e := newEnv(t, sim.Options{Seed: 4}, nil)
	ctx := context.Background()
	missing := "00000000-0000-4000-8000-000000000bad"
	if _, err := e.client.FindByName(ctx, genesys.KindQueue, "Sales"); err != nil { // fetches the token
		t.Fatal(err)
	}
	for _, kind := range []genesys.Kind{genesys.KindQueue, genesys.KindUser, genesys.KindTeam, genesys.KindWrapupCode, genesys.KindLanguage} {
		want := e.org.Directory(string(kind))
		var ids []string
		for id := range want {
			ids = append(ids, id, id) // duplicates are asked once
		}
		before := len(e.stats.all())
		got, err := e.client.NamesOf(ctx, kind, append(ids, missing, ""))
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if len(got) != len(want) {
			t.Errorf("%s: %v, want %v", kind, got, want)
		}
		for id, name := range want {
			if got[id] != name {
				t.Errorf("%s %s: %q, want %q", kind, id, got[id], name)
			}
		}
		requests := len(e.stats.all()) - before
		if wantReq := map[genesys.Kind]int{genesys.KindTeam: len(want) + 1}[kind]; wantReq == 0 && requests != 1 || wantReq != 0 && requests != wantReq {
			t.Errorf("%s: %d requests", kind, requests)
		}
	}
	got, err := e.client.NamesOf(ctx, genesys.KindQueue, nil)
	if err != nil || len(got) != 0 {
		t.Errorf("no ids: %v, %v", got, err)
	}
}

// fakeDirectory serves n queues named "Q<i>" (pageCount paging), n teams
// (cursor paging by nextUri) and n users (search pages), 100 a page.
func fakeDirectory(t *testing.T, n int) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		page := func(k int) []map[string]string {
			var es []map[string]string
			for i := (k - 1) * 100; i < min(k*100, n); i++ {
				es = append(es, map[string]string{"id": fmt.Sprintf("id-%d", i), "name": fmt.Sprintf("Q%d", i), "email": fmt.Sprintf("u%d@example.com", i)})
			}
			return es
		}
		pages := (n + 99) / 100
		switch r.URL.Path {
		case "/api/v2/routing/queues":
			k, _ := strconv.Atoi(r.URL.Query().Get("pageNumber"))
			_ = json.NewEncoder(w).Encode(map[string]any{"entities": page(k), "pageCount": pages, "total": n})
		case "/api/v2/teams":
			if r.URL.Query().Has("pageNumber") {
				http.Error(w, `{"code":"invalid.value"}`, http.StatusBadRequest)
				return
			}
			k := 1
			if a := r.URL.Query().Get("after"); a != "" {
				k, _ = strconv.Atoi(a)
			}
			body := map[string]any{"entities": page(k)}
			if k < pages {
				body["nextUri"] = "/api/v2/teams?pageSize=100&name=Q&after=" + strconv.Itoa(k+1)
			}
			_ = json.NewEncoder(w).Encode(body)
		case "/api/v2/users/search":
			var req struct{ PageNumber int }
			_ = json.NewDecoder(r.Body).Decode(&req)
			_ = json.NewEncoder(w).Encode(map[string]any{"results": page(req.PageNumber), "pageCount": pages, "total": n, "pageSize": 100, "pageNumber": req.PageNumber})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Every page is read, however the kind pages.
func TestFindByNameReadsEveryPage(t *testing.T) {
	srv := fakeDirectory(t, 250)
	c, err := genesys.New(genesys.Config{BaseURL: srv.URL, AccessToken: "t", MaxRetries: -1, Sleep: noWait, RateLimit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []genesys.Kind{genesys.KindQueue, genesys.KindTeam, genesys.KindUser} {
		got, err := c.FindByName(context.Background(), kind, "Q")
		if err != nil || len(got) != 250 || got[249].ID != "id-249" {
			t.Errorf("%s: %d entities, %v", kind, len(got), err)
		}
	}
}

// A hostile or broken answer is an error, never a panic or a silent
// partial list.
func TestDirectoryRefusesHostileAnswers(t *testing.T) {
	for name, tc := range map[string]struct {
		kind   genesys.Kind
		answer string
		want   string
	}{
		"wrong shape":          {genesys.KindQueue, `{"entities":{"id":"x"}}`, "decode"},
		"entity without id":    {genesys.KindWrapupCode, `{"entities":[{"name":"Sale"}],"pageCount":1,"total":1}`, "no id"},
		"short of its total":   {genesys.KindLanguage, `{"entities":[{"id":"a","name":"English"}],"pageCount":1,"total":2}`, "total 2"},
		"search without count": {genesys.KindUser, `{"results":[{"id":"a","name":"Ana"}]}`, "no pageCount"},
		"search pages forever": {genesys.KindUser, `{"results":[{"id":"a","name":"Ana"}],"pageCount":99999999,"total":1}`, "pages"},
		"search empty page":    {genesys.KindUser, `{"results":[],"pageCount":3,"total":3}`, "empty"},
		"cursor elsewhere":     {genesys.KindTeam, `{"entities":[{"id":"a","name":"T"}],"nextUri":"https://evil.example/api/v2/teams?after=x"}`, "leaves"},
		"huge":                 {genesys.KindQueue, `{"entities":[{"id":"a","name":"` + strings.Repeat("x", 11<<20) + `"}]}`, "larger"},
	} {
		t.Run(name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(tc.answer))
			}))
			defer srv.Close()
			c, err := genesys.New(genesys.Config{BaseURL: srv.URL, AccessToken: "t", MaxRetries: -1, Sleep: noWait, RateLimit: 1 << 20})
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.FindByName(context.Background(), tc.kind, "a")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("FindByName = %v, %v; want an error about %q", got, err, tc.want)
			}
			if calls.Load() > 5 {
				t.Errorf("%d requests", calls.Load())
			}
		})
	}
}

// A team answer for another id is refused; a lost search answer is asked
// again (the search changes nothing).
func TestTeamAnswerForAnotherIDRefusedAndSearchRetried(t *testing.T) {
	var searches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/v2/users/search":
			if searches.Add(1) == 1 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			_, _ = w.Write([]byte(`{"results":[{"id":"u1","name":"Ana Silva","email":"a@example.com"}],"pageCount":1,"total":1}`))
		default:
			_, _ = w.Write([]byte(`{"id":"someone-else","name":"Tier 1"}`))
		}
	}))
	defer srv.Close()
	c, err := genesys.New(genesys.Config{BaseURL: srv.URL, AccessToken: "t", Sleep: noWait, RateLimit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.NamesOf(context.Background(), genesys.KindTeam, []string{"t1"}); err == nil {
		t.Errorf("NamesOf = %v, want an error", got)
	}
	got, err := c.FindByName(context.Background(), genesys.KindUser, "Ana Silva")
	if err != nil || len(got) != 1 || got[0].Email != "a@example.com" || searches.Load() != 2 {
		t.Errorf("FindByName = %v, %v after %d searches", got, err, searches.Load())
	}
}
