package validate

import (
	"github.com/retainctl/retainctl/reconcile/policy"
)

// timezoneViolations checks schedule and time-slot timezones against the
// IANA database, each distinct name once (loading a zone costs tens of
// microseconds).
func timezoneViolations(ps []policy.Policy) []Violation {
	checked := map[string]error{}
	check := func(name string) error {
		err, seen := checked[name]
		if !seen {
			_, err = policy.LoadZone(name)
			checked[name] = err
		}
		return err
	}
	var out []Violation
	for _, p := range ps {
		if s := p.Schedule; s != nil && s.Timezone != "" {
			if err := check(s.Timezone); err != nil {
				out = append(out, Violation{Rule: "schedule.timezone", Severity: Deny, File: p.Source.File, Line: p.Source.LineOf("schedule.timezone"), Policy: p.Name,
					Message: "schedule.timezone " + err.Error()})
			}
		}
		if t := p.TimeAllowed; t != nil && t.Timezone != "" {
			if err := check(t.Timezone); err != nil {
				out = append(out, Violation{Rule: "time-allowed.timezone", Severity: Deny, File: p.Source.File, Line: p.Source.LineOf("timeAllowed.timezone"), Policy: p.Name,
					Message: "timeAllowed.timezone " + err.Error()})
			}
		}
	}
	return out
}
