package resolve

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Namer reads the current names of ids.
type Namer interface {
	NamesOf(ctx context.Context, kind genesys.Kind, ids []string) (map[string]string, error)
}

// Naming says how to write each id a policy references, for export: by
// name where the organisation has exactly one object of that name, and as
// the id otherwise, with a note saying why.
type Naming struct {
	Write map[string]string // id → the value to write
	Notes map[string]string // id → why it stays an id
}

// NamingOf names the ids of ps: each id's name is read, then looked up
// again to make sure it names that one object and no other.
func NamingOf(ctx context.Context, dir Lookup, ps []policy.Policy) (Naming, error) {
	n := Naming{Write: map[string]string{}, Notes: map[string]string{}}
	byKind := idsIn(ps)
	names := map[genesys.Kind]map[string]string{}
	for _, kind := range slices.Sorted(maps.Keys(byKind)) {
		got, err := dir.NamesOf(ctx, kind, byKind[kind])
		if err != nil {
			return n, fmt.Errorf("reading the names of %ss: %w", kind, err)
		}
		names[kind] = got
	}
	var keys []key
	for kind, got := range names {
		for _, name := range got {
			keys = append(keys, key{kind, name})
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(strings.Compare(string(a.kind), string(b.kind)), strings.Compare(a.name, b.name))
	})
	keys = slices.Compact(keys)
	found, err := lookUp(ctx, dir, keys)
	if err != nil {
		return n, err
	}
	for kind, ids := range byKind {
		for _, id := range ids {
			name, ok := names[kind][id]
			switch {
			case !ok:
				n.Notes[id] = fmt.Sprintf("no %s with this id in the organisation", kind)
			case len(found[key{kind, name}].matches) == 1 && found[key{kind, name}].matches[0].ID == id:
				n.Write[id] = nameValue(name)
				continue
			default:
				n.Notes[id] = fmt.Sprintf("%s %q: the name is not unique", kind, name)
			}
			n.Write[id] = idValue(id)
		}
	}
	return n, nil
}

// idsIn lists the distinct ids each kind of filter references.
func idsIn(ps []policy.Policy) map[genesys.Kind][]string {
	out := map[genesys.Kind][]string{}
	for _, p := range ps {
		for _, f := range p.Filters {
			if kind, ok := kinds[f.Attribute]; ok {
				out[kind] = append(out[kind], f.Values()...)
			}
		}
	}
	for k, ids := range out {
		slices.Sort(ids)
		out[k] = slices.Compact(ids)
	}
	return out
}

// nameValue writes a name so that it reads back as that name.
func nameValue(name string) string {
	if Parse(name).Name == name {
		return name
	}
	return "name:" + name
}

// idValue writes an id so that it reads back as that id.
func idValue(id string) string {
	if Parse(id).ID == id {
		return id
	}
	return "id:" + id
}

// Named returns p with its ids written as n says.
func (n Naming) Named(p policy.Policy) policy.Policy {
	fs := slices.Clone(p.Filters)
	for i, f := range fs {
		if _, ok := kinds[f.Attribute]; !ok {
			continue
		}
		vals := f.Values()
		out := make([]any, len(vals))
		for j, v := range vals {
			out[j] = v
			if w, ok := n.Write[v]; ok {
				out[j] = w
			}
		}
		if isList(f.Value) || len(out) != 1 {
			fs[i].Value = out
		} else {
			fs[i].Value = out[0]
		}
	}
	p.Filters = fs
	return p
}
