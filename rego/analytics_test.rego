package retainctl.rules.analytics_test

import data.retainctl.rules.analytics

settings(days) := {"file": "retainctl.yaml", "lines": {"analytics.retentionDays": 7}, "analytics": {"retentionDays": days}}

call(days) := {"name": "Calls", "objectType": "call", "retentionPeriod": days, "file": "voice.yaml", "line": 1}

test_unset_ceiling_says_nothing if {
	count(analytics.deny) == 0 with input as {"settings": {"analytics": {}}, "policies": [call(4000)]}
	count(analytics.warn) == 0 with input as {"settings": {"analytics": {}}, "policies": [call(4000)]}
}

test_ceiling_range if {
	some days in [89, 1826, 100.5]
	some v in analytics.deny with input as {"settings": settings(days), "policies": []}
	v.rule == "analytics.retention-days"
	v.line == 7
}

test_policy_longer_than_ceiling_is_warned if {
	some v in analytics.warn with input as {"settings": settings(365), "policies": [call(400)]}
	v.rule == "analytics.ceiling"
	contains(v.msg, "refuses")
}

test_policy_within_ceiling_is_quiet if {
	count(analytics.warn) == 0 with input as {"settings": settings(365), "policies": [call(365)]}
}
