// Package resolve turns the names a policy's filters hold — queues, users,
// teams, wrap-up codes, languages — into the organisation's ids, so that
// admins write what they know and reviewers read what they approve, while
// Genesys gets ids.
package resolve

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Directory finds the organisation's objects by name. The platform's
// filters may match more than the name (a prefix, another case); Policies
// does the exact matching.
type Directory interface {
	FindByName(ctx context.Context, kind genesys.Kind, name string) ([]genesys.Entity, error)
}

// Concurrency is how many names are looked up at once; the client's
// shared rate limit paces them.
const Concurrency = 8

// kinds are the filter attributes that reference objects by id.
var kinds = map[policy.Attribute]genesys.Kind{
	policy.Queue:      genesys.KindQueue,
	policy.User:       genesys.KindUser,
	policy.Team:       genesys.KindTeam,
	policy.WrapupCode: genesys.KindWrapupCode,
	policy.Language:   genesys.KindLanguage,
}

// Ref is one filter value as written: an id, or a name to look up.
type Ref struct {
	ID, Name string
}

// Parse reads a filter value: "id:" and "name:" say which it is where it
// could be read either way; otherwise a UUID is an id (Genesys' ids all are)
// and anything else a name.
func Parse(v string) Ref {
	switch {
	case strings.HasPrefix(v, "id:"):
		id := strings.TrimSpace(strings.TrimPrefix(v, "id:"))
		if isUUID(id) {
			id = strings.ToLower(id) // as Genesys writes it, so the plan compares like with like
		}
		return Ref{ID: id}
	case strings.HasPrefix(v, "name:"):
		return Ref{Name: strings.TrimSpace(strings.TrimPrefix(v, "name:"))}
	}
	if isUUID(v) {
		return Ref{ID: strings.ToLower(v)}
	}
	return Ref{Name: v}
}

func isUUID(v string) bool {
	_, err := uuid.Parse(v)
	return err == nil && len(v) == 36
}

// Names maps each id a name resolved to back to that name, for display.
type Names map[string]string

type key struct {
	kind genesys.Kind
	name string
}

// found is what looking a name up gave: the exact matches, and every
// candidate the platform answered, for the message when there is not one.
type found struct {
	matches, candidates []genesys.Entity
}

// Lookup is what resolving needs of the organisation.
type Lookup interface {
	Directory
	Namer
}

// Policies returns ps with every name replaced by its id, each distinct
// name looked up once; the names learned; and a deny at the value's line
// for each name that matches nothing or more than one object (those values
// stay as written, and the plan is blocked, so the live policy keeps what
// it has). Where the live policy of the same name (live, the organisation's
// policies as policy YAML) shows the object a missing name stood for — one
// renamed in Genesys since, or a typo — the deny names it. An error is a
// failed lookup.
func Policies(ctx context.Context, dir Lookup, ps, live []policy.Policy) ([]policy.Policy, Names, []policy.Violation, error) {
	results, err := lookUp(ctx, dir, namesIn(ps))
	if err != nil {
		return nil, nil, nil, err
	}
	moved, err := renamed(ctx, dir, ps, live, results)
	if err != nil {
		return nil, nil, nil, err
	}
	names := Names{}
	var vs []policy.Violation
	out := make([]policy.Policy, len(ps))
	for i, p := range ps {
		out[i], vs = rewrite(p, results, moved, names, vs)
	}
	return out, names, vs, nil
}

// namesIn lists the distinct names the policies reference.
func namesIn(ps []policy.Policy) []key {
	seen := map[key]bool{}
	var out []key
	for _, p := range ps {
		for _, f := range p.Filters {
			kind, ok := kinds[f.Attribute]
			if !ok {
				continue
			}
			for _, v := range f.Values() {
				if r := Parse(v); r.Name != "" && !seen[key{kind, r.Name}] {
					seen[key{kind, r.Name}] = true
					out = append(out, key{kind, r.Name})
				}
			}
		}
	}
	return out
}

// lookUp asks the directory for every name, Concurrency at a time.
func lookUp(ctx context.Context, dir Directory, keys []key) (map[key]found, error) {
	res := make([]found, len(keys))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(Concurrency)
	for i, k := range keys {
		g.Go(func() error {
			ents, err := dir.FindByName(gctx, k.kind, k.name)
			if err != nil {
				return fmt.Errorf("looking up %s %q: %w", k.kind, k.name, err)
			}
			res[i] = found{matches: exact(k, ents), candidates: ents}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make(map[key]found, len(keys))
	for i, k := range keys {
		out[k] = res[i]
	}
	return out, nil
}

// exact keeps the entities whose name is k's name: written the same, or,
// when none is, the same but for case. A user written with an @ is found
// by email only: a display name can be anything, even someone's address.
func exact(k key, ents []genesys.Entity) []genesys.Entity {
	if k.kind == genesys.KindUser && strings.Contains(k.name, "@") {
		return slices.DeleteFunc(slices.Clone(ents), func(e genesys.Entity) bool { return !strings.EqualFold(e.Email, k.name) })
	}
	var same, folded []genesys.Entity
	for _, e := range ents {
		switch {
		case e.Name == k.name:
			same = append(same, e)
		case strings.EqualFold(e.Name, k.name):
			folded = append(folded, e)
		}
	}
	if len(same) > 0 {
		return same
	}
	return folded
}

// rewrite replaces p's names by ids, keeping a scalar a scalar and a list a
// list, and reports each name that does not resolve to one object.
func rewrite(p policy.Policy, results map[key]found, moved map[renameKey]genesys.Entity, names Names, vs []policy.Violation) (policy.Policy, []policy.Violation) {
	fs := slices.Clone(p.Filters)
	for i, f := range fs {
		kind, ok := kinds[f.Attribute]
		if !ok {
			continue
		}
		vals := f.Values()
		ids := make([]any, 0, len(vals))
		for j, v := range vals {
			r := Parse(v)
			if r.Name == "" {
				ids = append(ids, r.ID)
				continue
			}
			got := results[key{kind, r.Name}]
			if len(got.matches) != 1 {
				bad := unresolved(p, i, j, kind, r.Name, got)
				if now, ok := moved[renameKey{p.Name, kind, r.Name}]; ok {
					bad.Message += fmt.Sprintf(". The live policy holds %s %q (id %s) in its place: if it was renamed in Genesys, write its new name; until then the policy keeps it", kind, now.Name, now.ID)
				}
				vs = append(vs, bad)
				ids = append(ids, v)
				continue
			}
			names[got.matches[0].ID] = got.matches[0].Name
			ids = append(ids, got.matches[0].ID)
		}
		ids = slices.Compact(ids)
		if isList(f.Value) || len(ids) != 1 {
			fs[i].Value = ids
		} else {
			fs[i].Value = ids[0]
		}
	}
	p.Filters = fs
	return p, vs
}

// unresolved is the deny for a name that matched nothing or several.
func unresolved(p policy.Policy, filter, item int, kind genesys.Kind, name string, got found) policy.Violation {
	at := fmt.Sprintf("filters[%d].value", filter)
	line := p.Source.LineOf(fmt.Sprintf("%s[%d]", at, item))
	if line == p.Source.Line {
		line = p.Source.LineOf(at)
	}
	v := policy.Violation{Severity: policy.Deny, File: p.Source.File, Line: line, Policy: p.Name}
	if len(got.matches) == 0 {
		v.Rule = "filter.name-unknown"
		v.Message = fmt.Sprintf("%s %q matches no %s in the organisation", kind, name, kind)
		if len(got.candidates) > 0 {
			v.Message += "; it has " + describe(got.candidates)
		}
		v.Message += ": check the spelling, or write the id"
		return v
	}
	v.Rule = "filter.name-ambiguous"
	v.Message = fmt.Sprintf("%s %q matches %d %ss: %s; write the one you mean as id:<id>", kind, name, len(got.matches), kind, describe(got.matches))
	if kind == genesys.KindUser {
		v.Message += " or by email"
	}
	return v
}

// describe lists entities for a message, the first few only.
func describe(ents []genesys.Entity) string {
	const shown = 5
	ents = slices.SortedFunc(slices.Values(ents), func(a, b genesys.Entity) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	var parts []string
	for i, e := range ents {
		if i == shown {
			parts = append(parts, fmt.Sprintf("and %d more", len(ents)-shown))
			break
		}
		s := fmt.Sprintf("%q (id %s)", e.Name, e.ID)
		if e.Email != "" {
			s = fmt.Sprintf("%q <%s> (id %s)", e.Name, e.Email, e.ID)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// isList reports whether a filter's value was written as a list.
func isList(v any) bool {
	switch v.(type) {
	case []any, []string:
		return true
	}
	return false
}
