package sim

import (
	"fmt"
	"net/http"
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
	o.st.DataRetention.RetentionDays = *body.RetentionDays
	o.st.DataRetention.DateModified = stamp(o.opts.Now())
	if o.saveFailed(w, r) {
		return
	}
	writeJSON(w, http.StatusOK, o.st.DataRetention)
}
