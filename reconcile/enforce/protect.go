package enforce

import (
	"slices"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/plan"
)

// Gate prepares the selected policies against the organisation: only
// policies it already has as written are enforced (a retention not yet
// applied must not delete anything), each one's jobs are built from its
// live policy, and each one's deletion age waits for any longer
// overlapping policy (Protect). changes is the repository planned against
// live; overlaps must count every policy that keeps recordings now — the
// live ones as they are, not as the repository will make them — and use
// no tolerance window.
func Gate(sel []Selected, changes []plan.Change, live []genesys.Policy, overlaps []plan.Overlap) []Selected {
	byID := make(map[string]*genesys.Policy, len(live))
	for i := range live {
		byID[live[i].ID] = &live[i]
	}
	out := Protect(sel, overlaps)
	for i := range out {
		if why := unconverged(out[i].Policy.Name, changes); why != "" {
			out[i].Refused = why
			continue
		}
		for _, c := range changes {
			if c.Name == out[i].Policy.Name {
				out[i].Live = byID[c.ID]
			}
		}
	}
	return out
}

// unconverged says why a policy's live state is not its repository state.
func unconverged(name string, cs []plan.Change) string {
	for _, c := range cs {
		if c.Name != name {
			continue
		}
		switch {
		case c.Action == plan.Noop, c.Action == plan.Adopt && len(c.Fields) == 0:
			return ""
		case c.Action == plan.Create:
			return "not in the organisation yet: apply the repository first"
		}
		return "the live policy differs from the repository (" + string(c.Action) + " pending): apply first, so that enforcement uses the retention Genesys has"
	}
	return ""
}

// Protect raises each selected policy's deletion age to the longest
// retention of any policy that can match the same recordings. Genesys keeps
// a recording for the longest retention of every policy that matches it; a
// job cannot exclude the overlapping part, so the whole job waits for the
// longest, deleting late rather than deleting what must be kept.
// overlaps must be computed with no tolerance window.
func Protect(sel []Selected, overlaps []plan.Overlap) []Selected {
	out := slices.Clone(sel)
	for i := range out {
		for _, o := range overlaps {
			if o.Policy != out[i].Policy.Name || o.Effective <= out[i].Policy.RetentionPeriod {
				continue
			}
			if o.Effective > out[i].KeepDays {
				out[i].KeepDays = o.Effective
			}
			out[i].KeptFor = append(out[i].KeptFor, o.With)
		}
	}
	return out
}
