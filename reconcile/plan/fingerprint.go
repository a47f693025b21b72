package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Fingerprint hashes the semantic content of a plan — what is done to
// which policy, from what to what, and the settings that decide what apply
// does when the organisation answers back (the conflict strategy on a 409,
// prune) — and nothing of how it is rendered, so that the plan a reviewer
// approved can be recognised at apply time.
//
// Holds count by what apply does to them (which conversations it protects
// or releases, under whose name), the ceiling by its before and after.
func Fingerprint(p Plan) string {
	items := make([]semantic, len(p.Changes))
	for i, c := range p.Changes {
		items[i] = semanticOf(c)
	}
	var holds []holdSemantic
	for _, h := range p.Holds {
		if h.Changed() {
			holds = append(holds, holdSemantic{h.Name, h.Owner, h.Protect, h.Release})
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

// holdSemantic is what of a hold's change its fingerprint covers.
type holdSemantic struct {
	Name    string   `json:"name"`
	Owner   string   `json:"owner"`
	Protect []string `json:"protect"`
	Release []string `json:"release"`
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
