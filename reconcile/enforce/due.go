// Package enforce applies each due policy's retention to recordings that
// already exist (Genesys policies are not retroactive): it selects the
// policies whose schedule falls on the run's date, builds one recording bulk
// job per action, and runs the jobs within the organisation's limit of two
// active jobs, auditing every step.
package enforce

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Schedule frequencies, from the vocabulary.
const (
	Daily   = policy.Daily
	Weekly  = policy.Weekly
	Monthly = policy.Monthly
)

var weekdays = map[string]time.Weekday{
	"SUNDAY": time.Sunday, "MONDAY": time.Monday, "TUESDAY": time.Tuesday, "WEDNESDAY": time.Wednesday,
	"THURSDAY": time.Thursday, "FRIDAY": time.Friday, "SATURDAY": time.Saturday,
}

// Due reports whether p's schedule falls on now's date in the policy's own
// timezone (UTC by default). A disabled policy or one without a schedule is
// never due. The error is for a schedule validation should have rejected.
func Due(p policy.Policy, now time.Time) (bool, error) {
	if p.Schedule == nil || !p.IsEnabled() {
		return false, nil
	}
	s, err := parseSchedule(*p.Schedule)
	if err != nil {
		return false, err
	}
	return s.last(now).Equal(s.today(now)), nil
}

// schedule is a policy.Schedule read and checked, so that Due and
// LastOccurrence agree on which dates a policy is scheduled for.
type schedule struct {
	freq    policy.Frequency
	weekday time.Weekday // Weekly
	day     int          // Monthly: 1..31; shorter months use their last day
	loc     *time.Location
}

// parseSchedule reads s; its errors are for a schedule validation should
// have rejected.
func parseSchedule(s policy.Schedule) (schedule, error) {
	loc, err := s.Location()
	if err != nil {
		return schedule{}, err
	}
	sc := schedule{freq: s.Frequency, loc: loc}
	switch s.Frequency {
	case Daily:
	case Weekly:
		d, ok := weekdays[strings.ToUpper(s.DayOfWeek)]
		if !ok {
			return schedule{}, fmt.Errorf("schedule.dayOfWeek %q is not MONDAY..SUNDAY", s.DayOfWeek)
		}
		sc.weekday = d
	case Monthly:
		if s.DayOfMonth < 1 || s.DayOfMonth > 31 {
			return schedule{}, fmt.Errorf("schedule.dayOfMonth %d is not 1..31", s.DayOfMonth)
		}
		sc.day = s.DayOfMonth
	default:
		return schedule{}, fmt.Errorf("schedule.frequency %q is not DAILY, WEEKLY or MONTHLY", s.Frequency)
	}
	return sc, nil
}

// today is the start (local midnight) of now's date in the schedule's timezone.
func (s schedule) today(now time.Time) time.Time {
	local := now.In(s.loc)
	return time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, s.loc)
}

// last is the start of the latest scheduled date on or before now's date.
func (s schedule) last(now time.Time) time.Time {
	today := s.today(now)
	switch s.freq {
	case Weekly:
		return today.AddDate(0, 0, -int((now.In(s.loc).Weekday()-s.weekday+7)%7))
	case Monthly:
		if day := min(s.day, lastDay(today)); day <= today.Day() {
			return time.Date(today.Year(), today.Month(), day, 0, 0, 0, 0, s.loc)
		}
		prev := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, s.loc).AddDate(0, -1, 0)
		return time.Date(prev.Year(), prev.Month(), min(s.day, lastDay(prev)), 0, 0, 0, 0, s.loc)
	}
	return today
}

// lastDay is the number of days in t's month.
func lastDay(t time.Time) int {
	return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Selected is a policy this run enforces.
type Selected struct {
	Policy policy.Policy
	// Live is the organisation's policy of that name, set by Gate: its
	// jobs are built from what it covers (Scope), never from the YAML.
	Live   *genesys.Policy
	Forced bool // named by --policy, so enforced whatever its schedule
	// KeepDays, when above the policy's retention, is the longer retention
	// of overlapping policies (KeptFor) that its DELETE job must respect.
	KeepDays policy.Retention
	KeptFor  []string
	// Refused says why it gets no job, when it must not be enforced now.
	Refused string
	// Missed is the scheduled date a skipped or failed run did not enforce,
	// when this run catches up on it.
	Missed time.Time
}

// scope is what s's jobs may select: the live policy's coverage, with
// the repository's name for messages.
func (s Selected) scope() (policy.Policy, error) {
	if s.Live == nil {
		return policy.Policy{}, refuse(s.Policy, "not in the organisation yet: apply the repository first")
	}
	p, err := Scope(*s.Live, s.Policy.ObjectType)
	if err != nil {
		return policy.Policy{}, err
	}
	p.Name = s.Policy.Name
	return p, nil
}

// Select returns the policies due at now, in repository order. When only is
// not empty it returns that one policy, due or not: an operator who names a
// policy asks for it explicitly. Naming an unknown or disabled policy is an
// error, as is a schedule Due cannot read.
func Select(ps []policy.Policy, now time.Time, only string) ([]Selected, error) {
	if only != "" {
		return selectOne(ps, only)
	}
	var out []Selected
	var errs []error
	for _, p := range ps {
		due, err := Due(p, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s (%s:%d): %w", p.Name, p.Source.File, p.Source.Line, err))
			continue
		}
		if due {
			out = append(out, Selected{Policy: p})
		}
	}
	return out, errors.Join(errs...)
}

func selectOne(ps []policy.Policy, name string) ([]Selected, error) {
	names := make([]string, 0, len(ps))
	for _, p := range ps {
		if p.Name != name {
			names = append(names, p.Name)
			continue
		}
		if !p.IsEnabled() {
			return nil, fmt.Errorf("--policy %q is disabled (enabled: false at %s:%d); a disabled policy is never enforced", name, p.Source.File, p.Source.Line)
		}
		return []Selected{{Policy: p, Forced: true}}, nil
	}
	return nil, fmt.Errorf("--policy %q: no such policy; the policies are: %s", name, strings.Join(names, ", "))
}

// Waiting lists the policies of ps this run does not enforce, each with
// when it next will: its next scheduled date, or why never (no schedule,
// disabled).
func Waiting(ps []policy.Policy, sel []Selected, now time.Time) []NotDue {
	chosen := map[string]bool{}
	for _, s := range sel {
		chosen[s.Policy.Name] = true
	}
	var out []NotDue
	for _, p := range ps {
		if chosen[p.Name] {
			continue
		}
		w := NotDue{Name: p.Name}
		switch {
		case !p.IsEnabled():
			w.Why = "disabled"
		case p.Schedule == nil:
			w.Why = "no schedule: never enforced on existing recordings"
		default:
			s, err := parseSchedule(*p.Schedule)
			if err != nil {
				continue // reported by Select
			}
			w.Next = s.next(now).Format(time.DateOnly)
		}
		out = append(out, w)
	}
	return out
}

// next is the start of the first scheduled date after now's date.
func (s schedule) next(now time.Time) time.Time {
	today := s.today(now)
	for i := 1; ; i++ { // a monthly schedule falls within 31 days
		d := today.AddDate(0, 0, i)
		if s.last(d).Equal(d) {
			return d
		}
	}
}
