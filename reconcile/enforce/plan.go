package enforce

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Plan is what a run will do: the due policies and their jobs. It is a pure
// function of the policies and the time.
type Plan struct {
	Now      time.Time      `json:"now"`
	Horizon  time.Time      `json:"horizon"`
	Policies []PolicyReport `json:"policies"`
	Jobs     []JobSpec      `json:"-"`
	// Counts are the dry run's jobs that count what legal holds keep;
	// Uncounted says why there are none although holds are active.
	Counts    []CountSpec `json:"-"`
	Uncounted string      `json:"-"`
}

// CountHolds adds the jobs that count what the active holds keep of each
// job, for a dry run.
func (pl *Plan) CountHolds(holds []policy.Hold) {
	if len(policy.Claims(holds)) == 0 || len(pl.Jobs) == 0 {
		return
	}
	counts, ok := Counting(pl.Jobs, holds)
	if !ok {
		pl.Uncounted = fmt.Sprintf("the held recordings were not counted: counting them would take more than %d jobs; the numbers include them, and the jobs still skip them", MaxCountJobs)
		return
	}
	for _, c := range counts {
		if err := CheckCount(c.JobSpec, pl.Jobs[c.Job]); err != nil {
			pl.Uncounted = "the held recordings were not counted: a counting job failed its safety check, so none is sent: " + err.Error()
			return
		}
	}
	pl.Counts = counts
}

// reason is why err refuses a policy, without the policy's name.
func reason(err error) string {
	var ref *Refusal
	if errors.As(err, &ref) {
		return ref.Reason
	}
	return err.Error()
}

// checked builds p's jobs and proves each no wider than p (Check); a job
// that fails refuses the whole policy, since it means Jobs is wrong.
func checked(p policy.Policy, now, horizon time.Time) ([]JobSpec, error) {
	jobs, err := Jobs(p, now, horizon)
	if err != nil {
		return nil, err
	}
	for _, j := range jobs {
		age := int(p.RetentionPeriod)
		if j.Action == genesys.JobArchive {
			age = p.ArchiveAfter
		}
		if err := Check(j.Query, p, age, now, horizon); err != nil {
			return nil, refuse(p, "a job built for it failed the safety check, so none is sent: %v", err)
		}
	}
	return jobs, nil
}

// NewPlan builds the jobs of the selected policies at now. A policy whose
// filters no job can express is listed with the reason and gets no job.
func NewPlan(sel []Selected, now, horizon time.Time) Plan {
	pl := Plan{Now: now.UTC(), Horizon: horizon.UTC(), Policies: []PolicyReport{}}
	for _, s := range sel {
		pr := PolicyReport{Name: s.Policy.Name, Forced: s.Forced}
		if !s.Missed.IsZero() {
			pr.Missed = s.Missed.Format(time.DateOnly)
		}
		switch {
		case s.Refused != "":
			pr.Refused = s.Refused
		case s.KeepDays.ForGood():
			pr.Refused = fmt.Sprintf("%s keep(s) these recordings for good, and Genesys keeps the longest retention: nothing it matches may be deleted", strings.Join(s.KeptFor, ", "))
		case s.KeepDays > policy.MaxRetentionDays:
			pr.Refused = fmt.Sprintf("%s keep(s) these recordings %d days, longer than a job can express: nothing it matches is deleted", strings.Join(s.KeptFor, ", "), s.KeepDays)
		}
		if pr.Refused != "" {
			pl.Policies = append(pl.Policies, pr)
			continue
		}
		p, err := s.scope()
		if err != nil {
			pr.Refused = reason(err)
			pl.Policies = append(pl.Policies, pr)
			continue
		}
		if s.KeepDays > p.RetentionPeriod {
			p.RetentionPeriod, pr.KeptDays, pr.KeptFor = s.KeepDays, int(s.KeepDays), s.KeptFor
		}
		jobs, err := checked(p, now, horizon)
		if err != nil {
			pr.Refused = reason(err)
		}
		pr.Jobs = len(jobs)
		pl.Jobs = append(pl.Jobs, jobs...)
		pl.Policies = append(pl.Policies, pr)
	}
	return pl
}
