package sim

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The directory: the queues, wrap-up codes, teams, routing languages and
// users that policies and recordings refer to, served by the platform's
// own list and search endpoints so that names can be resolved. It is fixed
// (reconcile/sim/directory.json); the users take the ids the recordings of
// the org's seed use, so a policy written by name selects real recordings.

//go:embed directory.json
var directoryJSON []byte

const (
	queuesPath      = "/api/v2/routing/queues"
	wrapupcodesPath = "/api/v2/routing/wrapupcodes"
	languagesPath   = "/api/v2/routing/languages"
	teamsPath       = "/api/v2/teams"
	usersPath       = "/api/v2/users"
	usersSearchPath = usersPath + "/search"

	homeDivisionID = "00000000-0000-4000-8000-0000000d1a11"
)

// dirEntry is one directory entity; Email is set for users.
type dirEntry struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type directory struct {
	Queues      []dirEntry `json:"queues"`
	WrapupCodes []dirEntry `json:"wrapupCodes"`
	Teams       []dirEntry `json:"teams"`
	Languages   []dirEntry `json:"languages"`
	Users       []dirEntry `json:"users"` // ids from the seed: recordingUsers
}

var loadDirectory = sync.OnceValue(func() directory {
	var d directory
	if err := json.Unmarshal(directoryJSON, &d); err != nil {
		panic("sim: embedded directory.json: " + err.Error())
	}
	return d
})

// recordingUsers returns the user ids the recordings of seed are drawn
// from: the first draws of the same generator, in order (recordings.go,
// generate). TestDirectoryUsersAreTheRecordingsUsers holds the two together.
func recordingUsers(seed int64, n int) []string {
	ids := idSource{rand.New(rand.NewPCG(uint64(seed), 0x7ec0))}
	out := make([]string, n)
	for i := range out {
		out[i] = ids.next()
	}
	return out
}

// directory returns the org's directory, its users' ids those of its
// recordings.
func (o *Org) directory() directory {
	d := loadDirectory()
	o.mu.Lock()
	seed := o.st.Recordings.Seed
	o.mu.Unlock()
	users := slices.Clone(d.Users)
	for i, id := range recordingUsers(seed, len(users)) {
		users[i].ID = id
	}
	d.Users = users
	return d
}

// Directory returns the simulated directory of kind (queue, user, team,
// wrapupCode, language) as id → name, for tests.
func (o *Org) Directory(kind string) map[string]string {
	d := o.directory()
	var es []dirEntry
	switch kind {
	case "queue":
		es = d.Queues
	case "user":
		es = d.Users
	case "team":
		es = d.Teams
	case "wrapupCode":
		es = d.WrapupCodes
	case "language":
		es = d.Languages
	}
	out := map[string]string{}
	for _, e := range es {
		out[e.ID] = e.Name
	}
	return out
}

// division is every directory entity's division: the org's home one.
func division() map[string]string {
	return map[string]string{"id": homeDivisionID, "name": "Home", "selfUri": "/api/v2/authorization/divisions/" + homeDivisionID}
}

// The answers carry fields of the SDK models (Queue, WrapupCode, Team,
// Language, User), no others.
func queueJSON(e dirEntry) map[string]any {
	return map[string]any{"id": e.ID, "name": e.Name, "division": division(), "memberCount": 0, "userMemberCount": 0,
		"joinedMemberCount": 0, "selfUri": queuesPath + "/" + e.ID}
}

func wrapupJSON(e dirEntry) map[string]any {
	return map[string]any{"id": e.ID, "name": e.Name, "division": division(), "selfUri": wrapupcodesPath + "/" + e.ID}
}

func languageJSON(e dirEntry) map[string]any {
	return map[string]any{"id": e.ID, "name": e.Name, "state": "active", "version": "1", "selfUri": languagesPath + "/" + e.ID}
}

func teamJSON(e dirEntry) map[string]any {
	return map[string]any{"id": e.ID, "name": e.Name, "division": division(), "memberCount": 0, "selfUri": teamsPath + "/" + e.ID}
}

func userJSON(e dirEntry) map[string]any {
	return map[string]any{"id": e.ID, "name": e.Name, "division": division(), "email": e.Email, "username": e.Email,
		"state": "active", "version": 1, "selfUri": usersPath + "/" + e.ID}
}

// params is the query parameters an endpoint takes, as the SDKs declare
// them; multi ones may repeat.
type params struct {
	single, multi []string
}

// check refuses a query parameter the endpoint does not take, or a single
// one given twice. The platform's answer to unknown parameters is not
// documented; the simulator refuses them so that a client cannot rely on a
// parameter that does nothing.
func (p params) check(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	q := r.URL.Query()
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range q {
			if !yield(k) {
				return
			}
		}
	}) {
		switch {
		case slices.Contains(p.multi, k):
		case slices.Contains(p.single, k) && len(q[k]) == 1:
		case slices.Contains(p.single, k):
			invalid(w, r, k, fmt.Sprintf("The query parameter [%s] may be given once.", k))
			return nil, false
		default:
			invalid(w, r, k, fmt.Sprintf("Unknown query parameter [%s] for %s %s.", k, r.Method, r.URL.Path))
			return nil, false
		}
	}
	return q, true
}

// nameMatch is how a name filter matches.
type nameMatch func(name, filter string) bool

// prefixMatch: names that start with the filter, case-insensitively
// (documented for teams; the simulator's choice for wrap-up codes and
// languages, whose name filters are not described).
func prefixMatch(name, filter string) bool {
	return strings.HasPrefix(strings.ToLower(name), strings.ToLower(filter))
}

// wildcardMatch: "Include only queues with the given name (leading and
// trailing asterisks allowed)" — the name itself, or with * at either end
// any prefix, suffix or both; case-insensitive (the simulator's choice).
func wildcardMatch(name, filter string) bool {
	n, f := strings.ToLower(name), strings.ToLower(filter)
	lead := strings.HasPrefix(f, "*")
	f = strings.TrimPrefix(f, "*")
	trail := strings.HasSuffix(f, "*")
	f = strings.TrimSuffix(f, "*")
	switch {
	case lead && trail:
		return strings.Contains(n, f)
	case lead:
		return strings.HasSuffix(n, f)
	case trail:
		return strings.HasPrefix(n, f)
	}
	return n == f
}

// selectEntries applies the name, id and division filters of q.
func selectEntries(es []dirEntry, q url.Values, match nameMatch) []dirEntry {
	name, ids, divs := q.Get("name"), nonEmpty(q["id"]), nonEmpty(q["divisionId"])
	var out []dirEntry
	for _, e := range es {
		if name != "" && !match(e.Name, name) ||
			len(ids) > 0 && !slices.Contains(ids, e.ID) ||
			len(divs) > 0 && !slices.Contains(divs, homeDivisionID) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// nonEmpty drops blank values (the Go SDK sends every parameter, empty
// ones included).
func nonEmpty(vs []string) []string {
	var out []string
	for _, v := range vs {
		for p := range strings.SplitSeq(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// sortEntries sorts by name (then id), descending when sortOrder says so;
// it answers 400 for an order that is neither.
func sortEntries(w http.ResponseWriter, r *http.Request, es []dirEntry, q url.Values, by string) bool {
	desc := false
	switch strings.ToLower(q.Get("sortOrder")) {
	case "", "asc", "ascending":
	case "desc", "descending":
		desc = true
	default:
		invalid(w, r, "sortOrder", fmt.Sprintf("Value [%s] is not valid for field [sortOrder]. Allowable values are: asc, desc", q.Get("sortOrder")))
		return false
	}
	key := func(e dirEntry) string { return strings.ToLower(e.Name) + "\x00" + e.ID }
	if by == "id" {
		key = func(e dirEntry) string { return e.ID }
	}
	slices.SortStableFunc(es, func(a, b dirEntry) int {
		c := strings.Compare(key(a), key(b))
		if desc {
			return -c
		}
		return c
	})
	return true
}

// filters keeps the filters of q that the listing's page URIs repeat.
func filters(q url.Values) url.Values {
	f := url.Values{}
	for k, v := range q {
		if k != "pageSize" && k != "pageNumber" && k != "after" && k != "before" {
			f[k] = v
		}
	}
	return f
}

// counted answers one page of es in the list envelope of path.
func counted(w http.ResponseWriter, r *http.Request, path string, q url.Values, es []dirEntry, js func(dirEntry) map[string]any) {
	size, page, ok := paging(w, r)
	if !ok {
		return
	}
	out := make([]map[string]any, len(es))
	for i, e := range es {
		out[i] = js(e)
	}
	writeJSON(w, http.StatusOK, listing(path, filters(q), out, size, page))
}

var (
	queueParams = params{
		single: []string{"pageNumber", "pageSize", "sortOrder", "name", "cannedResponseLibraryId", "hasPeer"},
		multi:  []string{"id", "divisionId", "peerId", "expand"},
	}
	wrapupParams   = params{single: []string{"pageSize", "pageNumber", "sortBy", "sortOrder", "name"}, multi: []string{"id", "divisionId"}}
	languageParams = params{single: []string{"pageSize", "pageNumber", "sortOrder", "name"}, multi: []string{"id"}}
	teamParams     = params{single: []string{"pageSize", "name", "after", "before", "expand"}}
	teamGetParams  = params{single: []string{"expand"}}
	userParams     = params{
		single: []string{"pageSize", "pageNumber", "sortOrder", "integrationPresenceSource", "state"},
		multi:  []string{"id", "jabberId", "expand", "userCustomAttributeSchemaIds"},
	}
)

func (o *Org) listQueues(w http.ResponseWriter, r *http.Request) {
	q, ok := queueParams.check(w, r)
	if !ok {
		return
	}
	es := selectEntries(o.directory().Queues, q, wildcardMatch)
	// No simulated queue has a peer or a canned response library.
	hasPeer, err := parseOptionalBool(q.Get("hasPeer"))
	if err != nil {
		invalid(w, r, "hasPeer", fmt.Sprintf("Value [%s] is not valid for field [hasPeer]. Allowable values are: true, false", q.Get("hasPeer")))
		return
	}
	if hasPeer || len(nonEmpty(q["peerId"])) > 0 || q.Get("cannedResponseLibraryId") != "" {
		es = nil
	}
	if sortEntries(w, r, es, q, "name") {
		counted(w, r, queuesPath, q, es, queueJSON)
	}
}

func parseOptionalBool(s string) (bool, error) {
	if s == "" {
		return false, nil
	}
	return strconv.ParseBool(s)
}

func (o *Org) listWrapupcodes(w http.ResponseWriter, r *http.Request) {
	q, ok := wrapupParams.check(w, r)
	if !ok {
		return
	}
	by := q.Get("sortBy")
	if by != "" && by != "name" && by != "id" {
		invalid(w, r, "sortBy", fmt.Sprintf("Value [%s] is not valid for field [sortBy]. Allowable values are: name, id", by))
		return
	}
	es := selectEntries(o.directory().WrapupCodes, q, prefixMatch)
	if sortEntries(w, r, es, q, by) {
		counted(w, r, wrapupcodesPath, q, es, wrapupJSON)
	}
}

func (o *Org) getWrapupcode(w http.ResponseWriter, r *http.Request) {
	o.getEntry(w, r, "codeId", params{}, o.directory().WrapupCodes, wrapupJSON)
}

func (o *Org) listLanguages(w http.ResponseWriter, r *http.Request) {
	q, ok := languageParams.check(w, r)
	if !ok {
		return
	}
	es := selectEntries(o.directory().Languages, q, prefixMatch)
	if sortEntries(w, r, es, q, "name") {
		counted(w, r, languagesPath, q, es, languageJSON)
	}
}

func (o *Org) getLanguage(w http.ResponseWriter, r *http.Request) {
	o.getEntry(w, r, "languageId", params{}, o.directory().Languages, languageJSON)
}

func (o *Org) getQueue(w http.ResponseWriter, r *http.Request) {
	o.getEntry(w, r, "queueId", params{multi: []string{"expand"}}, o.directory().Queues, queueJSON)
}

func (o *Org) getTeam(w http.ResponseWriter, r *http.Request) {
	o.getEntry(w, r, "teamId", teamGetParams, o.directory().Teams, teamJSON)
}

func (o *Org) getEntry(w http.ResponseWriter, r *http.Request, key string, p params, es []dirEntry, js func(dirEntry) map[string]any) {
	if _, ok := p.check(w, r); !ok {
		return
	}
	id := r.PathValue(key)
	for _, e := range es {
		if e.ID == id {
			writeJSON(w, http.StatusOK, js(e))
			return
		}
	}
	notFound(w, r)
}

// listTeams pages by cursor, as TeamEntityListing does: entities, nextUri,
// previousUri and selfUri, no counts; after and before are cursors.
func (o *Org) listTeams(w http.ResponseWriter, r *http.Request) {
	q, ok := teamParams.check(w, r)
	if !ok {
		return
	}
	size, _, ok := paging(w, r)
	if !ok {
		return
	}
	if e := q.Get("expand"); e != "" && e != "division" {
		invalid(w, r, "expand", fmt.Sprintf("Value [%s] is not valid for field [expand]. Allowable values are: division", e))
		return
	}
	if q.Get("after") != "" && q.Get("before") != "" {
		invalid(w, r, "after", "Only one of after and before may be given.")
		return
	}
	es := selectEntries(o.directory().Teams, q, prefixMatch)
	sortEntries(w, r, es, url.Values{}, "name")
	from, to := 0, min(size, len(es))
	for _, c := range []string{"after", "before"} {
		v := q.Get(c)
		if v == "" {
			continue
		}
		i := cursorIndex(v, len(es))
		if i < 0 {
			invalid(w, r, c, fmt.Sprintf("Invalid cursor [%s].", v))
			return
		}
		if c == "after" {
			from, to = i, min(i+size, len(es))
		} else {
			from, to = max(i-size, 0), i
		}
	}
	uri := func(k, cursor string) string {
		f := filters(q)
		f.Set("pageSize", strconv.Itoa(size))
		if cursor != "" {
			f.Set(k, cursor)
		}
		return teamsPath + "?" + f.Encode()
	}
	page := make([]map[string]any, 0, to-from)
	for _, e := range es[from:to] {
		page = append(page, teamJSON(e))
	}
	self := uri("after", q.Get("after"))
	if q.Get("before") != "" {
		self = uri("before", q.Get("before"))
	}
	body := map[string]any{"entities": page, "selfUri": self}
	if to < len(es) {
		body["nextUri"] = uri("after", teamCursor(to))
	}
	if from > 0 {
		body["previousUri"] = uri("before", teamCursor(from))
	}
	writeJSON(w, http.StatusOK, body)
}

// Team cursors are opaque to clients; here they encode a position.
func teamCursor(i int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("team:" + strconv.Itoa(i)))
}

func cursorIndex(c string, n int) int {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), "team:") {
		return -1
	}
	i, err := strconv.Atoi(strings.TrimPrefix(string(b), "team:"))
	if err != nil || i < 0 || i > n {
		return -1
	}
	return i
}

// userStates are the values of GET /api/v2/users' state.
var userStates = []string{"active", "inactive", "deleted", "any"}

// listUsers serves GET /api/v2/users: all users are active.
func (o *Org) listUsers(w http.ResponseWriter, r *http.Request) {
	q, ok := userParams.check(w, r)
	if !ok {
		return
	}
	state := cmpOr(q.Get("state"), "active")
	if !slices.Contains(userStates, state) {
		invalid(w, r, "state", fmt.Sprintf("Value [%s] is not valid for field [state]. Allowable values are: %s", state, strings.Join(userStates, ", ")))
		return
	}
	ids, jids := nonEmpty(q["id"]), nonEmpty(q["jabberId"])
	if len(ids) > 0 && len(jids) > 0 {
		invalid(w, r, "jabberId", "jabberId cannot be used with the id parameter.")
		return
	}
	es := selectEntries(o.directory().Users, q, nil)
	if len(jids) > 0 || state == "inactive" || state == "deleted" {
		es = nil // no simulated user has a jabber id; all are active
	}
	if sortEntries(w, r, es, q, "name") {
		counted(w, r, usersPath, q, es, userJSON)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// The user search models (UserSearchRequest, UserSearchCriteria,
// SearchSort), as the SDKs declare them.
func init() {
	models["UserSearchRequest"] = map[string]spec{
		"sortOrder": enum("ASC", "DESC", "SCORE"), "sortBy": str, "pageSize": integer, "pageNumber": integer,
		"sort": listOf("SearchSort"), "expand": list(str), "query": listOf("UserSearchCriteria"),
		"integrationPresenceSource": str, "enforcePermissions": boolean,
	}
	models["UserSearchCriteria"] = map[string]spec{
		"endValue": str, "values": list(str), "startValue": str, "value": str, "operator": enum("AND", "OR", "NOT"),
		"group": listOf("UserSearchCriteria"), "dateFormat": str, "fields": list(str),
		"type": enum("EXACT", "STARTS_WITH", "CONTAINS", "REGEX", "TERM", "TERMS", "REQUIRED_FIELDS", "MATCH_ALL",
			"QUERY_STRING", "RANGE", "LESS_THAN", "LESS_THAN_EQUAL_TO", "GREATER_THAN", "GREATER_THAN_EQUAL_TO"),
	}
	models["SearchSort"] = map[string]spec{"sortOrder": enum("ASC", "DESC", "SCORE"), "sortBy": str}
}

type userSearch struct {
	PageSize   int `json:"pageSize"`
	PageNumber int `json:"pageNumber"`
	Query      []struct {
		Type     string   `json:"type"`
		Fields   []string `json:"fields"`
		Value    *string  `json:"value"`
		Values   []string `json:"values"`
		Operator string   `json:"operator"`
		Group    []any    `json:"group"`
		Range    *string  `json:"startValue"`
		RangeEnd *string  `json:"endValue"`
	} `json:"query"`
}

// userMatchers are the criteria types the simulator applies to the name
// and email fields, case-insensitively (the simulator's choice: the
// platform's case rules are not documented).
var userMatchers = map[string]func(field, value string) bool{
	"EXACT":       strings.EqualFold,
	"STARTS_WITH": prefixMatch,
	"CONTAINS": func(f, v string) bool {
		return strings.Contains(strings.ToLower(f), strings.ToLower(v))
	},
}

// searchUsers serves POST /api/v2/users/search: criteria of type EXACT,
// STARTS_WITH or CONTAINS on name and email, AND-ed; every other criterion
// is a 400 rather than ignored. The answer is a UsersSearchResponse,
// counted pages with their q64 page links.
func (o *Org) searchUsers(w http.ResponseWriter, r *http.Request) {
	var body json.RawMessage
	var s userSearch
	if !decodeBody(w, r, "UserSearchRequest", &body) {
		return
	}
	if err := json.Unmarshal(body, &s); err != nil {
		writeError(w, r, http.StatusBadRequest, "bad.request", "The request could not be understood by the server due to malformed syntax.")
		return
	}
	size, page := cmpInt(s.PageSize, 25), cmpInt(s.PageNumber, 1)
	if s.PageSize < 0 || s.PageNumber < 0 {
		invalid(w, r, "pageSize", "pageSize and pageNumber must be 1 or more.")
		return
	}
	size = min(size, maxPageSize)
	users := o.directory().Users
	var match []dirEntry
	for i, c := range s.Query {
		f := fmt.Sprintf("query[%d]", i)
		m := userMatchers[c.Type]
		switch {
		case m == nil:
			invalid(w, r, f+".type", fmt.Sprintf(unsupportedMsg, "user search criteria of type "+c.Type))
			return
		case c.Operator != "" && c.Operator != "AND", len(c.Group) > 0, c.Range != nil, c.RangeEnd != nil:
			invalid(w, r, f, fmt.Sprintf(unsupportedMsg, "operators other than AND, groups or ranges"))
			return
		case len(c.Fields) == 0:
			invalid(w, r, f+".fields", "The field [fields] is required.")
			return
		case c.Value == nil && len(c.Values) == 0:
			invalid(w, r, f+".value", "One of value and values is required.")
			return
		}
		for _, fl := range c.Fields {
			if fl != "name" && fl != "email" {
				invalid(w, r, f+".fields", fmt.Sprintf(unsupportedMsg, "searching users on "+fl))
				return
			}
		}
	}
	for _, u := range users {
		if userMatches(u, s) {
			match = append(match, u)
		}
	}
	sortEntries(w, r, match, url.Values{}, "name")
	total := len(match)
	pages := (total + size - 1) / size
	out := []map[string]any{}
	lo, hi := pageBounds(total, size, page)
	for _, u := range match[lo:hi] {
		out = append(out, userJSON(u))
	}
	q64 := func(n int) string {
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		m["pageSize"], m["pageNumber"] = size, n
		b, _ := json.Marshal(m)
		return usersSearchPath + "?q64=" + url.QueryEscape(base64.StdEncoding.EncodeToString(b))
	}
	resp := map[string]any{"total": total, "pageCount": pages, "pageSize": size, "pageNumber": page,
		"currentPage": q64(page), "types": []string{"users"}, "results": out}
	if page > 1 {
		resp["previousPage"] = q64(page - 1)
	}
	if page < pages {
		resp["nextPage"] = q64(page + 1)
	}
	writeJSON(w, http.StatusOK, resp)
}

func userMatches(u dirEntry, s userSearch) bool {
	for _, c := range s.Query {
		vals := c.Values
		if c.Value != nil {
			vals = append(slices.Clone(vals), *c.Value)
		}
		hit := false
		for _, f := range c.Fields {
			got := u.Name
			if f == "email" {
				got = u.Email
			}
			for _, v := range vals {
				hit = hit || userMatchers[c.Type](got, v)
			}
		}
		if !hit {
			return false
		}
	}
	return true
}

func cmpInt(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}
