package plan

import (
	"fmt"

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
// a fresh reading of the organisation. Its fingerprint equals p's exactly
// when applying p now would do what its reviewers saw.
func Replan(p Plan, live Live) (Plan, error) {
	s := policy.DefaultSettings()
	s.Prune, s.Conflicts, s.Estimates, s.Analytics = p.Settings.Prune, p.Settings.Conflicts, p.Settings.Estimates, p.Settings.Analytics
	return Make(policy.Repo{Policies: p.Desired(), Holds: p.DesiredHolds(), Settings: s}, live)
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
	return append(out, movedGuards(reviewed, fresh)...)
}

// movedGuards lists the holds and the ceiling that differ between the
// reviewed and the fresh plan.
func movedGuards(reviewed, fresh Plan) []string {
	var out []string
	for i, h := range fresh.Holds {
		if i >= len(reviewed.Holds) {
			break // Replan keeps the reviewed holds, in order
		}
		if was := reviewed.Holds[i]; len(h.Protect) != len(was.Protect) || len(h.Release) != len(was.Release) {
			out = append(out, fmt.Sprintf("hold %s: reviewed as %d to protect and %d to release, now %d and %d (protection changed in the organisation since the plan)",
				h.Name, len(was.Protect), len(was.Release), len(h.Protect), len(h.Release)))
		}
	}
	if describeCeiling(reviewed.Ceiling) != describeCeiling(fresh.Ceiling) {
		out = append(out, fmt.Sprintf("analytics ceiling: reviewed as %s, now %s", describeCeiling(reviewed.Ceiling), describeCeiling(fresh.Ceiling)))
	}
	return out
}

func describeCeiling(c *CeilingChange) string {
	if c == nil || c.Action == Noop {
		return "no change"
	}
	return fmt.Sprintf("%d → %d days", c.Before, c.After)
}
