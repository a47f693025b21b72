package apply_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/genesys/genesystest"
)

const policiesPath = "/api/v2/recording/mediaretentionpolicies"

// org is an in-memory organisation behind a genesystest.Fake. It answers as
// the API does where apply relies on it: names are unique whatever their
// case (409), a missing id is a 404, and what is stored is a copy of what
// was sent, as the wire would make it.
type org struct {
	mu   sync.Mutex
	ps   []genesys.Policy
	made int
}

func newOrg() (*org, *genesystest.Fake) {
	o := &org{}
	return o, &genesystest.Fake{
		ListPoliciesFunc:       o.list,
		FindPoliciesByNameFunc: o.find,
		CreatePolicyFunc:       o.create,
		UpdatePolicyFunc:       o.update,
		DeletePolicyFunc:       o.delete,
	}
}

func (o *org) list(context.Context) ([]genesys.Policy, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]genesys.Policy, len(o.ps))
	for i, p := range o.ps {
		out[i] = clone(p)
	}
	return out, nil
}

func (o *org) find(ctx context.Context, name string) ([]genesys.Policy, error) {
	all, _ := o.list(ctx)
	return slices.DeleteFunc(all, func(p genesys.Policy) bool { return p.Name != name }), nil
}

func (o *org) create(_ context.Context, p genesys.Policy) (genesys.Policy, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.nameTaken(p.Name, "") {
		return genesys.Policy{}, apiError(http.MethodPost, policiesPath, http.StatusConflict, "conflict")
	}
	o.made++
	p = clone(p)
	p.ID = fmt.Sprintf("policy-%d", o.made)
	o.ps = append(o.ps, p)
	return clone(p), nil
}

func (o *org) update(_ context.Context, id string, p genesys.Policy) (genesys.Policy, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	i := o.index(id)
	switch {
	case i < 0:
		return genesys.Policy{}, apiError(http.MethodPut, policiesPath+"/"+id, http.StatusNotFound, "not.found")
	case o.nameTaken(p.Name, id):
		return genesys.Policy{}, apiError(http.MethodPut, policiesPath+"/"+id, http.StatusConflict, "conflict")
	}
	p = clone(p)
	p.ID = id
	o.ps[i] = p
	return clone(p), nil
}

func (o *org) delete(_ context.Context, id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	i := o.index(id)
	if i < 0 {
		return apiError(http.MethodDelete, policiesPath+"/"+id, http.StatusNotFound, "not.found")
	}
	o.ps = slices.Delete(o.ps, i, i+1)
	return nil
}

// index is the position of policy id, -1 when there is none. Call with o.mu held.
func (o *org) index(id string) int {
	return slices.IndexFunc(o.ps, func(p genesys.Policy) bool { return p.ID == id })
}

// nameTaken reports whether a policy other than except has name. Call with o.mu held.
func (o *org) nameTaken(name, except string) bool {
	return slices.ContainsFunc(o.ps, func(p genesys.Policy) bool { return p.ID != except && strings.EqualFold(p.Name, name) })
}

func apiError(method, path string, status int, code string) error {
	return &genesys.APIError{Method: method, Path: path, Status: status, Code: code, Message: http.StatusText(status)}
}

// clone copies p through JSON, so that neither side shares pointers with
// what the org stores.
func clone(p genesys.Policy) genesys.Policy {
	data, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	var out genesys.Policy
	if err := json.Unmarshal(data, &out); err != nil {
		panic(err)
	}
	return out
}
