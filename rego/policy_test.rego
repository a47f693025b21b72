package retainctl.rules.policy_test

import data.retainctl.rules.policy

# renamedFrom is in every policy of the input, "" when not written: the
# cheap pass reads it without a default.
base := {"name": "P", "objectType": "call", "retentionPeriod": 90, "archiveAfter": 0, "renamedFrom": "", "file": "p.yaml", "line": 1}

settings := {"licenseTier": "ENTERPRISE"}

rules_of(p, s) := {v.rule | some v in policy.deny with input as {"policies": [p], "settings": s}}

test_valid_policy_passes if {
	count(rules_of(base, settings)) == 0
}

# The fast path: a valid policy is not even looked at by the rules.
test_valid_policy_is_not_suspect if {
	count(policy.suspect) == 0 with input as {"policies": [base], "settings": settings}
	count(policy.suspect) == 0 with input as {"policies": [object.union(base, {"order": 3, "archiveAfter": 30})], "settings": settings}
}

test_name_required if {
	rules_of(object.union(base, {"name": ""}), settings) == {"policy.required"}
}

test_retention_required if {
	rules_of(object.union(base, {"retentionPeriod": 0}), settings) == {"policy.required"}
}

test_unknown_object_type if {
	rules_of(object.union(base, {"objectType": "fax"}), settings) == {"policy.object-type"}
}

test_task_rejected_with_reason if {
	some v in policy.deny with input as {"policies": [object.union(base, {"objectType": "task"})], "settings": settings}
	v.rule == "policy.object-type"
	contains(v.msg, "no task recordings")
}

test_interaction_rejected_with_reason if {
	some v in policy.deny with input as {"policies": [object.union(base, {"objectType": "interaction"})], "settings": settings}
	v.rule == "policy.object-type"
	contains(v.msg, "documents no scope")
}

test_tier_minimum_standard if {
	p := object.union(base, {"retentionPeriod": 20})
	rules_of(p, {"licenseTier": "STANDARD"}) == {"policy.tier-minimum"}
	count(rules_of(p, settings)) == 0
}

test_tier_minimum_enterprise if {
	rules_of(object.union(base, {"retentionPeriod": 6}), settings) == {"policy.tier-minimum"}
	count(rules_of(object.union(base, {"retentionPeriod": 7}), settings)) == 0
}

test_negative_retention if {
	"policy.retention" in rules_of(object.union(base, {"retentionPeriod": -5}), settings)
}

test_archive_must_be_below_retention if {
	rules_of(object.union(base, {"archiveAfter": 90}), settings) == {"policy.archive"}
	rules_of(object.union(base, {"archiveAfter": -1}), settings) == {"policy.archive"}
	count(rules_of(object.union(base, {"archiveAfter": 89}), settings)) == 0
}

test_order if {
	rules_of(object.union(base, {"order": -1}), settings) == {"policy.order"}
	count(rules_of(object.union(base, {"order": 0}), settings)) == 0
}

test_violation_carries_location if {
	some v in policy.deny with input as {"policies": [object.union(base, {"name": "X", "retentionPeriod": 0, "line": 7})], "settings": settings}
	v == {"rule": "policy.required", "msg": "retentionPeriod is required: the number of days to keep recordings", "policy": "X", "file": "p.yaml", "line": 7, "key": "retentionPeriod"}
}

# Findings name the offending key; retainctl points at its line.
test_finding_names_the_key if {
	p := object.union(base, {"retentionPeriod": -1})
	some v in policy.deny with input as {"policies": [p], "settings": settings}
	v.rule == "policy.retention"
	v.key == "retentionPeriod"
}

test_renamed_from_a_policy_still_present if {
	a := object.union(base, {"name": "A"})
	b := object.union(base, {"name": "B", "renamedFrom": "A"})
	rules_in({"policies": [a, b], "settings": settings}) == {"policy.renamed-from"}
}

test_renamed_from_claimed_twice if {
	b := object.union(base, {"name": "B", "renamedFrom": "Old"})
	c := object.union(base, {"name": "C", "renamedFrom": "Old"})
	rules_in({"policies": [b, c], "settings": settings}) == {"policy.renamed-from"}
	rules_in({"policies": [b], "settings": settings}) == set()
}

rules_in(doc) := {v.rule | some v in policy.deny with input as doc}

test_retention_upper_bound if {
	rules_of(object.union(base, {"retentionPeriod": 36501}), settings) == {"policy.retention"}
	count(rules_of(object.union(base, {"retentionPeriod": 36500}), settings)) == 0
}
