// Masking on the way into the journal: every text field of an event, and
// Before and After as JSON, so no secret reaches the log.

package audit

import (
	"encoding/json"
	"fmt"

	"github.com/retainctl/retainctl/reconcile/redact"
)

// maskEvent masks every text field of e and encodes Before and After to
// masked JSON, so no secret reaches the log whatever field it was put in.
func maskEvent(m *redact.Masker, e Event) (Event, error) {
	for _, s := range []*string{
		&e.Tool, &e.Org, &e.Actor, &e.Policy, &e.PolicyID, &e.JobID, &e.Action, &e.Risk,
		&e.PlanFingerprint, &e.RequestID, &e.Message, &e.Error,
	} {
		*s = m.String(*s)
	}
	if e.CI != nil {
		ci := *e.CI
		for _, s := range []*string{&ci.Repository, &ci.Commit, &ci.Ref, &ci.Actor, &ci.Workflow, &ci.WorkflowRunURL} {
			*s = m.String(*s)
		}
		e.CI = &ci
	}
	if e.Provenance != nil {
		p := *e.Provenance
		for _, s := range []*string{&p.Approval, &p.MergeCommit, &p.PlanFingerprint} {
			*s = m.String(*s)
		}
		p.Approvers = append([]Reviewer(nil), p.Approvers...)
		for i := range p.Approvers {
			p.Approvers[i].Login, p.Approvers[i].Commit = m.String(p.Approvers[i].Login), m.String(p.Approvers[i].Commit)
		}
		e.Provenance = &p
	}
	e.Hold, e.Owner = m.String(e.Hold), m.String(e.Owner)
	if len(e.Conversations) > 0 {
		cs := make([]string, len(e.Conversations))
		for i, c := range e.Conversations {
			cs[i] = m.String(c)
		}
		e.Conversations = cs
	}
	var err error
	if e.Before, err = maskJSON(m, e.Before); err != nil {
		return e, fmt.Errorf("audit log: %s event: before: %w", e.Type, err)
	}
	if e.After, err = maskJSON(m, e.After); err != nil {
		return e, fmt.Errorf("audit log: %s event: after: %w", e.Type, err)
	}
	return e, nil
}

// maskJSON encodes v and masks the encoding. Should masking break the JSON
// (a secret that spans its syntax), the masked text is kept as a JSON string.
func maskJSON(m *redact.Masker, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	masked := m.Bytes(raw)
	if !json.Valid(masked) {
		if masked, err = json.Marshal(string(masked)); err != nil {
			return nil, err
		}
	}
	return json.RawMessage(masked), nil
}
