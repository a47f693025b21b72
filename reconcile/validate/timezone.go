package validate

import (
	"fmt"
	"time"
	_ "time/tzdata" // the IANA database, so results do not depend on the host

	"github.com/retainctl/retainctl/reconcile/policy"
)

// timezoneViolations checks schedule timezones against the IANA database.
func timezoneViolations(ps []policy.Policy) []Violation {
	known := map[string]bool{}
	var out []Violation
	for _, p := range ps {
		if p.Schedule == nil || p.Schedule.Timezone == "" {
			continue
		}
		tz := p.Schedule.Timezone
		ok, seen := known[tz]
		if !seen {
			_, err := time.LoadLocation(tz)
			ok = err == nil && tz != "Local" // Local would depend on the CI runner
			known[tz] = ok
		}
		if !ok {
			out = append(out, Violation{Rule: "schedule.timezone", Severity: Deny, File: p.Source.File, Line: p.Source.LineOf("schedule.timezone"), Policy: p.Name,
				Message: fmt.Sprintf("schedule.timezone %q is not an IANA time zone name such as UTC, Europe/London or America/New_York", tz)})
		}
	}
	return out
}
