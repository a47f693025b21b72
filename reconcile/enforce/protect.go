package enforce

import (
	"slices"

	"github.com/retainctl/retainctl/reconcile/plan"
)

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
