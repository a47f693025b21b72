package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Fingerprint hashes what the plan changes — what is done to which policy,
// from what to what, and the settings that decide what apply does when the
// organisation answers back (the conflict strategy on a 409, prune) — and
// nothing of how it is rendered, so that the plan a reviewer approved can
// be recognised at apply time.
//
// What the plan leaves alone does not count: unchanged (noop) policies,
// holds already protected as written, a ceiling already set. Two pull
// requests that change different policies therefore keep their own
// fingerprints when the other one is merged and applied: the plan of the
// merged main against the organisation after the first apply is exactly
// the second pull request's plan.
//
// Holds count by what apply does to them (which conversations it protects
// or releases, under whose name), the ceiling by its before and after.
func Fingerprint(p Plan) string {
	var items []semantic
	for _, c := range p.Changes {
		if c.Action != Noop {
			items = append(items, semanticOf(c))
		}
	}
	var holds []holdSemantic
	for _, h := range p.Holds {
		if h.Changed() {
			holds = append(holds, holdSemanticOf(h))
		}
	}
	return hash(struct {
		Strategy policy.Strategy `json:"strategy"`
		Prune    bool            `json:"prune"`
		Changes  []semantic      `json:"changes"`
		Holds    []holdSemantic  `json:"holds,omitempty"`
		Ceiling  *CeilingChange  `json:"ceiling,omitempty"`
	}{p.Settings.Conflicts.Strategy, p.Settings.Prune, items, holds, ceilingSemantic(p.Ceiling)})
}

// ItemKeyLen is the length of an item key: 24 hex digits, 96 bits of a
// sha256, too many to find a second change with the key of an approved
// one, few enough that a pull-request comment can list hundreds.
const ItemKeyLen = 24

// Items returns one key per thing the plan does, in plan order: first the
// settings the fingerprint covers, then each change that is not a noop,
// each hold apply calls the organisation for, and the ceiling when it
// moves. Each key hashes exactly what the fingerprint covers of its item,
// so that a change approved in one plan is recognised in another: apply
// uses them to carry the approved changes of a pull request whose own
// apply run was superseded (see Covered).
func Items(p Plan) []string {
	keys := []string{itemKey(struct {
		Kind     string          `json:"kind"`
		Strategy policy.Strategy `json:"strategy"`
		Prune    bool            `json:"prune"`
	}{"settings", p.Settings.Conflicts.Strategy, p.Settings.Prune})}
	for _, c := range p.Changes {
		if c.Action != Noop {
			keys = append(keys, itemKey(struct {
				Kind   string   `json:"kind"`
				Change semantic `json:"change"`
			}{"policy", semanticOf(c)}))
		}
	}
	for _, h := range p.Holds {
		if h.Changed() {
			keys = append(keys, itemKey(struct {
				Kind string       `json:"kind"`
				Hold holdSemantic `json:"hold"`
			}{"hold", holdSemanticOf(h)}))
		}
	}
	if c := ceilingSemantic(p.Ceiling); c != nil {
		keys = append(keys, itemKey(struct {
			Kind    string         `json:"kind"`
			Ceiling *CeilingChange `json:"ceiling"`
		}{"ceiling", c}))
	}
	return keys
}

// ItemNames names, for each key of Items(p), what it is, for messages.
func ItemNames(p Plan) map[string]string {
	keys := Items(p)
	names := map[string]string{keys[0]: "the settings (prune, conflicts.strategy)"}
	i := 1
	for _, c := range p.Changes {
		if c.Action != Noop {
			names[keys[i]] = string(c.Action) + " " + c.Name
			i++
		}
	}
	for _, h := range p.Holds {
		if h.Changed() {
			names[keys[i]] = "hold " + h.Name
			i++
		}
	}
	if i < len(keys) {
		names[keys[i]] = "analytics ceiling " + describeCeiling(p.Ceiling)
	}
	return names
}

func itemKey(v any) string { return hash(v)[len("sha256:"):][:ItemKeyLen] }

// holdSemantic is what of a hold's change its fingerprint covers.
type holdSemantic struct {
	Name    string   `json:"name"`
	Owner   string   `json:"owner"`
	Protect []string `json:"protect"`
	Release []string `json:"release"`
}

func holdSemanticOf(h HoldChange) holdSemantic {
	return holdSemantic{h.Name, h.Owner, h.Protect, h.Release}
}

// ceilingSemantic is the ceiling change without its words, or nil for none.
func ceilingSemantic(c *CeilingChange) *CeilingChange {
	if c == nil || c.Action == Noop {
		return nil
	}
	return &CeilingChange{Action: c.Action, Before: c.Before, After: c.After}
}

// changeKey hashes one change alone, to tell which changes moved.
func changeKey(c Change) string { return hash(semanticOf(c)) }

// semantic is what of a change its fingerprint covers.
type semantic struct {
	Action      Action         `json:"action"`
	Name        string         `json:"name"`
	ID          string         `json:"id"`
	RenamedFrom string         `json:"renamedFrom"`
	Before      *policy.Policy `json:"before"`
	After       *policy.Policy `json:"after"`
	// What the YAML cannot say counts too: a reviewer approved keeping or
	// removing exactly that.
	Kept    []mapping.Carried `json:"kept,omitempty"`
	Removed []mapping.Carried `json:"removed,omitempty"`
}

func semanticOf(c Change) semantic {
	return semantic{c.Action, c.Name, c.ID, c.RenamedFrom, c.Before, c.After, c.Kept, c.Removed}
}

// hash is the sha256 of v's JSON: encoding/json writes struct fields in
// declaration order and map keys sorted, so it is canonical for these types.
func hash(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("plan: fingerprint of an unencodable plan: " + err.Error()) // policy values are always encodable
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Cover says whether approved plans, given by their Items, together
// approve a fresh plan's items. An approved plan counts only whole: made
// under the same settings (the first key of each) and with every one of
// its changes in fresh, so that no reviewer's approval is stretched to a
// part of what they saw (a plan that also reverted another pull request
// does not approve the rest without the revert). used lists, in order,
// the approved plans that count; uncovered lists fresh's items that none
// of them approves. A fresh plan with no changes needs no approval.
func Cover(fresh []string, approved [][]string) (used []int, uncovered []string) {
	if len(fresh) <= 1 {
		return nil, nil
	}
	in := map[string]bool{}
	for _, k := range fresh[1:] {
		in[k] = true
	}
	covered := map[string]bool{}
	for i, a := range approved {
		if len(a) <= 1 || a[0] != fresh[0] {
			continue
		}
		whole := true
		for _, k := range a[1:] {
			whole = whole && in[k]
		}
		if !whole {
			continue
		}
		used = append(used, i)
		for _, k := range a[1:] {
			covered[k] = true
		}
	}
	for _, k := range fresh[1:] {
		if !covered[k] {
			uncovered = append(uncovered, k)
		}
	}
	return used, uncovered
}
