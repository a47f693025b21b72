package resolve

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// renameKey is a name one policy's filter holds.
type renameKey struct {
	policy string
	kind   genesys.Kind
	name   string
}

// renamed finds, for a name that matches nothing, the object it most
// likely stood for: the live policy of the same name holds exactly one id
// of that kind that the filter's other values do not account for. Renamed
// in Genesys since the policy was written, or misspelt: the deny says which
// object the live policy holds, so the fix is plain.
func renamed(ctx context.Context, n Namer, ps, live []policy.Policy, results map[key]found) (map[renameKey]genesys.Entity, error) {
	byName := map[string]policy.Policy{}
	for _, l := range live {
		byName[policy.NameKey(l.Name)] = l
	}
	guesses := map[renameKey]string{}
	ask := map[genesys.Kind][]string{}
	for _, p := range ps {
		l, ok := byName[policy.NameKey(p.Name)]
		if !ok && p.RenamedFrom != "" {
			l, ok = byName[policy.NameKey(p.RenamedFrom)]
		}
		if !ok {
			continue
		}
		for _, f := range p.Filters {
			kind, ok := kinds[f.Attribute]
			if !ok {
				continue
			}
			missing, accounted := split(f, kind, results)
			if len(missing) != 1 {
				continue // which live id a name meant is a guess only when one is missing
			}
			if id, ok := onlyOther(liveIDs(l, f.Attribute), accounted); ok {
				guesses[renameKey{p.Name, kind, missing[0]}] = id
				ask[kind] = append(ask[kind], id)
			}
		}
	}
	out := map[renameKey]genesys.Entity{}
	for _, kind := range slices.Sorted(maps.Keys(ask)) {
		got, err := n.NamesOf(ctx, kind, ask[kind])
		if err != nil {
			return nil, fmt.Errorf("reading the names of %ss: %w", kind, err)
		}
		for k, id := range guesses {
			if name, ok := got[id]; ok && k.kind == kind {
				out[k] = genesys.Entity{ID: id, Name: name}
			}
		}
	}
	return out, nil
}

// split sorts a filter's values into the names that matched nothing and
// the ids the rest stand for.
func split(f policy.Filter, kind genesys.Kind, results map[key]found) (missing []string, accounted map[string]bool) {
	accounted = map[string]bool{}
	for _, v := range f.Values() {
		r := Parse(v)
		switch got := results[key{kind, r.Name}]; {
		case r.Name == "":
			accounted[r.ID] = true
		case len(got.matches) == 0:
			missing = append(missing, r.Name)
		default:
			for _, e := range got.matches {
				accounted[e.ID] = true
			}
		}
	}
	return missing, accounted
}

func liveIDs(l policy.Policy, attr policy.Attribute) []string {
	for _, f := range l.Filters {
		if f.Attribute == attr {
			return f.Values()
		}
	}
	return nil
}

// onlyOther returns the one id of ids not accounted for.
func onlyOther(ids []string, accounted map[string]bool) (string, bool) {
	var rest []string
	for _, id := range ids {
		if !accounted[id] {
			rest = append(rest, id)
		}
	}
	if len(rest) != 1 {
		return "", false
	}
	return rest[0], true
}
