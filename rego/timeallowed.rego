# Time slots (timeAllowed): a weekday and a start before a stop, each time
# HH:MM, HH:MM:SS or HH:MM:SS.mmm. The timezone is checked in Go, against
# the embedded IANA database (rule time-allowed.timezone).
package retainctl.rules.timeallowed

import data.retainctl.lib

days := {"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"}

clock := `^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{3})?)?$`

at(i, k) := sprintf("timeAllowed.slots[%d].%s", [i, k])

# padded writes a time as HH:MM:SS.mmm, so that slots compare as text.
padded(t) := concat("", [t, substring(":00.000", count(t) - 5, -1)])

# timed holds the policies that write timeAllowed; the rules look only at
# these, so a repository with few of them is not gone through four times.
timed contains p if {
	some p in input.policies
	p.timeAllowed
}

deny contains lib.violation_at("time-allowed.slots", p, "timeAllowed", msg) if {
	msg := "timeAllowed needs at least one slot ({day, start, stop}); remove timeAllowed to match at any time"
	some p in timed
	count(p.timeAllowed.slots) == 0
}

deny contains lib.violation_at("time-allowed.day", p, at(i, "day"), msg) if {
	some p in timed
	some i, s in p.timeAllowed.slots
	not s.day in days
	msg := sprintf("timeAllowed day %q must be MONDAY to SUNDAY (upper case)", [s.day])
}

deny contains lib.violation_at("time-allowed.time", p, at(i, k), msg) if {
	some p in timed
	some i, s in p.timeAllowed.slots
	some k in ["start", "stop"]
	not regex.match(clock, s[k])
	msg := sprintf("timeAllowed %s %q must be a time of day HH:MM, HH:MM:SS or HH:MM:SS.mmm (00:00 to 23:59)", [k, s[k]])
}

deny contains lib.violation_at("time-allowed.order", p, at(i, "stop"), msg) if {
	some p in timed
	some i, s in p.timeAllowed.slots
	regex.match(clock, s.start)
	regex.match(clock, s.stop)
	padded(s.start) >= padded(s.stop)
	msg := sprintf("timeAllowed slot %s %s-%s: start must be before stop (split a slot that crosses midnight in two)", [s.day, s.start, s.stop])
}
