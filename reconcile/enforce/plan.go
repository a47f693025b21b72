package enforce

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Plan is what a run will do: the due policies and their jobs. It is a pure
// function of the policies and the time.
type Plan struct {
	Now      time.Time      `json:"now"`
	Policies []PolicyReport `json:"policies"`
	Jobs     []JobSpec      `json:"-"`
}

// PolicyReport says what happens to one selected policy.
type PolicyReport struct {
	Name    string `json:"name"`
	Forced  bool   `json:"forced,omitempty"`  // named by --policy, schedule ignored
	Missed  string `json:"missed,omitempty"`  // the scheduled date this run catches up on
	Jobs    int    `json:"jobs"`              // jobs built for it
	Refused string `json:"refused,omitempty"` // why it cannot be enforced by a job
	// KeptDays is set when overlapping policies (KeptFor) keep its
	// recordings longer: its DELETE job deletes only those older than that.
	KeptDays int      `json:"keptDays,omitempty"`
	KeptFor  []string `json:"keptFor,omitempty"`
}

// NewPlan builds the jobs of the selected policies at now. A policy whose
// filters no job can express is listed with the reason and gets no job.
func NewPlan(sel []Selected, now time.Time) Plan {
	pl := Plan{Now: now.UTC(), Policies: []PolicyReport{}}
	for _, s := range sel {
		pr := PolicyReport{Name: s.Policy.Name, Forced: s.Forced}
		if !s.Missed.IsZero() {
			pr.Missed = s.Missed.Format(time.DateOnly)
		}
		switch {
		case s.Refused != "":
			pr.Refused = s.Refused
		case s.KeepDays >= mapping.ForeverDays:
			pr.Refused = fmt.Sprintf("%s keep(s) these recordings for good, and Genesys keeps the longest retention: nothing it matches may be deleted", strings.Join(s.KeptFor, ", "))
		case s.KeepDays > policy.MaxRetentionDays:
			pr.Refused = fmt.Sprintf("%s keep(s) these recordings %d days, longer than a job can express: nothing it matches is deleted", strings.Join(s.KeptFor, ", "), s.KeepDays)
		}
		if pr.Refused != "" {
			pl.Policies = append(pl.Policies, pr)
			continue
		}
		p := s.Policy
		if s.KeepDays > p.RetentionPeriod {
			p.RetentionPeriod, pr.KeptDays, pr.KeptFor = s.KeepDays, s.KeepDays, s.KeptFor
		}
		jobs, err := Jobs(p, now)
		var ref *Refusal
		switch {
		case errors.As(err, &ref):
			pr.Refused = ref.Reason
		case err != nil:
			pr.Refused = err.Error()
		}
		pr.Jobs = len(jobs)
		pl.Jobs = append(pl.Jobs, jobs...)
		pl.Policies = append(pl.Policies, pr)
	}
	return pl
}
