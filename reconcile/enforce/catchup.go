package enforce

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// LastOccurrence returns the start (local midnight) of p's latest scheduled
// date on or before now's date, in the policy's timezone.
func LastOccurrence(p policy.Policy, now time.Time) (time.Time, error) {
	s := p.Schedule
	if s == nil {
		return time.Time{}, errors.New("no schedule")
	}
	loc, err := s.Location()
	if err != nil {
		return time.Time{}, err
	}
	local := now.In(loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	switch s.Frequency {
	case Daily:
		return today, nil
	case Weekly:
		d, ok := weekdays[strings.ToUpper(s.DayOfWeek)]
		if !ok {
			return time.Time{}, fmt.Errorf("schedule.dayOfWeek %q is not MONDAY..SUNDAY", s.DayOfWeek)
		}
		return today.AddDate(0, 0, -int((local.Weekday()-d+7)%7)), nil
	case Monthly:
		if s.DayOfMonth < 1 || s.DayOfMonth > 31 {
			return time.Time{}, fmt.Errorf("schedule.dayOfMonth %d is not 1..31", s.DayOfMonth)
		}
		if day := min(s.DayOfMonth, lastDay(today)); day <= today.Day() {
			return time.Date(today.Year(), today.Month(), day, 0, 0, 0, 0, loc), nil
		}
		prev := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, loc).AddDate(0, -1, 0)
		return time.Date(prev.Year(), prev.Month(), min(s.DayOfMonth, lastDay(prev)), 0, 0, 0, 0, loc), nil
	}
	return time.Time{}, fmt.Errorf("schedule.frequency %q is not DAILY, WEEKLY or MONTHLY", s.Frequency)
}

// CatchUp adds to sel the policies whose latest scheduled date went by
// without their retention being enforced since — the scheduled run was
// skipped (CI drops cron runs) or failed. lastRun holds, per policy, when a
// DELETE job of it last completed; a policy without a record is left to its
// schedule.
func CatchUp(ps []policy.Policy, now time.Time, lastRun map[string]time.Time, sel []Selected) ([]Selected, error) {
	var errs []error
	for _, p := range ps {
		last, ok := lastRun[p.Name]
		if !ok || p.Schedule == nil || !p.IsEnabled() || slices.ContainsFunc(sel, func(s Selected) bool { return s.Policy.Name == p.Name }) {
			continue
		}
		due, err := LastOccurrence(p, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s (%s:%d): %w", p.Name, p.Source.File, p.Source.Line, err))
			continue
		}
		if last.Before(due) {
			sel = append(sel, Selected{Policy: p, Missed: due})
		}
	}
	return sel, errors.Join(errs...)
}

// LastRuns reads, from the audit log, when each policy's retention was last
// enforced: the latest fulfilled DELETE job per policy.
func LastRuns(entries []audit.Entry) map[string]time.Time {
	out := map[string]time.Time{}
	for _, e := range entries {
		ev := e.Event
		if ev.Type == audit.JobFulfilled && ev.Action == genesys.JobDelete && ev.Time.After(out[ev.Policy]) {
			out[ev.Policy] = ev.Time
		}
	}
	return out
}
