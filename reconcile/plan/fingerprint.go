package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Fingerprint hashes the semantic content of the changes — what is done to
// which policy, from what to what — and nothing of how it is rendered, so
// that the plan a reviewer approved can be recognised at apply time.
func Fingerprint(cs []Change) string {
	type semantic struct {
		Action      Action         `json:"action"`
		Name        string         `json:"name"`
		ID          string         `json:"id"`
		RenamedFrom string         `json:"renamedFrom"`
		Before      *policy.Policy `json:"before"`
		After       *policy.Policy `json:"after"`
		// What the YAML cannot say counts too: a reviewer approved keeping
		// or removing exactly that.
		Kept    []mapping.Carried `json:"kept,omitempty"`
		Removed []mapping.Carried `json:"removed,omitempty"`
	}
	items := make([]semantic, len(cs))
	for i, c := range cs {
		items[i] = semantic{c.Action, c.Name, c.ID, c.RenamedFrom, c.Before, c.After, c.Kept, c.Removed}
	}
	// encoding/json writes struct fields in declaration order and map keys
	// sorted, so this encoding is canonical for these types.
	b, err := json.Marshal(items)
	if err != nil {
		panic("plan: fingerprint of unencodable change: " + err.Error()) // policy values are always encodable
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}
