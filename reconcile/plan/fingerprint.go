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
func Fingerprint(cs []Change, s Settings) string {
	items := make([]semantic, len(cs))
	for i, c := range cs {
		items[i] = semanticOf(c)
	}
	return hash(struct {
		Strategy policy.Strategy `json:"strategy"`
		Prune    bool            `json:"prune"`
		Changes  []semantic      `json:"changes"`
	}{s.Conflicts.Strategy, s.Prune, items})
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
