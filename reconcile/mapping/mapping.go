// Package mapping converts between a desired policy (YAML vocabulary) and a
// Genesys Cloud media retention Policy, both ways. It is pure: no I/O.
package mapping

import (
	"encoding/json"
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// ManagedMarker ends the description of every policy retainctl owns. Prune
// deletes only policies that carry it.
const ManagedMarker = "Managed by retainctl — edit in Git"

// IsManaged reports whether a live policy carries the managed marker.
func IsManaged(p model.Policy) bool {
	return strings.HasSuffix(strings.TrimSpace(p.Description), ManagedMarker)
}

// Description returns the live description for a desired one: the user's
// text, a blank line, and the marker.
func Description(desc string) string {
	desc = strings.TrimSpace(desc)
	if desc == "" {
		return ManagedMarker
	}
	return desc + "\n\n" + ManagedMarker
}

// stripMarker returns a live description without the managed marker.
func stripMarker(desc string) string {
	desc = strings.TrimSpace(desc)
	return strings.TrimSpace(strings.TrimSuffix(desc, ManagedMarker))
}

// ToAPI builds the Genesys policy for a desired one. base is the live policy
// being replaced (nil for a create): everything the YAML cannot say — the
// other parts, evaluation assignments, transcription, policy-level media
// types — is kept as it is, so an update never drops what someone set in
// the Genesys UI. Only an object type change replaces a part, and the part
// it replaces goes with what it held (plans name it).
func ToAPI(p policy.Policy, base *model.Policy) model.Policy {
	p = Canonical(p)
	out := model.Policy{}
	if base != nil {
		out = clonePolicy(*base)
	}
	out.PolicyErrors, out.Unknown = nil, nil
	out.Name = p.Name
	out.Description = Description(p.Description)
	out.Enabled = ptr(p.IsEnabled())
	if p.Order != nil {
		out.Order = p.Order
	}
	var media []policy.ObjectType
	if base != nil {
		media = Read(*base, p.ObjectType).Media
	}
	var kept *model.MediaPolicy
	switch managed := managedPart(media, p.ObjectType); managed {
	case p.ObjectType:
		kept = partOf(&out, managed)
	case "":
	default:
		setPart(&out, managed, nil)
	}
	setPart(&out, p.ObjectType, &model.MediaPolicy{
		Conditions: conditions(p, conditionsOf(kept)),
		Actions:    actions(p, actionsOf(kept)),
	})
	return out
}

// clonePolicy deep-copies a policy, so that building an update never
// changes the live policy it starts from.
func clonePolicy(g model.Policy) model.Policy {
	data, err := json.Marshal(g)
	if err != nil {
		panic("mapping: a policy that cannot be encoded: " + err.Error())
	}
	var out model.Policy
	if err := json.Unmarshal(data, &out); err != nil {
		panic("mapping: a policy that cannot be decoded: " + err.Error())
	}
	return out
}

// partOf returns g's part for objectType, or nil.
func partOf(g *model.Policy, objectType policy.ObjectType) *model.MediaPolicy {
	if objectType == policy.Interaction {
		if g.Actions == nil && g.Conditions == nil {
			return nil
		}
		return &model.MediaPolicy{Conditions: g.Conditions, Actions: g.Actions}
	}
	if g.MediaPolicies == nil {
		return nil
	}
	return *mediaSlot(g.MediaPolicies, objectType)
}

// setPart sets (or, with nil, removes) g's part for objectType.
func setPart(g *model.Policy, objectType policy.ObjectType, part *model.MediaPolicy) {
	if objectType == policy.Interaction {
		g.Conditions, g.Actions = nil, nil
		if part != nil {
			g.Conditions, g.Actions = part.Conditions, part.Actions
		}
		return
	}
	if g.MediaPolicies == nil {
		if part == nil {
			return
		}
		g.MediaPolicies = &model.MediaPolicies{}
	}
	*mediaSlot(g.MediaPolicies, objectType) = part
	if *g.MediaPolicies == (model.MediaPolicies{}) {
		g.MediaPolicies = nil
	}
}

func conditionsOf(part *model.MediaPolicy) *model.Conditions {
	if part == nil {
		return nil
	}
	return part.Conditions
}

func actionsOf(part *model.MediaPolicy) *model.Actions {
	if part == nil {
		return nil
	}
	return part.Actions
}

// actions sets the retention part of base's actions from p.
func actions(p policy.Policy, base *model.Actions) *model.Actions {
	a := model.Actions{}
	if base != nil {
		a = *base
	}
	a.RetainRecording = ptr(true)
	a.DeleteRecording = ptr(false)
	a.AlwaysDelete = ptr(false)
	a.RetentionDuration = &model.RetentionDuration{
		DeleteRetention: &model.DeleteRetention{Days: int(p.RetentionPeriod)},
	}
	if p.ArchiveAfter > 0 {
		a.RetentionDuration.ArchiveRetention = &model.ArchiveRetention{
			Days: p.ArchiveAfter, StorageMedium: model.StorageCloudArchive,
		}
	}
	return &a
}

// mediaSlot returns the MediaPolicies field that holds objectType.
func mediaSlot(m *model.MediaPolicies, objectType policy.ObjectType) **model.MediaPolicy {
	switch objectType {
	case policy.Chat:
		return &m.ChatPolicy
	case policy.Email:
		return &m.EmailPolicy
	case policy.Message:
		return &m.MessagePolicy
	default:
		return &m.CallPolicy
	}
}

func ptr[T any](v T) *T { return &v }
