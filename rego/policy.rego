# Required fields, object types, retention and archive periods, order.
package retainctl.rules.policy

import data.retainctl.lib

# suspect holds the policies that fail the cheap check below. The rules that
# say what is wrong look only at these, so a large, valid repository costs
# one pass rather than one pass per rule. Whatever a rule denies must fail
# plausible (policy_test.rego checks each rule's case).
#
# The constants are read once, before the loop: a rule named inside it is
# looked up again for each policy, hence the "pointless" reassignments. The
# policy is plausible's last argument: OPA caches each call by its
# arguments, one level per argument, so the arguments that never change go
# first and each policy adds one entry rather than four.
suspect contains p if {
	types := lib.object_types - {"interaction"}

	# regal ignore:pointless-reassignment
	minimum := tier_minimum

	# regal ignore:pointless-reassignment
	maximum := max_days
	retentions := {r |
		some r in {p.retentionPeriod | some p in input.policies}
		r >= minimum
		r <= maximum
		r > 0
	}
	some p in input.policies
	not plausible(types, retentions, p)
}

# plausible is written once for an archiveAfter of 0, the usual case, and
# once for one above 0; types is lib.object_types without interaction, and
# retentions the retention periods written that are in range and above 0,
# each compared once however many policies write it.
plausible(types, retentions, p) if {
	p.name != ""
	types[p.objectType]
	retentions[p.retentionPeriod]
	p.archiveAfter == 0
	object.get(p, "order", 0) >= 0
	p.renamedFrom == ""
}

plausible(types, retentions, p) if {
	p.name != ""
	types[p.objectType]
	retentions[p.retentionPeriod]
	p.archiveAfter > 0
	p.archiveAfter < p.retentionPeriod
	object.get(p, "order", 0) >= 0
	p.renamedFrom == ""
}

tier_minimum := data.retainctl.licenseTiers[input.settings.licenseTier]

max_days := data.retainctl.maxRetentionDays

# A bound keeps date arithmetic sane: enforce subtracts the retention from
# today, and a number meant as "forever" must not wrap around to "now".
deny contains lib.violation_at("policy.retention", p, "retentionPeriod", msg) if {
	some p in suspect
	p.retentionPeriod > max_days
	msg := sprintf("retentionPeriod %d is more than %d days (100 years), the longest retention retainctl can express", [p.retentionPeriod, max_days])
}

deny contains lib.violation_at("policy.required", p, field, msg) if {
	some p in suspect
	some field in ["name", "objectType"]
	p[field] == ""
	msg := sprintf("%s is required", [field])
}

deny contains lib.violation_at("policy.required", p, "retentionPeriod", msg) if {
	msg := "retentionPeriod is required: the number of days to keep recordings"
	some p in suspect
	p.retentionPeriod == 0
}

deny contains lib.violation_at("policy.object-type", p, "objectType", msg) if {
	msg := "objectType task is not supported: Genesys Cloud media retention covers no task recordings; remove this policy"
	some p in suspect
	p.objectType == "task"
}

deny contains lib.violation_at("policy.object-type", p, "objectType", msg) if {
	some p in suspect
	not p.objectType in lib.object_types
	not p.objectType in {"", "task"}
	msg := sprintf("objectType %q must be one of call, chat, email, message, sms", [p.objectType])
}

# A policy-level (non-media) policy is Genesys' legacy form: its media
# types are at most CALL and CHAT, and no Genesys document says what it
# covers without them (docs/policy-reference.md has the evidence).
deny contains lib.violation_at("policy.object-type", p, "objectType", msg) if {
	msg := concat(" ", [
		"objectType interaction (a policy-level Genesys policy) is not supported: Genesys documents no scope for it,",
		"so retainctl cannot say which recordings it keeps or deletes; write one policy per medium (call, chat, email, message)",
	])
	some p in suspect
	p.objectType == "interaction"
}

deny contains lib.violation_at("policy.retention", p, "retentionPeriod", msg) if {
	some p in suspect
	p.retentionPeriod < 0
	msg := sprintf("retentionPeriod must be a positive number of days, got %d", [p.retentionPeriod])
}

deny contains lib.violation_at("policy.tier-minimum", p, "retentionPeriod", msg) if {
	tier := input.settings.licenseTier
	minimum := data.retainctl.licenseTiers[tier]
	some p in suspect
	p.retentionPeriod > 0
	p.retentionPeriod < minimum
	msg := sprintf("retentionPeriod %d is below the %s license tier minimum of %d days", [p.retentionPeriod, tier, minimum])
}

deny contains lib.violation_at("policy.archive", p, "archiveAfter", msg) if {
	some p in suspect
	p.archiveAfter < 0
	msg := sprintf("archiveAfter must be a positive number of days, got %d", [p.archiveAfter])
}

deny contains lib.violation_at("policy.archive", p, "archiveAfter", msg) if {
	some p in suspect
	p.archiveAfter > 0
	p.retentionPeriod > 0
	p.archiveAfter >= p.retentionPeriod
	msg := sprintf("archiveAfter (%d) must be less than retentionPeriod (%d): recordings would be deleted before they are archived", [p.archiveAfter, p.retentionPeriod])
}

deny contains lib.violation_at("policy.order", p, "order", msg) if {
	some p in suspect
	p.order < 0
	msg := sprintf("order must be 0 or more, got %d", [p.order])
}

# A rename must name a policy that left the repository, and only one
# policy may claim it: two claims would merge them into one live policy.
deny contains lib.violation_at("policy.renamed-from", p, "renamedFrom", msg) if {
	some p in suspect
	p.renamedFrom != ""
	p.renamedFrom in names
	msg := sprintf("renamedFrom %q names a policy that is in the repository; renamedFrom is the name the policy had before, which no policy has now", [p.renamedFrom])
}

deny contains lib.violation_at("policy.renamed-from", p, "renamedFrom", msg) if {
	some p in suspect
	r := p.renamedFrom
	r != ""
	count(renamers[r]) > 1
	msg := sprintf("%d policies (%s) are renamed from %q: only one can take over that live policy", [count(renamers[r]), concat(", ", sort(renamers[r])), r])
}

names contains p.name if {
	some p in input.policies
}

renamers[r] contains p.name if {
	some p in suspect
	r := p.renamedFrom
	r != ""
}
