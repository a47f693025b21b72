package retainctl.rules.schedule_test

import data.retainctl.rules.schedule

with_schedule(s) := {"name": "P", "objectType": "call", "retentionPeriod": 90, "file": "p.yaml", "line": 1, "schedule": object.union({"frequency": "", "dayOfWeek": "", "dayOfMonth": 0, "timezone": ""}, s)}

denied(s) := {v.rule | some v in schedule.deny with input as {"policies": [with_schedule(s)]}}

warned(s) := {v.rule | some v in schedule.warn with input as {"policies": [with_schedule(s)]}}

test_daily_ok if {
	count(denied({"frequency": "DAILY"})) == 0
}

test_no_schedule_ok if {
	count({v | some v in schedule.deny with input as {"policies": [{"name": "P", "file": "p", "line": 1}]}}) == 0
}

test_frequency if {
	denied({"frequency": "HOURLY"}) == {"schedule.frequency"}
	denied({}) == {"schedule.frequency"}
}

test_weekly_needs_day if {
	denied({"frequency": "WEEKLY"}) == {"schedule.day-of-week"}
	denied({"frequency": "WEEKLY", "dayOfWeek": "monday"}) == {"schedule.day-of-week"}
	count(denied({"frequency": "WEEKLY", "dayOfWeek": "MONDAY"})) == 0
}

test_monthly_needs_day if {
	denied({"frequency": "MONTHLY"}) == {"schedule.day-of-month"}
	denied({"frequency": "MONTHLY", "dayOfMonth": 32}) == {"schedule.day-of-month"}
	count(denied({"frequency": "MONTHLY", "dayOfMonth": 28})) == 0
}

test_monthly_late_days_warn if {
	count(denied({"frequency": "MONTHLY", "dayOfMonth": 31})) == 0
	warned({"frequency": "MONTHLY", "dayOfMonth": 29}) == {"schedule.short-month"}
	count(warned({"frequency": "MONTHLY", "dayOfMonth": 28})) == 0
}

# A frequency in the wrong case is one mistake, told once with its fix; the
# day that goes with it is not reported as misplaced.
test_frequency_case_is_reported_once if {
	denied({"frequency": "weekly", "dayOfWeek": "MONDAY"}) == {"schedule.frequency"}
	denied({"frequency": "Monthly", "dayOfMonth": 3}) == {"schedule.frequency"}
	denied({"frequency": "daily"}) == {"schedule.frequency"}
	msgs := {v.msg | some v in schedule.deny with input as {"policies": [with_schedule({"frequency": "weekly", "dayOfWeek": "MONDAY"})]}}
	msgs == {`schedule.frequency "weekly" must be upper case: write WEEKLY`}
}

test_frequency_case_blind_day_rules if {
	# the day is still checked against the frequency it was meant as
	denied({"frequency": "weekly"}) == {"schedule.frequency", "schedule.day-of-week"}
	denied({"frequency": "daily", "dayOfWeek": "MONDAY"}) == {"schedule.frequency", "schedule.day-of-week"}
	msgs := {v.msg | some v in schedule.deny with input as {"policies": [with_schedule({"frequency": "HOURLY"})]}}
	msgs == {`schedule.frequency "HOURLY" must be DAILY, WEEKLY or MONTHLY`}
}

test_day_for_wrong_frequency if {
	denied({"frequency": "DAILY", "dayOfWeek": "MONDAY"}) == {"schedule.day-of-week"}
	denied({"frequency": "WEEKLY", "dayOfWeek": "MONDAY", "dayOfMonth": 3}) == {"schedule.day-of-month"}
}

# The fast path: valid schedules are not even looked at by the rules.
test_valid_schedules_are_not_suspect if {
	every s in [{"frequency": "DAILY"}, {"frequency": "WEEKLY", "dayOfWeek": "MONDAY"}, {"frequency": "MONTHLY", "dayOfMonth": 28}] {
		count(schedule.suspect) == 0 with input as {"policies": [with_schedule(s)]}
	}
}
