package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Build diffs the desired policies against the live ones. It is pure: the
// same inputs always give the same plan, fingerprint included.
func Build(desired []policy.Policy, live []model.Policy, s policy.Settings) (Plan, error) {
	byName, err := indexLive(live)
	if err != nil {
		return Plan{}, err
	}
	p := Plan{
		Version:    Version,
		Settings:   Settings{Prune: s.Prune, Conflicts: s.Conflicts, Estimates: s.Estimates},
		Violations: []policy.Violation{},
	}
	matched := map[string]string{} // live id → the desired policy that claimed it
	var untouched []policy.Policy  // live policies the plan leaves as they are
	names := desiredNames(desired)
	for _, d := range desired {
		d = mapping.Canonical(d)
		l, ok := match(byName, d, names)
		c := Change{Name: d.Name, After: &d, Source: sourceOf(d)}
		if ok {
			if other, dup := matched[l.ID]; dup {
				return Plan{}, fmt.Errorf("policies %q and %q both resolve to the live policy %q (id %s): a renamedFrom names a policy another one already claims; fix renamedFrom", other, d.Name, l.Name, l.ID)
			}
			matched[l.ID] = d.Name
			c = diff(c, l)
			if len(l.Unknown) > 0 {
				p.Violations = append(p.Violations, unknownFields(d, l))
			}
		} else {
			c.Action, c.Risk = Create, Safe
			c.Reasons = []string{"new policy: recordings it matches are kept " + days(d.RetentionPeriod)}
			if l, ok := lookAlike(live, d.Name); ok {
				p.Violations = append(p.Violations, lookAlikeName(d, l))
			}
		}
		c.After.Source = policy.Source{}
		p.Changes = append(p.Changes, c)
	}
	for _, l := range live {
		if _, ok := matched[l.ID]; ok {
			continue
		}
		untouched = append(untouched, p.leftover(l, s.Prune)...)
	}
	sortChanges(p.Changes)
	p.Overlaps = overlaps(p.Changes, untouched, s.Conflicts.WindowDays)
	p.Storage = estimate(p.Changes, p.Unmanaged, p.Orphaned, s.Estimates)
	p.seal()
	return p, nil
}

// seal counts the plan's changes and fingerprints it, once it is complete.
func (p *Plan) seal() {
	p.Summary = summarize(p.Changes)
	for _, h := range p.Holds {
		p.Summary.Protect += len(h.Protect)
		p.Summary.Release += len(h.Release)
	}
	if p.Ceiling != nil && p.Ceiling.Action != Noop {
		p.Summary.Ceiling = 1
	}
	p.Fingerprint = Fingerprint(*p)
}

// indexLive maps live policies by name. Two live policies with one name make
// identity ambiguous, and retainctl refuses to guess which one a YAML means.
func indexLive(live []model.Policy) (map[string]model.Policy, error) {
	byName := make(map[string]model.Policy, len(live))
	ids := make(map[string]bool, len(live))
	for _, l := range live {
		if l.ID == "" {
			return nil, fmt.Errorf("the organisation listed a policy without an id (%q): retainctl cannot change or keep track of it; check the API answer", l.Name)
		}
		if ids[l.ID] {
			return nil, fmt.Errorf("the organisation listed the policy id %s twice (the second time as %q): the listing is not consistent; run again, and report it if it persists", l.ID, l.Name)
		}
		ids[l.ID] = true
		if prev, dup := byName[l.Name]; dup {
			return nil, fmt.Errorf("the live organisation has two policies named %q (ids %s and %s): rename or delete one in Genesys Cloud, then plan again", l.Name, prev.ID, l.ID)
		}
		byName[l.Name] = l
	}
	return byName, nil
}

// match finds d's live policy by name, else by its former name, unless a
// desired policy still has that name: then the live one is that policy's.
func match(byName map[string]model.Policy, d policy.Policy, desired map[string]bool) (model.Policy, bool) {
	if l, ok := byName[d.Name]; ok {
		return l, true
	}
	if d.RenamedFrom != "" && !desired[d.RenamedFrom] {
		l, ok := byName[d.RenamedFrom]
		return l, ok
	}
	return model.Policy{}, false
}

func desiredNames(ps []policy.Policy) map[string]bool {
	names := make(map[string]bool, len(ps))
	for _, p := range ps {
		names[p.Name] = true
	}
	return names
}

// leftover records a live policy no desired policy matched, and returns
// what it keeps, per media, when it stays in the organisation.
func (p *Plan) leftover(l model.Policy, prune bool) []policy.Policy {
	lv := mapping.FromAPI(l)
	ref := LiveRef{Name: l.Name, ID: l.ID, Retention: lv.Policy.RetentionPeriod, Forever: lv.Forever,
		Media: joinMedia(lv.Media), PolicyErrors: lv.Errors, Unknown: lv.Unknown}
	switch {
	case !lv.Managed:
		p.Unmanaged = append(p.Unmanaged, ref)
	case prune:
		before := lv.Policy
		p.Changes = append(p.Changes, Change{
			Action: Delete, Name: l.Name, ID: l.ID, Risk: Destructive, Before: &before,
			Reasons: []string{"managed policy left the repository and prune is on: it is deleted, and new recordings it matched fall back to other policies"},
		})
		return nil
	default:
		p.Orphaned = append(p.Orphaned, ref)
	}
	if !lv.Policy.IsEnabled() {
		return nil
	}
	return lv.Keeps
}

// joinMedia names several media as one ("call+chat").
func joinMedia(ms []policy.ObjectType) string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return strings.Join(out, "+")
}

// lookAlike finds a live policy whose name reads the same as name without
// being it: Genesys would refuse the create as a duplicate.
func lookAlike(live []model.Policy, name string) (model.Policy, bool) {
	key := policy.NameKey(name)
	for _, l := range live {
		if l.Name != name && policy.NameKey(l.Name) == key {
			return l, true
		}
	}
	return model.Policy{}, false
}

func lookAlikeName(d policy.Policy, l model.Policy) policy.Violation {
	return policy.Violation{
		Rule: "live.look-alike-name", Severity: policy.Deny, File: d.Source.File, Line: d.Source.Line, Policy: d.Name,
		Message: fmt.Sprintf("the organisation has a policy named %q (id %s), which Genesys treats as the same name as %q: "+
			"name the YAML policy %q to take it over, or give it renamedFrom: %q", l.Name, l.ID, d.Name, l.Name, l.Name),
	}
}

// unknownFields refuses to plan a policy whose live answer holds fields
// retainctl has no model for: an update would drop them, and what they do
// to coverage is unknown.
func unknownFields(d policy.Policy, l model.Policy) policy.Violation {
	return policy.Violation{
		Rule: "live.unknown-fields", Severity: policy.Deny, File: d.Source.File, Line: d.Source.Line, Policy: d.Name,
		Message: fmt.Sprintf("the live policy %q (id %s) holds fields retainctl has no model for (%s): it is neither changed nor enforced; "+
			"remove them in Genesys Cloud, or take this policy out of the repository until retainctl models them", l.Name, l.ID, strings.Join(l.Unknown, ", ")),
	}
}

func sourceOf(d policy.Policy) *policy.Source {
	if d.Source.File == "" {
		return nil
	}
	s := d.Source
	return &s
}

// sortChanges orders changes by name, noops last, for stable output.
func sortChanges(cs []Change) {
	sort.SliceStable(cs, func(i, j int) bool {
		ni, nj := cs[i].Action == Noop, cs[j].Action == Noop
		if ni != nj {
			return nj
		}
		return cs[i].Name < cs[j].Name
	})
}

func summarize(cs []Change) Summary {
	var s Summary
	for _, c := range cs {
		switch c.Action {
		case Create:
			s.Create++
		case Update:
			s.Update++
		case Delete:
			s.Delete++
		case Adopt:
			s.Adopt++
		case Noop:
			s.Noop++
		}
	}
	return s
}

func days(n policy.Retention) string { return n.String() }
