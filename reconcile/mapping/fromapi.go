package mapping

import (
	"sort"
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Live is a live policy read back into the YAML vocabulary.
type Live struct {
	Policy  policy.Policy // ObjectType is "call+chat"-style when several media are set
	Managed bool
	// Media lists the object types the live policy holds retention for, in
	// canonical order; more than one cannot be written as one YAML policy.
	Media []string
	// Immediate is set when the live policy deletes recordings at once
	// (deleteRecording or alwaysDelete) rather than after a retention.
	Immediate bool
	// Forever is set when it retains recordings and never deletes them
	// (retainRecording true, no deleteRetention days): RetentionPeriod then
	// reads 0.
	Forever bool
	// Keeps holds, one per media, what the live policy keeps and for how
	// long (ForeverDays for good), for the overlap analysis; parts that
	// delete at once keep nothing and are left out.
	Keeps []policy.Policy
}

// ForeverDays stands for "kept for good" where a number of days is needed,
// as when comparing retentions: longer than any retention a policy may set.
const ForeverDays = 1 << 30

// FromAPI reads a live policy into the YAML vocabulary. Server-filled
// defaults (empty lists, retain flags, zero archive days) vanish here, which
// is what keeps a converged organisation at zero changes.
func FromAPI(g genesys.Policy) Live {
	l := Live{Managed: IsManaged(g)}
	p := policy.Policy{
		Name:        g.Name,
		Description: stripMarker(g.Description),
		Enabled:     ptr(g.Enabled == nil || *g.Enabled),
		Order:       g.Order,
	}
	parts := liveParts(g)
	for _, media := range mediaOrder {
		if part, ok := parts[media]; ok && part != nil {
			l.Media = append(l.Media, media)
		}
	}
	for i, media := range l.Media {
		part := parts[media]
		kept := p
		kept.ObjectType = media
		kept.Filters = CanonicalFilters(filters(part.Conditions))
		days, archive, immediate := retention(part.Actions)
		kept.RetentionPeriod, kept.ArchiveAfter = days, archive
		// A part that says to retain recordings and sets no deletion keeps
		// them for good; one that sets neither (say, evaluations only)
		// keeps nothing of its own.
		forever := !immediate && days == 0 && part.Actions != nil && isTrue(part.Actions.RetainRecording)
		if i == 0 {
			p.Filters, p.RetentionPeriod, p.ArchiveAfter = kept.Filters, days, archive
			l.Immediate, l.Forever = immediate, forever
		}
		switch {
		case forever:
			kept.RetentionPeriod = ForeverDays
		case immediate || days == 0:
			continue
		}
		l.Keeps = append(l.Keeps, kept)
	}
	p.ObjectType = strings.Join(l.Media, "+")
	l.Policy = p
	return l
}

var mediaOrder = []string{policy.Call, policy.Chat, policy.Email, policy.Message, policy.Interaction}

// liveParts returns the media parts of g that carry conditions or actions.
func liveParts(g genesys.Policy) map[string]*genesys.MediaPolicy {
	out := map[string]*genesys.MediaPolicy{}
	if m := g.MediaPolicies; m != nil {
		for _, media := range mediaOrder[:4] {
			if part := *mediaSlot(m, media); part != nil && (part.Actions != nil || part.Conditions != nil) {
				out[media] = part
			}
		}
	}
	if g.Actions != nil {
		out[policy.Interaction] = &genesys.MediaPolicy{Conditions: g.Conditions, Actions: g.Actions}
	}
	return out
}

// retention reads the delete and archive days from actions.
func retention(a *genesys.Actions) (deleteDays, archiveDays int, immediate bool) {
	if a == nil {
		return 0, 0, false
	}
	immediate = isTrue(a.AlwaysDelete) || (isTrue(a.DeleteRecording) && !isTrue(a.RetainRecording))
	if rd := a.RetentionDuration; rd != nil {
		if rd.DeleteRetention != nil {
			deleteDays = rd.DeleteRetention.Days
		}
		if rd.ArchiveRetention != nil {
			archiveDays = rd.ArchiveRetention.Days
		}
	}
	return deleteDays, archiveDays, immediate
}

func isTrue(b *bool) bool { return b != nil && *b }

// Canonical returns p in the form plans compare and print: alias object
// types resolved, filters canonical, tags sorted, enabled explicit, and the
// repo-only fields (schedule, volume) kept as written.
func Canonical(p policy.Policy) policy.Policy {
	if p.ObjectType == "sms" {
		p.ObjectType = policy.Message
	}
	p.Description = strings.TrimSpace(p.Description)
	p.Enabled = ptr(p.IsEnabled())
	p.Filters = CanonicalFilters(p.Filters)
	if len(p.Tags) > 0 {
		p.Tags = sortedUnique(p.Tags)
	}
	p.Source = policy.Source{}
	return p
}

// SortByName orders live policies by name, then id, for stable output.
func SortByName(ps []genesys.Policy) {
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].Name != ps[j].Name {
			return ps[i].Name < ps[j].Name
		}
		return ps[i].ID < ps[j].ID
	})
}
