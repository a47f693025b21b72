# When `retainctl enforce` runs a policy. The timezone is checked in Go,
# against the embedded IANA database (rule schedule.timezone).
package retainctl.rules.schedule

import data.retainctl.lib

frequencies := {"DAILY", "WEEKLY", "MONTHLY"}

days := {"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"}

# key is k when the policy writes it, else the schedule itself, so that a
# missing field points at the schedule that lacks it.
key(p, k) := k if {
	f := split(k, ".")[1]
	p.schedule[f] != ""
	p.schedule[f] != 0
} else := "schedule"

# suspect holds the scheduled policies that fail the cheap check below; the
# rules look only at these (see policy.rego). Day 29 to 31 is suspect too,
# for the short-month warning.
suspect contains p if {
	some p in input.policies
	s := p.schedule
	not plausible(s.frequency, s)
}

plausible("DAILY", s) if {
	s.dayOfWeek == ""
	s.dayOfMonth == 0
}

plausible("WEEKLY", s) if {
	s.dayOfWeek in days
	s.dayOfMonth == 0
}

plausible("MONTHLY", s) if {
	s.dayOfWeek == ""
	s.dayOfMonth >= 1
	s.dayOfMonth <= 28
}

deny contains lib.violation_at("schedule.frequency", p, key(p, "schedule.frequency"), msg) if {
	some p in suspect
	f := p.schedule.frequency
	not f in frequencies
	msg := frequency_msg(f)
}

# The day rules read the frequency case-blind: a policy that writes
# "weekly" is told once, by schedule.frequency, to write WEEKLY, and is not
# also told to remove a dayOfWeek that is right.
deny contains lib.violation_at("schedule.day-of-week", p, key(p, "schedule.dayOfWeek"), msg) if {
	some p in suspect
	upper(p.schedule.frequency) == "WEEKLY"
	d := p.schedule.dayOfWeek
	not d in days
	msg := day_of_week_msg(d)
}

deny contains lib.violation_at("schedule.day-of-week", p, key(p, "schedule.dayOfWeek"), msg) if {
	some p in suspect
	p.schedule.dayOfWeek != ""
	upper(p.schedule.frequency) != "WEEKLY"
	msg := sprintf("dayOfWeek is only used by WEEKLY schedules, not %s: remove it or set frequency: WEEKLY", [p.schedule.frequency])
}

deny contains lib.violation_at("schedule.day-of-month", p, key(p, "schedule.dayOfMonth"), msg) if {
	msg := "MONTHLY schedules need dayOfMonth: 1 to 31"
	some p in suspect
	upper(p.schedule.frequency) == "MONTHLY"
	p.schedule.dayOfMonth == 0
}

deny contains lib.violation_at("schedule.day-of-month", p, key(p, "schedule.dayOfMonth"), msg) if {
	some p in suspect
	d := p.schedule.dayOfMonth
	d != 0
	not valid_day_of_month(d)
	msg := sprintf("dayOfMonth %d must be between 1 and 31", [d])
}

deny contains lib.violation_at("schedule.day-of-month", p, key(p, "schedule.dayOfMonth"), msg) if {
	some p in suspect
	p.schedule.dayOfMonth != 0
	upper(p.schedule.frequency) != "MONTHLY"
	msg := sprintf("dayOfMonth is only used by MONTHLY schedules, not %s: remove it or set frequency: MONTHLY", [p.schedule.frequency])
}

frequency_msg("") := "schedule.frequency is required: DAILY, WEEKLY or MONTHLY"

frequency_msg(f) := sprintf("schedule.frequency %q must be upper case: write %s", [f, upper(f)]) if upper(f) in frequencies

frequency_msg(f) := sprintf("schedule.frequency %q must be DAILY, WEEKLY or MONTHLY", [f]) if {
	f != ""
	not upper(f) in frequencies
}

day_of_week_msg("") := "WEEKLY schedules need dayOfWeek: MONDAY to SUNDAY"

day_of_week_msg(d) := sprintf("dayOfWeek %q must be MONDAY to SUNDAY (upper case)", [d]) if d != ""

valid_day_of_month(d) if {
	d >= 1
	d <= 31
}

warn contains lib.violation_at("schedule.short-month", p, "schedule.dayOfMonth", msg) if {
	some p in suspect
	p.schedule.frequency == "MONTHLY"
	d := p.schedule.dayOfMonth
	d in {29, 30, 31}
	msg := sprintf("dayOfMonth %d does not exist in every month: in shorter months the policy runs on the month's last day", [d])
}
