package sim

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// dirPage is what the directory listings answer, counted or by cursor.
type dirPage struct {
	Entities    []dirEntry `json:"entities"`
	Total       *int       `json:"total"`
	PageCount   *int       `json:"pageCount"`
	NextURI     string     `json:"nextUri"`
	PreviousURI string     `json:"previousUri"`
}

func names(es []dirEntry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out
}

func get(t *testing.T, c *rawClient, path string, q url.Values) (dirPage, rawError, int) {
	t.Helper()
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var raw json.RawMessage
	s := c.do("GET", path, "", "", &raw)
	var p dirPage
	var e rawError
	if s == 200 {
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatal(err)
		}
	} else {
		_ = json.Unmarshal(raw, &e)
	}
	return p, e, s
}

// The users the directory names are exactly the users the recordings of
// the seed are drawn from, so a policy written by a user's name selects
// recordings; the same holds for every other kind.
func TestDirectoryIDsAreTheRecordingsIDs(t *testing.T) {
	for _, seed := range []int64{1, 7} {
		org, err := New(Options{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		used := map[string]map[string]bool{"queue": {}, "user": {}, "team": {}, "wrapupCode": {}, "language": {}}
		for _, r := range org.Recordings("") {
			used["queue"][r.QueueID] = true
			used["user"][r.UserID] = true
			used["team"][r.TeamID] = true
			used["wrapupCode"][r.WrapUpCode] = true
			used["language"][r.LanguageID] = true
		}
		for kind, ids := range used {
			got := slices.Sorted(maps.Keys(org.Directory(kind)))
			want := slices.Sorted(maps.Keys(ids))
			if !slices.Equal(got, want) {
				t.Errorf("seed %d: the directory's %s ids %v are not the recordings' %v", seed, kind, got, want)
			}
		}
	}
}

// Queue names match as the SDK documents: the name, case aside, or with
// leading and trailing asterisks. Wrap-up codes and languages match by
// prefix; ids filter too.
func TestDirectoryNameFilters(t *testing.T) {
	_, c := newRaw(t, Options{})
	for _, tc := range []struct {
		path, name string
		want       []string
	}{
		{queuesPath, "Collections", []string{"Collections"}},
		{queuesPath, "collections", []string{"Collections"}},
		{queuesPath, "Collections*", []string{"Collections", "Collections EU"}},
		{queuesPath, "*EU", []string{"Collections EU"}},
		{queuesPath, "*o*", []string{"Collections", "Collections EU", "Support"}},
		{queuesPath, "Coll", nil},
		{wrapupcodesPath, "sal", []string{"Sale"}},
		{wrapupcodesPath, "Dispute", []string{"Dispute"}},
		{languagesPath, "E", []string{"English"}},
		{teamsPath, "tier", []string{"Tier 1", "Tier 2"}},
		{teamsPath, "Tier 1", []string{"Tier 1"}},
	} {
		p, e, s := get(t, c, tc.path, url.Values{"name": {tc.name}})
		if s != 200 || !slices.Equal(names(p.Entities), tc.want) {
			t.Errorf("%s?name=%s: %d %v (%s), want %v", tc.path, tc.name, s, names(p.Entities), e.Message, tc.want)
		}
	}
	p, _, _ := get(t, c, queuesPath, url.Values{"id": {Queues[0], Queues[2], "nope"}})
	if got := names(p.Entities); !slices.Equal(got, []string{"Collections", "Sales"}) {
		t.Errorf("queues by id: %v", got)
	}
	p, _, _ = get(t, c, wrapupcodesPath, url.Values{"id": {WrapUpCodes[2]}})
	if got := names(p.Entities); !slices.Equal(got, []string{"Payment arrangement"}) {
		t.Errorf("wrap-up codes by id: %v", got)
	}
}

// Parameters an endpoint does not take are refused, naming them; so is
// pageNumber on the teams listing, which pages by cursor.
func TestDirectoryRefusesUnknownParameters(t *testing.T) {
	_, c := newRaw(t, Options{})
	for _, tc := range []struct {
		path  string
		q     url.Values
		field string
	}{
		{queuesPath, url.Values{"nameLike": {"x"}}, "nameLike"},
		{queuesPath, url.Values{"name": {"a", "b"}}, "name"},
		{wrapupcodesPath, url.Values{"sortBy": {"color"}}, "sortBy"},
		{languagesPath, url.Values{"divisionId": {"x"}}, "divisionId"},
		{teamsPath, url.Values{"pageNumber": {"1"}}, "pageNumber"},
		{teamsPath, url.Values{"after": {"not-a-cursor"}}, "after"},
		{usersPath, url.Values{"name": {"Ana Silva"}}, "name"},
		{usersPath, url.Values{"state": {"gone"}}, "state"},
		{teamsPath + "/" + Teams[0], url.Values{"x": {"1"}}, "x"},
	} {
		_, e, s := get(t, c, tc.path, tc.q)
		if d := details(e); s != 400 || e.Code != "invalid.value" || len(d) != 1 || d[0].FieldName != tc.field {
			t.Errorf("%s?%s: %d %q %v, want 400 invalid.value on %s", tc.path, tc.q.Encode(), s, e.Code, d, tc.field)
		}
	}
}

// Teams page by cursor: nextUri carries after=, previousUri before=, and
// there are no counts.
func TestTeamsPageByCursor(t *testing.T) {
	_, c := newRaw(t, Options{})
	p, _, s := get(t, c, teamsPath, url.Values{"pageSize": {"1"}, "name": {"T"}})
	if s != 200 || p.Total != nil || p.PageCount != nil || !slices.Equal(names(p.Entities), []string{"Tier 1"}) || p.NextURI == "" || p.PreviousURI != "" {
		t.Fatalf("page 1: %d %+v", s, p)
	}
	next, _ := url.Parse(p.NextURI)
	if next.Path != teamsPath || next.Query().Get("after") == "" || next.Query().Get("name") != "T" {
		t.Fatalf("nextUri %s", p.NextURI)
	}
	p2, _, _ := get(t, c, teamsPath, next.Query())
	if !slices.Equal(names(p2.Entities), []string{"Tier 2"}) || p2.NextURI != "" || p2.PreviousURI == "" {
		t.Fatalf("page 2: %+v", p2)
	}
	prev, _ := url.Parse(p2.PreviousURI)
	p1, _, _ := get(t, c, teamsPath, prev.Query())
	if !slices.Equal(names(p1.Entities), []string{"Tier 1"}) {
		t.Errorf("previous page: %+v", p1)
	}
	var team map[string]any
	if s := c.do("GET", teamsPath+"/"+Teams[1], "", "", &team); s != 200 || team["name"] != "Tier 2" {
		t.Errorf("team by id: %d %v", s, team)
	}
	if s := c.do("GET", teamsPath+"/"+Queues[0], "", "", nil); s != 404 {
		t.Errorf("unknown team: %d", s)
	}
}

type searchAnswer struct {
	Total     int        `json:"total"`
	PageCount int        `json:"pageCount"`
	NextPage  string     `json:"nextPage"`
	Types     []string   `json:"types"`
	Results   []dirEntry `json:"results"`
}

// Users are searched on name and email, EXACT case aside; two users share
// a name; pages are counted; what the simulator does not model is refused.
func TestUserSearch(t *testing.T) {
	_, c := newRaw(t, Options{})
	search := func(body string) (searchAnswer, rawError, int) {
		var raw json.RawMessage
		s := c.do("POST", usersSearchPath, "application/json", body, &raw)
		var a searchAnswer
		var e rawError
		if s == 200 {
			_ = json.Unmarshal(raw, &a)
		} else {
			_ = json.Unmarshal(raw, &e)
		}
		return a, e, s
	}
	exact := func(v string, extra string) string {
		return `{"pageSize":1` + extra + `,"query":[{"type":"EXACT","fields":["name","email"],"value":"` + v + `"}]}`
	}
	a, _, s := search(exact("sam lee", ""))
	if s != 200 || a.Total != 2 || a.PageCount != 2 || len(a.Results) != 1 || a.NextPage == "" || !slices.Equal(a.Types, []string{"users"}) {
		t.Fatalf("Sam Lee, page 1: %d %+v", s, a)
	}
	b, _, _ := search(exact("sam lee", `,"pageNumber":2`))
	if len(b.Results) != 1 || b.Results[0].Email == a.Results[0].Email || b.NextPage != "" {
		t.Errorf("Sam Lee, page 2: %+v", b)
	}
	// A page past the end is empty, even one whose offset overflows.
	if c, _, s := search(`{"pageSize":2,"pageNumber":4611686018427387905,"query":[{"type":"EXACT","fields":["name"],"value":"sam lee"}]}`); s != 200 || len(c.Results) != 0 || c.Total != 2 {
		t.Errorf("Sam Lee, a page far past the end: %d %+v", s, c)
	}
	a, _, _ = search(exact("ANA.SILVA@example.com", ""))
	if len(a.Results) != 1 || a.Results[0].Name != "Ana Silva" || a.Results[0].ID == "" {
		t.Errorf("by email: %+v", a)
	}
	a, _, _ = search(exact("Ana", ""))
	if a.Total != 0 || a.Results == nil {
		t.Errorf("EXACT is not a prefix: %+v", a)
	}
	a, _, _ = search(`{"query":[{"type":"STARTS_WITH","fields":["name"],"value":"sa"}]}`)
	if a.Total != 2 {
		t.Errorf("STARTS_WITH sa: %+v", a)
	}
	for body, field := range map[string]string{
		`{"query":[{"type":"EXACT","fields":["name"],"value":"x","colour":1}]}`:      "query[0].colour",
		`{"query":[{"type":"FUZZY","fields":["name"],"value":"x"}]}`:                 "query[0].type",
		`{"query":[{"type":"REGEX","fields":["name"],"value":"x"}]}`:                 "query[0].type",
		`{"query":[{"type":"EXACT","fields":["department"],"value":"x"}]}`:           "query[0].fields",
		`{"query":[{"type":"EXACT","fields":["name"],"value":"x","operator":"OR"}]}`: "query[0]",
		`{"pageSize":"10"}`: "pageSize",
	} {
		_, e, s := search(body)
		if d := details(e); s != 400 || len(d) != 1 || d[0].FieldName != field {
			t.Errorf("%s: %d %v (%s), want 400 on %s", body, s, d, e.Message, field)
		}
	}
	if !strings.Contains(usersSearchPath, "/users/search") {
		t.Fatal(usersSearchPath)
	}
}

// Users by id: absent ids are left out; every state is accepted.
func TestUsersByID(t *testing.T) {
	org, c := newRaw(t, Options{Seed: 3})
	ids := slices.Sorted(maps.Keys(org.Directory("user")))
	p, _, s := get(t, c, usersPath, url.Values{"id": {ids[0], ids[1], "00000000-0000-4000-8000-000000000000"}, "state": {"any"}})
	if s != 200 || len(p.Entities) != 2 || *p.Total != 2 {
		t.Errorf("users by id: %d %+v", s, p)
	}
	for _, e := range p.Entities {
		if !slices.Contains(ids[:2], e.ID) || e.Email == "" {
			t.Errorf("user %+v", e)
		}
	}
}
