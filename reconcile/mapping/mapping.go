// Package mapping converts between a desired policy (YAML vocabulary) and a
// Genesys Cloud media retention Policy, both ways. It is pure: no I/O.
package mapping

import (
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// ManagedMarker ends the description of every policy retainctl owns. Prune
// deletes only policies that carry it.
const ManagedMarker = "Managed by retainctl — edit in Git"

// IsManaged reports whether a live policy carries the managed marker.
func IsManaged(p genesys.Policy) bool {
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
// being replaced (nil for a create): everything retainctl does not manage —
// evaluation assignments, time slots, transcription — is carried over, so an
// update never drops what someone set in the Genesys UI.
func ToAPI(p policy.Policy, base *genesys.Policy) genesys.Policy {
	p = Canonical(p)
	out := genesys.Policy{}
	if base != nil {
		out = *base
		out.PolicyErrors = nil
		out.MediaPolicies = nil
		out.Conditions = nil
		out.Actions = nil
	}
	out.Name = p.Name
	out.Description = Description(p.Description)
	out.Enabled = ptr(p.IsEnabled())
	out.Order = p.Order
	if p.Order == nil && base != nil {
		out.Order = base.Order
	}

	part := genesys.MediaPolicy{
		Conditions: conditions(p.Filters, baseConditions(base, p.ObjectType)),
		Actions:    actions(p, baseActions(base, p.ObjectType)),
	}
	if p.ObjectType == policy.Interaction {
		out.Conditions, out.Actions = part.Conditions, part.Actions
		return out
	}
	out.MediaPolicies = &genesys.MediaPolicies{}
	*mediaSlot(out.MediaPolicies, p.ObjectType) = &part
	return out
}

// actions sets the retention part of base's actions from p.
func actions(p policy.Policy, base *genesys.Actions) *genesys.Actions {
	a := genesys.Actions{}
	if base != nil {
		a = *base
	}
	a.RetainRecording = ptr(true)
	a.DeleteRecording = ptr(false)
	a.AlwaysDelete = ptr(false)
	a.RetentionDuration = &genesys.RetentionDuration{
		DeleteRetention: &genesys.DeleteRetention{Days: p.RetentionPeriod},
	}
	if p.ArchiveAfter > 0 {
		a.RetentionDuration.ArchiveRetention = &genesys.ArchiveRetention{
			Days: p.ArchiveAfter, StorageMedium: genesys.StorageCloudArchive,
		}
	}
	return &a
}

// mediaSlot returns the MediaPolicies field that holds objectType.
func mediaSlot(m *genesys.MediaPolicies, objectType string) **genesys.MediaPolicy {
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

// basePart returns the live part of base for objectType, if any.
func basePart(base *genesys.Policy, objectType string) *genesys.MediaPolicy {
	if base == nil {
		return nil
	}
	if objectType == policy.Interaction {
		return &genesys.MediaPolicy{Conditions: base.Conditions, Actions: base.Actions}
	}
	if base.MediaPolicies == nil {
		return nil
	}
	m := *base.MediaPolicies
	return *mediaSlot(&m, objectType)
}

func baseConditions(base *genesys.Policy, objectType string) *genesys.Conditions {
	if part := basePart(base, objectType); part != nil {
		return part.Conditions
	}
	return nil
}

func baseActions(base *genesys.Policy, objectType string) *genesys.Actions {
	if part := basePart(base, objectType); part != nil {
		return part.Actions
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
