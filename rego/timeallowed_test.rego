package retainctl.rules.timeallowed_test

import data.retainctl.rules.timeallowed

policy_with(slots) := {"name": "P", "objectType": "call", "file": "p.yaml", "line": 1, "timeAllowed": {"slots": slots}}

rules_of(slots) := {v.rule | some v in timeallowed.deny with input as {"policies": [policy_with(slots)]}}

test_valid_slots_pass if {
	count(rules_of([{"day": "MONDAY", "start": "08:00", "stop": "09:00:30.500"}])) == 0
}

test_policy_without_slots_passes if {
	count(timeallowed.deny) == 0 with input as {"policies": [{"name": "P", "objectType": "call"}]}
}

test_empty_slots if {
	rules_of([]) == {"time-allowed.slots"}
}

test_bad_day if {
	rules_of([{"day": "monday", "start": "08:00", "stop": "09:00"}]) == {"time-allowed.day"}
}

test_bad_time if {
	rules_of([{"day": "MONDAY", "start": "8:00", "stop": "24:00"}]) == {"time-allowed.time"}
}

test_start_before_stop if {
	rules_of([{"day": "MONDAY", "start": "09:00", "stop": "09:00:00.000"}]) == {"time-allowed.order"}
	rules_of([{"day": "MONDAY", "start": "22:00", "stop": "02:00"}]) == {"time-allowed.order"}
}
