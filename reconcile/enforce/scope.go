package enforce

import (
	"fmt"
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Scope reads what the part of the live policy g for objectType covers,
// in the YAML vocabulary, for its jobs to select exactly that. It refuses
// a policy whose coverage a recording job cannot reproduce: fields
// retainctl has no model for, a policy-level policy (Genesys documents no
// scope for it), time slots, policy-level media types, a disabled policy,
// or one that does not delete after a retention. Jobs are built from this,
// never from the YAML: the organisation deletes by what it has.
func Scope(g genesys.Policy, objectType policy.ObjectType) (policy.Policy, error) {
	name := g.Name
	if len(g.Unknown) > 0 {
		return policy.Policy{}, refusal(name, "the live policy holds fields retainctl has no model for (%s)", strings.Join(g.Unknown, ", "))
	}
	if objectType == policy.Interaction {
		return policy.Policy{}, refusal(name, "a policy-level policy: Genesys documents no scope for it, so no job can be known to select only what it covers")
	}
	if g.Actions != nil {
		return policy.Policy{}, refusal(name, "it has policy-level actions beside its media parts, and Genesys does not document how they combine")
	}
	lv := mapping.Read(g, objectType)
	switch {
	case g.Enabled == nil:
		return policy.Policy{}, refusal(name, "the organisation did not say whether the policy is enabled")
	case len(lv.Errors) > 0:
		return policy.Policy{}, refusal(name, "Genesys reports problems with it (%s), so what it covers now is unknown", strings.Join(lv.Errors, "; "))
	case lv.Part != objectType:
		return policy.Policy{}, refusal(name, "the live policy has no %s part", objectType)
	case !lv.Policy.IsEnabled():
		return policy.Policy{}, refusal(name, "the live policy is disabled")
	case lv.Immediate:
		return policy.Policy{}, refusal(name, "the live policy deletes recordings at once, not after a retention")
	case lv.Forever || lv.Policy.RetentionPeriod <= 0:
		return policy.Policy{}, refusal(name, "the live policy sets no deletion")
	case lv.Policy.TimeAllowed != nil:
		return policy.Policy{}, refusal(name, "it applies only in time slots, and a recording job cannot select recordings by time of day")
	}
	for _, c := range lv.Carried {
		if c.Coverage && (strings.HasPrefix(c.Path, mapping.PartPath(objectType)+".") || strings.HasPrefix(c.Path, "conditions")) {
			return policy.Policy{}, refusal(name, "its %s (%s) limits what it covers, and a recording job cannot select by it", c.Path, c.What)
		}
	}
	return lv.Policy, nil
}

func refusal(name, format string, args ...any) *Refusal {
	return &Refusal{Policy: name, Reason: fmt.Sprintf(format, args...)}
}
