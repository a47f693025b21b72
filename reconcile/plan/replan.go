package plan

import (
	"fmt"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Desired returns the desired policies a plan was made from: every change's
// After (deletes have none).
func (p Plan) Desired() []policy.Policy {
	var out []policy.Policy
	for _, c := range p.Changes {
		if c.After != nil {
			d := *c.After
			if c.Source != nil {
				d.Source = *c.Source
			}
			out = append(out, d)
		}
	}
	return out
}

// Replan builds the plan again from p's desired state and settings against
// a fresh listing. Its fingerprint equals p's exactly when applying p now
// would do what its reviewers saw.
func Replan(p Plan, live []model.Policy) (Plan, error) {
	s := policy.DefaultSettings()
	s.Prune, s.Conflicts, s.Estimates = p.Settings.Prune, p.Settings.Conflicts, p.Settings.Estimates
	return Build(p.Desired(), live, s)
}

// Moved lists, for a stale plan, what differs between the reviewed plan and
// a fresh one, one line per policy.
func Moved(reviewed, fresh Plan) []string {
	key := changeKey
	was := map[string]Change{}
	for _, c := range reviewed.Changes {
		was[c.Name] = c
	}
	var out []string
	seen := map[string]bool{}
	for _, c := range fresh.Changes {
		seen[c.Name] = true
		old, ok := was[c.Name]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: now %s, not in the reviewed plan", c.Name, c.Action))
		case key(old) != key(c):
			out = append(out, fmt.Sprintf("%s: reviewed as %s, now %s (the live policy changed since the plan)", c.Name, old.Action, c.Action))
		}
	}
	for _, c := range reviewed.Changes {
		if !seen[c.Name] {
			out = append(out, fmt.Sprintf("%s: reviewed as %s, no longer planned", c.Name, c.Action))
		}
	}
	return out
}
