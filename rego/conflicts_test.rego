package retainctl.rules.conflicts_test

import data.retainctl.rules.conflicts

policies := [
	{"name": "Short", "retentionPeriod": 30, "file": "a.yaml", "line": 3},
	{"name": "Long", "retentionPeriod": 365, "file": "b.yaml", "line": 9},
]

input_for(strategy) := {
	"policies": policies,
	"conflicts": [{"policy": 0, "other": 1}],
	"settings": {"conflicts": {"strategy": strategy, "windowDays": 15}},
}

test_merge_max_warns_with_merged_retention if {
	count(conflicts.deny) == 0 with input as input_for("merge-max")
	some v in conflicts.warn with input as input_for("merge-max")
	v.rule == "policy.overlap"
	v.policy == "Short"
	v.line == 3
	contains(v.msg, "365 days")
	contains(v.msg, "\"Long\" wins")
	contains(v.msg, "b.yaml:9")
}

test_fail_denies if {
	count(conflicts.warn) == 0 with input as input_for("fail")
	some v in conflicts.deny with input as input_for("fail")
	v.policy == "Short"
}

test_warn_warns if {
	count(conflicts.deny) == 0 with input as input_for("warn")
	count(conflicts.warn) == 1 with input as input_for("warn")
}

test_no_conflicts_no_findings if {
	i := object.union(input_for("fail"), {"conflicts": []})
	count(conflicts.deny) == 0 with input as i
}
