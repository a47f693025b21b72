package resolve

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// directory answers like the platform's prefix filters: every entity whose
// name starts with the name asked, in any case.
type directory struct {
	ents  map[genesys.Kind][]genesys.Entity
	calls atomic.Int32
	err   error
}

func (d *directory) FindByName(_ context.Context, kind genesys.Kind, name string) ([]genesys.Entity, error) {
	d.calls.Add(1)
	var out []genesys.Entity
	for _, e := range d.ents[kind] {
		if strings.HasPrefix(strings.ToLower(e.Name), strings.ToLower(name)) || strings.EqualFold(e.Email, name) {
			out = append(out, e)
		}
	}
	return out, d.err
}

const (
	collections   = "5b7b5a0e-0d4e-4c2b-9a51-4a1f2c3d4e03"
	collectionsEU = "5b7b5a0e-0d4e-4c2b-9a51-4a1f2c3d4e04"
)

func org() *directory {
	return &directory{ents: map[genesys.Kind][]genesys.Entity{
		genesys.KindQueue: {{ID: collections, Name: "Collections"}, {ID: collectionsEU, Name: "Collections EU"}},
		genesys.KindUser: {
			{ID: "u1", Name: "Sam Lee", Email: "sam.lee@example.com"},
			{ID: "u2", Name: "Sam Lee", Email: "sam.lee2@example.com"},
		},
	}}
}

func withFilters(fs ...policy.Filter) policy.Policy {
	return policy.Policy{Name: "P", ObjectType: policy.Call, RetentionPeriod: 90, Filters: fs,
		Source: policy.Source{File: "p.yaml", Line: 1, Lines: map[string]int{"filters[0].value": 5, "filters[0].value[1]": 7}}}
}

func TestNamesResolveExactlyOnce(t *testing.T) {
	d := org()
	ps := []policy.Policy{
		withFilters(policy.Filter{Attribute: policy.Queue, Operator: "IN", Value: []any{"Collections", "name:Collections EU"}}),
		withFilters(policy.Filter{Attribute: policy.Queue, Operator: "EQ", Value: "collections"}),
		withFilters(policy.Filter{Attribute: policy.User, Operator: "EQ", Value: "SAM.LEE2@example.com"}),
	}
	got, names, vs, err := Policies(context.Background(), d, ps, nil)
	if err != nil || len(vs) != 0 {
		t.Fatal(err, vs)
	}
	if v := got[0].Filters[0].Value.([]any); len(v) != 2 || v[0] != collections || v[1] != collectionsEU {
		t.Errorf("list: %v", v)
	}
	if v := got[1].Filters[0].Value; v != collections {
		t.Errorf("a scalar stays a scalar, matched regardless of case: %v", v)
	}
	if v := got[2].Filters[0].Value; v != "u2" {
		t.Errorf("a user by email: %v", v)
	}
	if names[collections] != "Collections" || names[collectionsEU] != "Collections EU" {
		t.Errorf("names %v", names)
	}
	if n := d.calls.Load(); n != 4 {
		t.Errorf("%d lookups for 4 distinct names", n)
	}
	if ps[0].Filters[0].Value.([]any)[0] != "Collections" {
		t.Error("the caller's policies were changed")
	}
}

func TestIDsAreNotLookedUp(t *testing.T) {
	d := org()
	p := withFilters(policy.Filter{Attribute: policy.Queue, Operator: "IN", Value: []any{strings.ToUpper(collections), "id:q-legacy"}})
	got, _, vs, err := Policies(context.Background(), d, []policy.Policy{p}, nil)
	if err != nil || len(vs) != 0 || d.calls.Load() != 0 {
		t.Fatal(err, vs, d.calls.Load())
	}
	if v := got[0].Filters[0].Value.([]any); v[0] != collections || v[1] != "q-legacy" {
		t.Errorf("ids %v", v)
	}
}

// A name that matches nothing, or several, is a deny at the value's line
// that says what the organisation has.
func TestUnresolvedNamesAreDenied(t *testing.T) {
	p := withFilters(policy.Filter{Attribute: policy.Queue, Operator: "IN", Value: []any{"Collections", "Collect"}})
	p2 := withFilters(policy.Filter{Attribute: policy.User, Operator: "EQ", Value: "Sam Lee"})
	got, _, vs, err := Policies(context.Background(), org(), []policy.Policy{p, p2}, nil)
	if err != nil || len(vs) != 2 {
		t.Fatalf("%v %+v", err, vs)
	}
	unknown, ambiguous := vs[0], vs[1]
	if unknown.Rule != "filter.name-unknown" || unknown.Line != 7 || unknown.Severity != policy.Deny ||
		!strings.Contains(unknown.Message, `"Collections EU" (id `+collectionsEU) {
		t.Errorf("unknown: %+v", unknown)
	}
	if ambiguous.Rule != "filter.name-ambiguous" || ambiguous.Line != 5 || !strings.Contains(ambiguous.Message, "sam.lee2@example.com") {
		t.Errorf("ambiguous: %+v", ambiguous)
	}
	if v := got[0].Filters[0].Value.([]any); v[1] != "Collect" {
		t.Errorf("an unresolved name is kept as written: %v", v)
	}
}

func TestLookupFailureIsAnError(t *testing.T) {
	d := org()
	d.err = errors.New("503")
	p := withFilters(policy.Filter{Attribute: policy.Team, Operator: "EQ", Value: "Tier 1"})
	if _, _, _, err := Policies(context.Background(), d, []policy.Policy{p}, nil); err == nil || !strings.Contains(err.Error(), `team "Tier 1"`) {
		t.Fatalf("err = %v", err)
	}
}

func (d *directory) NamesOf(_ context.Context, kind genesys.Kind, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for _, e := range d.ents[kind] {
		if slices.Contains(ids, e.ID) {
			out[e.ID] = e.Name
		}
	}
	return out, nil
}

// Export writes names where the organisation has one object of that name,
// and ids with a note where it has several, or none.
func TestNamingOf(t *testing.T) {
	p := withFilters(policy.Filter{Attribute: policy.Queue, Operator: "IN", Value: []any{collections, "q-gone"}},
		policy.Filter{Attribute: policy.User, Operator: "EQ", Value: "u1"})
	n, err := NamingOf(context.Background(), org(), []policy.Policy{p})
	if err != nil {
		t.Fatal(err)
	}
	named := n.Named(p)
	if v := named.Filters[0].Value.([]any); v[0] != "Collections" || v[1] != "id:q-gone" {
		t.Errorf("queues written as %v", v)
	}
	if v := named.Filters[1].Value; v != "id:u1" || !strings.Contains(n.Notes["u1"], "not unique") {
		t.Errorf("an ambiguous user written as %v, note %q", v, n.Notes["u1"])
	}
	if !strings.Contains(n.Notes["q-gone"], "no queue with this id") {
		t.Errorf("notes %v", n.Notes)
	}
	// What export writes reads back as the same ids.
	back, _, vs, err := Policies(context.Background(), org(), []policy.Policy{named}, nil)
	if err != nil || len(vs) != 0 || back[0].Filters[0].Value.([]any)[0] != collections || back[0].Filters[1].Value != "u1" {
		t.Errorf("round trip: %+v %v %v", back, vs, err)
	}
}

// A queue renamed in Genesys since the policy was written: the deny names
// the one the live policy holds in its place, which nothing changes.
func TestRenamedObjectIsNamed(t *testing.T) {
	d := org()
	d.ents[genesys.KindQueue] = append(d.ents[genesys.KindQueue], genesys.Entity{ID: "q-old", Name: "Debt recovery"})
	p := withFilters(policy.Filter{Attribute: policy.Queue, Operator: "IN", Value: []any{"Collections EU", "Dunning"}})
	live := withFilters(policy.Filter{Attribute: policy.Queue, Operator: "IN", Value: []any{collectionsEU, "q-old"}})
	_, _, vs, err := Policies(context.Background(), d, []policy.Policy{p}, []policy.Policy{live})
	if err != nil || len(vs) != 1 {
		t.Fatalf("%v %+v", err, vs)
	}
	if v := vs[0]; v.Rule != "filter.name-unknown" || v.Severity != policy.Deny || v.Line != 7 || !strings.Contains(v.Message, `holds queue "Debt recovery" (id q-old) in its place`) {
		t.Errorf("deny %+v", v)
	}
	_, _, vs, _ = Policies(context.Background(), d, []policy.Policy{p}, nil)
	if len(vs) != 1 || strings.Contains(vs[0].Message, "in its place") {
		t.Errorf("no live policy to judge by: %+v", vs)
	}
}

// A display name is anyone's to choose: a value with an @ is an email.
func TestEmailIsNotADisplayName(t *testing.T) {
	d := org()
	d.ents[genesys.KindUser] = append(d.ents[genesys.KindUser], genesys.Entity{ID: "u9", Name: "sam.lee@example.com", Email: "mallory@example.com"})
	got, _, vs, err := Policies(context.Background(), d, []policy.Policy{withFilters(policy.Filter{Attribute: policy.User, Operator: "EQ", Value: "sam.lee@example.com"})}, nil)
	if err != nil || len(vs) != 0 || got[0].Filters[0].Value != "u1" {
		t.Fatalf("resolved to %v (%v %v)", got[0].Filters[0].Value, vs, err)
	}
	if r := Parse("id:5B7B5A0E-0D4E-4C2B-9A51-4A1F2C3D4E03"); r.ID != collections {
		t.Errorf("id: is compared as Genesys writes it: %+v", r)
	}
}
