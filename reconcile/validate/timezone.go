package validate

import (
	"github.com/retainctl/retainctl/reconcile/policy"
)

// timezoneViolations checks schedule timezones against the IANA database,
// each distinct name once (loading a zone costs tens of microseconds).
func timezoneViolations(ps []policy.Policy) []Violation {
	checked := map[string]error{}
	var out []Violation
	for _, p := range ps {
		if p.Schedule == nil || p.Schedule.Timezone == "" {
			continue
		}
		err, seen := checked[p.Schedule.Timezone]
		if !seen {
			_, err = p.Schedule.Location()
			checked[p.Schedule.Timezone] = err
		}
		if err != nil {
			out = append(out, Violation{Rule: "schedule.timezone", Severity: Deny, File: p.Source.File, Line: p.Source.LineOf("schedule.timezone"), Policy: p.Name,
				Message: err.Error()})
		}
	}
	return out
}
