package genesys

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

const (
	routePolicies = "/api/v2/recording/mediaretentionpolicies"
	routePolicy   = routePolicies + "/{policyId}"
)

// ListPolicies returns every media retention policy. It sends only pageSize
// and pageNumber: the SDKs' stray enabled=false / hasErrors=false filters
// would silently hide policies.
func (c *Client) ListPolicies(ctx context.Context) ([]Policy, error) {
	return listAll[Policy](ctx, c, routePolicies, routePolicies, nil)
}

// FindPoliciesByName returns the policies named exactly name. The server's
// name filter is only a hint; the exact match is made here.
func (c *Client) FindPoliciesByName(ctx context.Context, name string) ([]Policy, error) {
	all, err := listAll[Policy](ctx, c, routePolicies, routePolicies, url.Values{"name": {name}})
	if err != nil {
		return nil, err
	}
	var out []Policy
	for _, p := range all {
		if p.Name == name {
			out = append(out, p)
		}
	}
	return out, nil
}

// GetPolicy reads one policy.
func (c *Client) GetPolicy(ctx context.Context, id string) (Policy, error) {
	var p Policy
	err := c.do(ctx, call{method: http.MethodGet, route: routePolicy, path: policyPath(id)}, &p)
	return p, err
}

// CreatePolicy creates p. When the answer is lost or is a server error the
// POST may still have worked, so the name is looked up first: the existing
// policy is returned if it is there, and the POST is sent again only when
// the lookup proves it was not created. No duplicate is ever made.
func (c *Client) CreatePolicy(ctx context.Context, p Policy) (Policy, error) {
	bo := newBackoff()
	for try := 0; ; try++ {
		var out Policy
		err := c.do(ctx, call{method: http.MethodPost, route: routePolicies, path: routePolicies, body: p}, &out)
		if err == nil || !errors.Is(err, ErrOutcomeUnknown) {
			return out, err
		}
		found, lerr := c.FindPoliciesByName(ctx, p.Name)
		if lerr != nil {
			return Policy{}, fmt.Errorf("%w; checking whether policy %q was created failed too: %w", err, p.Name, lerr)
		}
		if len(found) > 0 {
			return found[0], nil
		}
		if try >= c.maxRetries {
			return Policy{}, fmt.Errorf("create policy %q: not created after %d attempts: %w", p.Name, try+1, err)
		}
		if err := c.sleep(ctx, bo.NextBackOff()); err != nil {
			return Policy{}, err
		}
	}
}

// UpdatePolicy replaces the policy id with p (PUT takes the full policy).
func (c *Client) UpdatePolicy(ctx context.Context, id string, p Policy) (Policy, error) {
	var out Policy
	err := c.do(ctx, call{method: http.MethodPut, route: routePolicy, path: policyPath(id), body: p}, &out)
	return out, err
}

// SetPolicyEnabled turns a policy on or off (PATCH takes only {enabled}).
func (c *Client) SetPolicyEnabled(ctx context.Context, id string, enabled bool) (Policy, error) {
	var out Policy
	body := struct {
		Enabled bool `json:"enabled"`
	}{enabled}
	err := c.do(ctx, call{method: http.MethodPatch, route: routePolicy, path: policyPath(id), body: body}, &out)
	return out, err
}

// DeletePolicy deletes one policy; the API answers 200 or 204.
func (c *Client) DeletePolicy(ctx context.Context, id string) error {
	return c.do(ctx, call{method: http.MethodDelete, route: routePolicy, path: policyPath(id)}, nil)
}

func policyPath(id string) string { return routePolicies + "/" + url.PathEscape(id) }
