package mapping

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Carried is one thing a live policy holds that its YAML cannot say.
type Carried struct {
	Path string `json:"path"` // where it is in the Genesys policy
	What string `json:"what"` // what it is, for reviewers
	// Coverage is set when it narrows which recordings the policy covers:
	// a policy carrying such a condition is never enforced by a job.
	Coverage bool `json:"coverage,omitempty"`
}

// PartPath is where a part lives in the Genesys policy ("" for the
// policy-level conditions and actions).
func PartPath(media policy.ObjectType) string {
	switch media {
	case policy.Interaction:
		return ""
	case policy.Message:
		return "mediaPolicies.messagePolicy"
	}
	return "mediaPolicies." + string(media) + "Policy"
}

// PartName names a part for people.
func PartName(media policy.ObjectType) string {
	if media == policy.Interaction {
		return "the policy-level conditions and actions"
	}
	return PartPath(media)
}

// carriedIn lists what the managed part holds beyond the YAML vocabulary.
func carriedIn(base string, part *model.MediaPolicy) []Carried {
	var out []Carried
	if c := part.Conditions; c != nil {
		for _, r := range refLists(c) {
			if n := len(idless(*r.refs)); n > 0 {
				out = append(out, Carried{Path: joinPath(base, "conditions."+r.field), Coverage: true,
					What: fmt.Sprintf("%d reference(s) without an id", n)})
			}
		}
		kept := keptConditions(c)
		if len(kept.MediaTypes) > 0 {
			out = append(out, Carried{Path: joinPath(base, "conditions.mediaTypes"), Coverage: true,
				What: "media types " + strings.Join(kept.MediaTypes, ", ")})
		}
		if kept.Duration != nil {
			out = append(out, Carried{Path: joinPath(base, "conditions.duration"), Coverage: true,
				What: "duration condition " + compactJSON(kept.Duration)})
		}
		if kept.TimeAllowed != nil && len(kept.TimeAllowed.TimeSlots) > 0 {
			out = append(out, Carried{Path: joinPath(base, "conditions.timeAllowed"), Coverage: true,
				What: "time slots " + compactJSON(kept.TimeAllowed)})
		}
	}
	for _, a := range extraActions(part.Actions) {
		out = append(out, Carried{Path: joinPath(base, "actions."+a.field), What: a.what})
	}
	return out
}

// refList is one of a conditions' entity reference lists.
type refList struct {
	field string
	refs  *[]model.Ref
}

func refLists(c *model.Conditions) []refList {
	return []refList{{"forUsers", &c.ForUsers}, {"forQueues", &c.ForQueues}, {"teams", &c.Teams},
		{"wrapupCodes", &c.WrapupCodes}, {"languages", &c.Languages}}
}

// idless returns the references that name no id: no YAML filter can say
// them, so updates keep them as they are.
func idless(rs []model.Ref) []model.Ref {
	var out []model.Ref
	for _, r := range rs {
		if r.ID == "" {
			out = append(out, r)
		}
	}
	return out
}

// keptConditions returns the conditions no YAML filter or field can state,
// which updates keep as they are: policy-level media types, references
// without ids, a duration or time slots that do not read back as YAML, and
// slot-less time settings.
func keptConditions(c *model.Conditions) model.Conditions {
	if c == nil {
		return model.Conditions{}
	}
	k := model.Conditions{MediaTypes: c.MediaTypes}
	src, dst := refLists(c), refLists(&k)
	for i := range src {
		*dst[i].refs = idless(*src[i].refs)
	}
	if _, ok := durationFilter(c.Duration); c.Duration != nil && !ok {
		k.Duration = c.Duration
	}
	if ta := c.TimeAllowed; ta != nil && (len(ta.TimeSlots) == 0 || timeAllowed(ta) == nil) {
		k.TimeAllowed = ta
	}
	return k
}

type extraAction struct{ field, what string }

// extraActions lists the actions beyond retention: evaluations, surveys,
// transcription, screen recording, export.
func extraActions(a *model.Actions) []extraAction {
	if a == nil {
		return nil
	}
	var out []extraAction
	add := func(field string, raw json.RawMessage, what string) {
		if n, ok := count(raw); ok && n > 0 {
			out = append(out, extraAction{field, fmt.Sprintf("%d %s", n, what)})
		} else if !ok {
			out = append(out, extraAction{field, what + " " + string(raw)})
		}
	}
	add("assignEvaluations", a.AssignEvaluations, "evaluation assignment(s)")
	add("assignMeteredEvaluations", a.AssignMeteredEvaluations, "metered evaluation assignment(s)")
	add("assignMeteredAssignmentByAgent", a.AssignMeteredAssignmentByAgent, "metered assignment(s) by agent")
	add("assignCalibrations", a.AssignCalibrations, "calibration assignment(s)")
	add("assignSurveys", a.AssignSurveys, "survey assignment(s)")
	add("mediaTranscriptions", a.MediaTranscriptions, "transcription setting(s)")
	if len(a.InitiateScreenRecording) > 0 && string(a.InitiateScreenRecording) != "null" {
		out = append(out, extraAction{"initiateScreenRecording", "screen recording " + compactJSON(a.InitiateScreenRecording)})
	}
	if len(a.IntegrationExport) > 0 && string(a.IntegrationExport) != "null" {
		out = append(out, extraAction{"integrationExport", "export to an integration " + compactJSON(a.IntegrationExport)})
	}
	return out
}

// count reads the length of a JSON array; ok is false for anything else
// but absence or null.
func count(raw json.RawMessage) (n int, ok bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, true
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return 0, false
	}
	return len(list), true
}

// describePart summarises a part the YAML does not manage.
func describePart(p policy.Policy, part *model.MediaPolicy) string {
	days, archive, immediate := retention(part.Actions)
	var what []string
	switch {
	case immediate:
		what = append(what, "deletes recordings at once")
	case days > 0:
		what = append(what, fmt.Sprintf("keeps recordings %d days", days))
	case part.Actions != nil && isTrue(part.Actions.RetainRecording):
		what = append(what, "keeps recordings for good")
	}
	if archive > 0 {
		what = append(what, fmt.Sprintf("archives after %d days", archive))
	}
	for _, f := range p.Filters {
		what = append(what, fmt.Sprintf("%s %s %v", f.Attribute, f.Operator, f.Value))
	}
	if p.TimeAllowed != nil {
		what = append(what, fmt.Sprintf("%d time slot(s)", len(p.TimeAllowed.Slots)))
	}
	for _, c := range carriedIn("", part) {
		what = append(what, c.What)
	}
	if len(what) == 0 {
		return PartName(p.ObjectType) + " with no retention"
	}
	return strings.Join(what, "; ")
}

// policyErrors renders the problems Genesys reports on a policy.
func policyErrors(pe *model.PolicyErrors) []string {
	if pe == nil {
		return nil
	}
	var out []string
	for _, m := range pe.PolicyErrorMessages {
		msg := m.UserParamsMessage
		if msg == "" && len(m.UserMessage) > 0 {
			msg = compactJSON(m.UserMessage)
		}
		s := strings.TrimSpace(strings.Join(nonEmpty(m.ErrorCode, msg), ": "))
		if s == "" {
			s = fmt.Sprintf("status %d", m.StatusCode)
		}
		out = append(out, s)
	}
	return out
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// compactJSON shows a value as one line of JSON, cut short when long.
func compactJSON(v any) string {
	var b []byte
	switch x := v.(type) {
	case json.RawMessage:
		b = x
	default:
		b, _ = json.Marshal(v)
	}
	s := string(b)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func joinPath(base, key string) string {
	if base == "" {
		return key
	}
	return base + "." + key
}
