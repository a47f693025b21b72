package mapping

import (
	"reflect"
	"sort"
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Live is a live policy read back into the YAML vocabulary. A YAML policy
// manages one part of it (one medium, or the policy-level conditions and
// actions); everything else is Carried.
type Live struct {
	Policy  policy.Policy // the managed part; ObjectType is Part
	Managed bool
	// Media lists the object types the live policy has a part for, in
	// canonical order.
	Media []policy.ObjectType
	// Part is the object type of the managed part ("" when there is none).
	Part policy.ObjectType
	// Immediate is set when the managed part deletes recordings at once
	// (deleteRecording or alwaysDelete) rather than after a retention.
	Immediate bool
	// Forever is set when the managed part retains recordings and never
	// deletes them (retainRecording true, no deleteRetention days):
	// RetentionPeriod then reads 0.
	Forever bool
	// Keeps holds, one per part, what the live policy keeps and for how
	// long (policy.KeptForGood for good), for the overlap analysis; parts that
	// delete at once keep nothing and are left out.
	Keeps []policy.Policy
	// Carried is what the YAML cannot say about the live policy: updates
	// keep it unchanged, plans show it, and enforcement never acts on a
	// policy whose conditions are among it.
	Carried []Carried
	// Errors are the problems Genesys reports on the policy (policyErrors).
	Errors []string
	// Unknown lists fields of the answer retainctl has no model for.
	Unknown []string
}

// FromAPI reads a live policy with its first part as the managed one.
func FromAPI(g model.Policy) Live { return Read(g, "") }

// Read reads a live policy into the YAML vocabulary, with the part for
// objectType as the managed one, or the first part when the policy has none
// for it (an object type change replaces that part). Server-filled defaults
// (empty lists, retain flags, zero archive days) vanish here, which is what
// keeps a converged organisation at zero changes.
func Read(g model.Policy, objectType policy.ObjectType) Live {
	l := Live{Managed: IsManaged(g), Unknown: g.Unknown, Errors: policyErrors(g.PolicyErrors)}
	p := policy.Policy{
		Name:        g.Name,
		Description: stripMarker(g.Description),
		Enabled:     ptr(g.Enabled == nil || *g.Enabled),
		Order:       g.Order,
	}
	parts := liveParts(g)
	for _, media := range mediaOrder {
		if _, ok := parts[media]; ok {
			l.Media = append(l.Media, media)
		}
	}
	l.Part = managedPart(l.Media, objectType)
	for _, media := range l.Media {
		part := parts[media]
		kept := partPolicy(p, media, part)
		days, _, immediate := retention(part.Actions)
		// A part with actions that sets no deletion keeps its recordings
		// for good: retainRecording defaults to true (the SDKs' models),
		// evaluations-only parts included.
		forever := !immediate && days == 0 && part.Actions != nil && retains(part.Actions)
		if media == l.Part {
			p = kept
			l.Immediate, l.Forever = immediate, forever
			l.Carried = append(l.Carried, carriedIn(PartPath(media), part)...)
		} else {
			l.Carried = append(l.Carried, Carried{Path: PartPath(media), What: describePart(kept, part)})
		}
		switch {
		case forever:
			kept.RetentionPeriod = policy.KeptForGood
		case immediate || days == 0:
			continue
		}
		l.Keeps = append(l.Keeps, kept)
	}
	if g.Actions == nil && !isZero(g.Conditions) {
		// Policy-level conditions beside media parts: how Genesys combines
		// them is not documented, so they may narrow every part.
		l.Carried = append(l.Carried, Carried{Path: "conditions", Coverage: true,
			What: "policy-level conditions: " + describePart(partPolicy(p, policy.Interaction, &model.MediaPolicy{Conditions: g.Conditions}), &model.MediaPolicy{Conditions: g.Conditions})})
	}
	if len(g.Unknown) > 0 {
		// What the unknown fields keep is unknown: for overlap analysis the
		// policy keeps everything, for good, so nothing near it is deleted.
		l.Keeps = []policy.Policy{{Name: g.Name, Enabled: ptr(true), ObjectType: policy.Interaction, RetentionPeriod: policy.KeptForGood}}
	}
	l.Policy = p
	return l
}

// managedPart picks the part a YAML policy of objectType manages.
func managedPart(media []policy.ObjectType, objectType policy.ObjectType) policy.ObjectType {
	for _, m := range media {
		if m == objectType {
			return m
		}
	}
	if len(media) == 0 {
		return ""
	}
	return media[0]
}

// partPolicy reads one part of a live policy into the YAML vocabulary.
func partPolicy(p policy.Policy, media policy.ObjectType, part *model.MediaPolicy) policy.Policy {
	p.ObjectType = media
	p.Filters = CanonicalFilters(filters(part.Conditions))
	if part.Conditions != nil {
		p.TimeAllowed = timeAllowed(part.Conditions.TimeAllowed)
	}
	p.RetentionPeriod, p.ArchiveAfter, _ = retention(part.Actions)
	return p
}

var mediaOrder = policy.ObjectTypes

// liveParts returns the parts of g that carry conditions or actions.
func liveParts(g model.Policy) map[policy.ObjectType]*model.MediaPolicy {
	out := map[policy.ObjectType]*model.MediaPolicy{}
	if m := g.MediaPolicies; m != nil {
		for _, media := range mediaOrder[:4] {
			if part := *mediaSlot(m, media); part != nil && (part.Actions != nil || part.Conditions != nil) {
				out[media] = part
			}
		}
	}
	if g.Actions != nil {
		out[policy.Interaction] = &model.MediaPolicy{Conditions: g.Conditions, Actions: g.Actions}
	}
	return out
}

// retention reads the delete and archive days from actions.
func retention(a *model.Actions) (deleteDays policy.Retention, archiveDays int, immediate bool) {
	if a == nil {
		return 0, 0, false
	}
	immediate = isTrue(a.AlwaysDelete) || (isTrue(a.DeleteRecording) && !retains(a))
	if rd := a.RetentionDuration; rd != nil {
		if rd.DeleteRetention != nil {
			deleteDays = policy.Retention(rd.DeleteRetention.Days)
		}
		if rd.ArchiveRetention != nil {
			archiveDays = rd.ArchiveRetention.Days
		}
	}
	return deleteDays, archiveDays, immediate
}

func isTrue(b *bool) bool { return b != nil && *b }

// retains reads retainRecording, which defaults to true; deleteRecording
// is ignored while it is true.
func retains(a *model.Actions) bool { return a.RetainRecording == nil || *a.RetainRecording }

func isZero(c *model.Conditions) bool { return c == nil || reflect.ValueOf(*c).IsZero() }

// Canonical returns p in the form plans compare and print: alias object
// types resolved, filters and time slots canonical, tags sorted, enabled
// explicit, and the repo-only fields (schedule, volume) kept as written.
func Canonical(p policy.Policy) policy.Policy {
	if p.ObjectType == policy.SMS {
		p.ObjectType = policy.Message
	}
	p.Description = strings.TrimSpace(p.Description)
	p.Enabled = ptr(p.IsEnabled())
	p.Filters = CanonicalFilters(p.Filters)
	p.TimeAllowed = canonicalTimeAllowed(p.TimeAllowed)
	if len(p.Tags) > 0 {
		p.Tags = sortedUnique(p.Tags)
	}
	p.Source = policy.Source{}
	return p
}

// SortByName orders live policies by name, then id, for stable output.
func SortByName(ps []model.Policy) {
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].Name != ps[j].Name {
			return ps[i].Name < ps[j].Name
		}
		return ps[i].ID < ps[j].ID
	})
}
