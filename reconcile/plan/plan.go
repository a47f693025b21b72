// Package plan turns the desired policies and the live organisation into a
// plan: what changes, how risky each change is, what it does to storage, and
// where policies overlap. Building a plan is a pure function.
package plan

import (
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Version is the plan document's format version.
const Version = 2

// Action is what a change does to the live organisation.
type Action string

// Actions a change can take.
const (
	Create Action = "create"
	Update Action = "update"
	Adopt  Action = "adopt"
	Delete Action = "delete"
	Noop   Action = "noop"

	// What apply does to a legal hold and to the analytics ceiling.
	Protect    Action = "protect"
	Release    Action = "release"
	SetCeiling Action = "set-ceiling"
)

// Risk classes, from safe to destructive.
type Risk string

const (
	Safe        Risk = "safe"
	Review      Risk = "review"
	Destructive Risk = "destructive"
)

var riskRank = map[Risk]int{Safe: 0, Review: 1, Destructive: 2}

// Plan is the reviewed unit: apply carries out exactly this.
type Plan struct {
	Version     int                `json:"version"`
	Fingerprint string             `json:"fingerprint"`
	Summary     Summary            `json:"summary"`
	Changes     []Change           `json:"changes"`
	Violations  []policy.Violation `json:"violations"`
	Storage     OrgStorage         `json:"storage"`
	Overlaps    []Overlap          `json:"overlaps"`
	Unmanaged   []LiveRef          `json:"unmanaged"`
	Orphaned    []LiveRef          `json:"orphaned"`
	// Holds are the legal holds' protections and releases; Ceiling the
	// analytics data retention, when the settings manage it.
	Holds    []HoldChange   `json:"holds,omitempty"`
	Ceiling  *CeilingChange `json:"ceiling,omitempty"`
	Settings Settings       `json:"settings"`
}

// Summary counts the changes by action.
type Summary struct {
	Create int `json:"create"`
	Update int `json:"update"`
	Delete int `json:"delete"`
	Adopt  int `json:"adopt"`
	Noop   int `json:"noop"`
	// Protect and Release count conversations; Ceiling is 1 when the
	// analytics data retention changes.
	Protect int `json:"protect,omitempty"`
	Release int `json:"release,omitempty"`
	Ceiling int `json:"ceiling,omitempty"`
}

// Changes reports how many changes are not noops: policies, holds' calls
// and the ceiling.
func (s Summary) Changes() int {
	return s.Create + s.Update + s.Delete + s.Adopt + s.Protect + s.Release + s.Ceiling
}

// Change is one policy's change. Before is the live policy and After the
// desired one, both in the YAML vocabulary.
type Change struct {
	Action      Action         `json:"action"`
	Name        string         `json:"name"`
	ID          string         `json:"id,omitempty"`
	RenamedFrom string         `json:"renamedFrom,omitempty"`
	Risk        Risk           `json:"risk"`
	Before      *policy.Policy `json:"before,omitempty"`
	After       *policy.Policy `json:"after,omitempty"`
	Fields      []FieldChange  `json:"fields,omitempty"`
	Storage     *Storage       `json:"storage,omitempty"`
	// EffectiveRetention is the retention Genesys applies where this policy
	// overlaps a longer one (merge-max); zero when it does not.
	EffectiveRetention policy.Retention `json:"effectiveRetention,omitempty"`
	Reasons            []string         `json:"reasons"`
	Source             *policy.Source   `json:"source,omitempty"`
	// Kept is what the YAML cannot say about the live policy and the change
	// leaves as it is; Removed is what the change takes out (destructive).
	Kept    []mapping.Carried `json:"kept,omitempty"`
	Removed []mapping.Carried `json:"removed,omitempty"`
	// PolicyErrors are the problems Genesys reports on the live policy.
	PolicyErrors []string `json:"policyErrors,omitempty"`
	// Names gives the name of each id in Before and After that the
	// repository wrote by name, for reviewers; ids are what is compared.
	Names map[string]string `json:"names,omitempty"`
}

// FieldChange is one field's before and after.
type FieldChange struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// LiveRef names a live policy the plan leaves alone.
type LiveRef struct {
	Name      string           `json:"name"`
	ID        string           `json:"id"`
	Retention policy.Retention `json:"retentionPeriod,omitempty"`
	Forever   bool             `json:"keepsForever,omitempty"` // keeps recordings, never deletes them
	Media     string           `json:"objectType,omitempty"`
	// PolicyErrors are the problems Genesys reports on it; Unknown its
	// fields retainctl has no model for.
	PolicyErrors []string `json:"policyErrors,omitempty"`
	Unknown      []string `json:"unknownFields,omitempty"`
}

// Overlap is a pair of desired policies that can match the same recordings
// with retentions further apart than the settings' window.
type Overlap struct {
	Policy        string            `json:"policy"`
	With          string            `json:"with"`
	ObjectType    policy.ObjectType `json:"objectType"`
	Retention     policy.Retention  `json:"retentionPeriod"`
	WithRetention policy.Retention  `json:"withRetentionPeriod"`
	Effective     policy.Retention  `json:"effectiveRetention"`
	// Shadowed means every recording Policy matches is kept longer by With,
	// so Policy's own retention never takes effect.
	Shadowed bool `json:"shadowed"`
}

// Settings records the settings the plan was made under, so that apply
// re-plans with the same ones.
type Settings struct {
	Prune     bool             `json:"prune"`
	Conflicts policy.Conflicts `json:"conflicts"`
	Estimates policy.Estimates `json:"estimates"`
	Analytics policy.Analytics `json:"analytics,omitzero"`
}

// Label gives each change the names of the ids its policies reference, out
// of names (id → name). Names are for reading: the fingerprint ignores them.
func (p *Plan) Label(names map[string]string) {
	for i, c := range p.Changes {
		for _, pol := range []*policy.Policy{c.Before, c.After} {
			if pol == nil {
				continue
			}
			for _, f := range pol.Filters {
				for _, v := range f.Values() {
					if n, ok := names[v]; ok {
						if p.Changes[i].Names == nil {
							p.Changes[i].Names = map[string]string{}
						}
						p.Changes[i].Names[v] = n
					}
				}
			}
		}
	}
}

// HasDestructive reports whether any change is destructive.
func (p Plan) HasDestructive() bool {
	for _, c := range p.Changes {
		if c.Risk == Destructive {
			return true
		}
	}
	for _, h := range p.Holds {
		if h.Risk == Destructive {
			return true
		}
	}
	return p.Ceiling != nil && p.Ceiling.Risk == Destructive
}
