package sim

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

const policiesPath = "/api/v2/recording/mediaretentionpolicies"

// maxPageSize is the largest page served; bigger requests are clamped.
const maxPageSize = 100

func (o *Org) listPolicies(w http.ResponseWriter, r *http.Request) {
	size, page, ok := paging(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	name := strings.ToLower(q.Get("name"))
	enabled, filterEnabled := true, q.Get("enabled") != ""
	if filterEnabled {
		var err error
		if enabled, err = strconv.ParseBool(q.Get("enabled")); err != nil {
			invalid(w, r, "enabled", fmt.Sprintf("Value [%s] is not valid for field [enabled]. Allowable values are: true, false", q.Get("enabled")))
			return
		}
	}
	// The matches are counted and only the page's are copied: a copy, or
	// even a list, of every match for each page made listing 100,000
	// policies quadratic. The page's bounds among all the policies bound it
	// among the matches too.
	o.mu.Lock()
	lo, hi := pageBounds(len(o.st.Policies), size, page)
	entities, total := []genesys.Policy{}, 0
	for _, p := range o.st.Policies {
		if name != "" && !strings.Contains(strings.ToLower(p.Name), name) {
			continue
		}
		if filterEnabled && (p.Enabled != nil && *p.Enabled) != enabled {
			continue
		}
		if lo <= total && total < hi {
			entities = append(entities, p)
		}
		total++
	}
	o.mu.Unlock()
	filters := url.Values{}
	for _, k := range []string{"name", "enabled"} {
		if v := q.Get(k); v != "" {
			filters.Set(k, v)
		}
	}
	writeJSON(w, http.StatusOK, listingOf(policiesPath, filters, entities, total, size, page))
}

func (o *Org) createPolicy(w http.ResponseWriter, r *http.Request) {
	var p genesys.Policy
	if !decodeBody(w, r, "Policy", &p) || !checkPolicy(w, r, p) {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.nameTaken(p.Name, "") {
		duplicate(w, r, p.Name)
		return
	}
	now := stamp(o.opts.Now())
	p.ID = o.ids.next()
	defaultEnabled(&p)
	p.CreatedDate, p.ModifiedDate, p.SelfURI = now, now, policiesPath+"/"+p.ID
	o.st.Policies = append(o.st.Policies, p)
	if o.saveFailed(w, r) {
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// defaultEnabled stores a policy sent without "enabled" as disabled, and
// answers with the flag always present, as the real Policy model does.
func defaultEnabled(p *genesys.Policy) {
	if p.Enabled == nil {
		off := false
		p.Enabled = &off
	}
}

func (o *Org) getPolicy(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	i := o.policyIndex(r.PathValue("policyId"))
	if i < 0 {
		notFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, o.st.Policies[i])
}

func (o *Org) putPolicy(w http.ResponseWriter, r *http.Request) {
	var p genesys.Policy
	if !decodeBody(w, r, "Policy", &p) || !checkPolicy(w, r, p) {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	id := r.PathValue("policyId")
	i := o.policyIndex(id)
	if i < 0 {
		notFound(w, r)
		return
	}
	if o.nameTaken(p.Name, id) {
		duplicate(w, r, p.Name)
		return
	}
	old := o.st.Policies[i]
	p.ID, p.CreatedDate, p.SelfURI = old.ID, old.CreatedDate, old.SelfURI
	defaultEnabled(&p)
	p.ModifiedDate = stamp(o.opts.Now())
	o.st.Policies[i] = p
	if o.saveFailed(w, r) {
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (o *Org) patchPolicy(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Enabled *bool `json:"enabled"`
	}
	if !decodeBody(w, r, "PolicyUpdate", &body) {
		return
	}
	if body.Enabled == nil {
		invalid(w, r, "enabled", "The field [enabled] is required.")
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	i := o.policyIndex(r.PathValue("policyId"))
	if i < 0 {
		notFound(w, r)
		return
	}
	p := &o.st.Policies[i]
	p.Enabled = body.Enabled
	p.ModifiedDate = stamp(o.opts.Now())
	if o.saveFailed(w, r) {
		return
	}
	writeJSON(w, http.StatusOK, *p)
}

func (o *Org) deletePolicy(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	i := o.policyIndex(r.PathValue("policyId"))
	if i < 0 {
		notFound(w, r)
		return
	}
	o.st.Policies = slices.Delete(o.st.Policies, i, i+1)
	if o.saveFailed(w, r) {
		return
	}
	w.WriteHeader(http.StatusOK)
}

// bulkDeletePolicies is DELETE ?ids=a,b: it deletes the policies that match
// and ignores unknown ids.
func (o *Org) bulkDeletePolicies(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.Query().Get("ids")
	if strings.TrimSpace(raw) == "" {
		writeError(w, r, http.StatusBadRequest, "bad.request", "The query parameter [ids] is required.")
		return
	}
	ids := setOf(strings.Split(raw, ","))
	o.mu.Lock()
	defer o.mu.Unlock()
	o.st.Policies = slices.DeleteFunc(o.st.Policies, func(p genesys.Policy) bool { return ids[p.ID] })
	if o.saveFailed(w, r) {
		return
	}
	w.WriteHeader(http.StatusOK)
}

func checkPolicy(w http.ResponseWriter, r *http.Request, p genesys.Policy) bool {
	if fe := validatePolicy(p); fe != nil {
		invalid(w, r, fe.field, fe.msg)
		return false
	}
	return true
}

// policyIndex finds a policy by id, or -1. Call with o.mu held.
func (o *Org) policyIndex(id string) int {
	return slices.IndexFunc(o.st.Policies, func(p genesys.Policy) bool { return p.ID == id })
}

// nameTaken reports whether another policy than except has name. Call with o.mu held.
func (o *Org) nameTaken(name, except string) bool {
	return slices.ContainsFunc(o.st.Policies, func(p genesys.Policy) bool {
		return p.ID != except && strings.EqualFold(p.Name, name)
	})
}

// duplicate answers the simulator's stand-in for a name clash.
func duplicate(w http.ResponseWriter, r *http.Request, name string) {
	writeError(w, r, http.StatusConflict, "conflict",
		fmt.Sprintf("A media retention policy named %q already exists.", name),
		genesys.ErrorDetail{ErrorCode: "conflict", FieldName: "name", EntityName: name})
}

func notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, r, http.StatusNotFound, "not.found", "The requested resource was not found.")
}

// saveFailed persists a change, answering 500 when the state file cannot
// be written. Call with o.mu held.
func (o *Org) saveFailed(w http.ResponseWriter, r *http.Request) bool {
	if err := o.commit(); err != nil {
		writeError(w, r, http.StatusInternalServerError, "internal.server.error", "The simulator could not save its state: "+err.Error())
		return true
	}
	return false
}

// paging reads pageSize (default 25, clamped to 100) and pageNumber.
func paging(w http.ResponseWriter, r *http.Request) (size, page int, ok bool) {
	q := r.URL.Query()
	size, page = 25, 1
	for _, p := range []struct {
		name string
		dst  *int
	}{{"pageSize", &size}, {"pageNumber", &page}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			invalid(w, r, p.name, fmt.Sprintf("Value [%s] is not valid for field type [Integer]; it must be 1 or more.", v))
			return 0, 0, false
		}
		*p.dst = n
	}
	return min(size, maxPageSize), page, true
}

// listing cuts one page out of all and builds the API's envelope.
func listing[T any](path string, filters url.Values, all []T, size, page int) genesys.Listing[T] {
	lo, hi := pageBounds(len(all), size, page)
	return listingOf(path, filters, all[lo:hi], len(all), size, page)
}

// pageBounds are the indexes of page's entities (from 1, size a page) among
// total. A page far past the end is empty, without (page-1)*size
// overflowing.
func pageBounds(total, size, page int) (lo, hi int) {
	if page-1 > total/size {
		return total, total
	}
	lo = min((page-1)*size, total)
	return lo, min(lo+size, total)
}

// listingOf is page page of a listing of total entities, holding entities.
func listingOf[T any](path string, filters url.Values, entities []T, total, size, page int) genesys.Listing[T] {
	pages := (total + size - 1) / size
	uri := func(n int) string {
		q := url.Values{}
		for k, v := range filters {
			q[k] = v
		}
		q.Set("pageSize", strconv.Itoa(size))
		q.Set("pageNumber", strconv.Itoa(n))
		return path + "?" + q.Encode()
	}
	l := genesys.Listing[T]{
		Entities: entities, PageSize: size, PageNumber: page, Total: total, PageCount: pages,
		FirstURI: uri(1), SelfURI: uri(page), LastURI: uri(max(pages, 1)),
	}
	if l.Entities == nil {
		l.Entities = []T{}
	}
	if page > 1 {
		l.PreviousURI = uri(page - 1)
	}
	if page < pages {
		l.NextURI = uri(page + 1)
	}
	return l
}
