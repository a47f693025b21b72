package sim

import (
	"fmt"
	"net/http"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

// Analytics data retention bounds: 90 days to five years.
const (
	minRetentionDays = 90
	maxRetentionDays = 1825
)

func (o *Org) getRetention(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	writeJSON(w, http.StatusOK, o.st.DataRetention)
}

func (o *Org) putRetention(w http.ResponseWriter, r *http.Request) {
	var body struct {
		RetentionDays *int `json:"retentionDays"`
	}
	if !decodeBody(w, r, "UpdateAnalyticsDataRetentionRequest", &body) {
		return
	}
	if body.RetentionDays == nil || *body.RetentionDays < minRetentionDays || *body.RetentionDays > maxRetentionDays {
		invalid(w, r, "retentionDays", fmt.Sprintf("The field [retentionDays] must be between %d and %d days.", minRetentionDays, maxRetentionDays))
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if days, p := o.longestDeleteRetention(); *body.RetentionDays < days {
		invalid(w, r, "retentionDays", fmt.Sprintf(
			"The retention of [%d] days is shorter than the [%d] days media retention policy [%s] (id %s) keeps recordings; shorten that policy first.",
			*body.RetentionDays, days, p.Name, p.ID))
		return
	}
	o.st.DataRetention.RetentionDays = *body.RetentionDays
	o.st.DataRetention.DateModified = stamp(o.opts.Now())
	if o.saveFailed(w, r) {
		return
	}
	writeJSON(w, http.StatusOK, o.st.DataRetention)
}

// longestDeleteRetention returns the longest delete retention
// (actions.retentionDuration.deleteRetention.days, at the policy level or
// in any of mediaPolicies.*) of any policy, enabled or not, and the first
// policy that has it; 0 when no policy deletes.
//
// It models the documented rule that setting the analytics data retention
// "fails if existing recordings or QM policies retain longer" (Genesys
// help, "Set the maximum interaction data retention time"), for policies
// only: the simulator does not check existing recordings' own retention.
// Counting disabled policies too is the simulator's choice. Call with o.mu
// held.
func (o *Org) longestDeleteRetention() (int, genesys.Policy) {
	best, at := 0, genesys.Policy{}
	for _, p := range o.st.Policies {
		actions := []*genesys.Actions{p.Actions}
		if mp := p.MediaPolicies; mp != nil {
			for _, part := range []*genesys.MediaPolicy{mp.CallPolicy, mp.ChatPolicy, mp.EmailPolicy, mp.MessagePolicy} {
				if part != nil {
					actions = append(actions, part.Actions)
				}
			}
		}
		for _, a := range actions {
			if a != nil && a.RetentionDuration != nil && a.RetentionDuration.DeleteRetention != nil && a.RetentionDuration.DeleteRetention.Days > best {
				best, at = a.RetentionDuration.DeleteRetention.Days, p
			}
		}
	}
	return best, at
}
