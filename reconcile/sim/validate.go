package sim

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

// fieldError is a validation failure on one field of a request body.
type fieldError struct {
	field string
	msg   string
}

// Enum values the API accepts (the SDKs' enums).
var (
	directionValues     = []string{"INBOUND", "OUTBOUND"}
	participationValues = []string{"YES", "NO"}
	durationTargets     = []string{"DURATION", "DURATION_RANGE"}
	durationModes       = []string{"Between", "Over", "Under"}
)

// slotTime is a time slot's time of day: xx:xx:xx.xxx, as the SDKs
// describe it (seconds and milliseconds may be left out).
var slotTime = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{3})?)?$`)

// validatePolicy rejects what passes the models but not the API: a missing
// name, negative days, references without ids, time slots that are not
// times, date ranges that are not intervals. Unknown fields, types and
// enum values are refused by the models first (checkBody).
func validatePolicy(p genesys.Policy) *fieldError {
	if strings.TrimSpace(p.Name) == "" {
		return &fieldError{"name", "The policy name is required and may not be blank."}
	}
	if fe := checkPart("", &genesys.MediaPolicy{Conditions: p.Conditions, Actions: p.Actions}); fe != nil {
		return fe
	}
	if mp := p.MediaPolicies; mp != nil {
		for name, part := range map[string]*genesys.MediaPolicy{
			"callPolicy": mp.CallPolicy, "chatPolicy": mp.ChatPolicy, "emailPolicy": mp.EmailPolicy, "messagePolicy": mp.MessagePolicy,
		} {
			if fe := checkPart("mediaPolicies."+name+".", part); fe != nil {
				return fe
			}
		}
	}
	return nil
}

func checkPart(base string, part *genesys.MediaPolicy) *fieldError {
	if part == nil {
		return nil
	}
	if fe := checkConditions(base+"conditions", part.Conditions); fe != nil {
		return fe
	}
	return checkActions(base+"actions", part.Actions)
}

func checkConditions(base string, c *genesys.Conditions) *fieldError {
	if c == nil {
		return nil
	}
	for _, refs := range [][]genesys.Ref{c.ForUsers, c.ForQueues, c.WrapupCodes, c.Languages, c.Teams} {
		for _, r := range refs {
			if strings.TrimSpace(r.ID) == "" {
				return &fieldError{base, "Every referenced entity needs an id."}
			}
		}
	}
	for i, d := range c.DateRanges {
		if _, ok := parseInterval(d); !ok {
			return &fieldError{fmt.Sprintf("%s.dateRanges[%d]", base, i), fmt.Sprintf("Invalid interval [%s]: expected an ISO-8601 interval start/end.", d)}
		}
	}
	if ta := c.TimeAllowed; ta != nil {
		if ta.TimeZoneID != "" {
			if _, err := time.LoadLocation(ta.TimeZoneID); err != nil || ta.TimeZoneID == "Local" {
				return &fieldError{base + ".timeAllowed.timeZoneId", fmt.Sprintf("Invalid time zone [%s].", ta.TimeZoneID)}
			}
		}
		for i, s := range ta.TimeSlots {
			f := fmt.Sprintf("%s.timeAllowed.timeSlots[%d]", base, i)
			if s.Day < 1 || s.Day > 7 {
				return &fieldError{f + ".day", fmt.Sprintf("Day [%d] must be 1 (Monday) to 7 (Sunday).", s.Day)}
			}
			if !slotTime.MatchString(s.StartTime) || !slotTime.MatchString(s.StopTime) {
				return &fieldError{f, fmt.Sprintf("Times [%s]-[%s] must be in xx:xx:xx.xxx format.", s.StartTime, s.StopTime)}
			}
		}
	}
	return nil
}

func checkActions(base string, a *genesys.Actions) *fieldError {
	if a == nil || a.RetentionDuration == nil {
		return nil
	}
	rd := a.RetentionDuration
	if ar := rd.ArchiveRetention; ar != nil && ar.Days < 0 {
		return &fieldError{base + ".retentionDuration.archiveRetention.days", "Days may not be negative."}
	}
	if dr := rd.DeleteRetention; dr != nil && dr.Days < 0 {
		return &fieldError{base + ".retentionDuration.deleteRetention.days", "Days may not be negative."}
	}
	return nil
}

// parseInterval reads an ISO-8601 start/end interval, start before end.
func parseInterval(s string) (span, bool) {
	start, end, ok := strings.Cut(s, "/")
	from, err1 := time.Parse(time.RFC3339, start)
	to, err2 := time.Parse(time.RFC3339, end)
	return span{from, to}, ok && err1 == nil && err2 == nil && from.Before(to)
}

func enumError(field, got string, allowed []string) *fieldError {
	return &fieldError{field, fmt.Sprintf("Value [%s] is not valid for field [%s]. Allowable values are: %s",
		got, leaf(field), strings.Join(allowed, ", "))}
}
