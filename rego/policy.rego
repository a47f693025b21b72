# Required fields, object types, retention and archive periods, order.
package retainctl.rules.policy

import data.retainctl.lib

deny contains lib.violation("policy.required", p, msg) if {
	some p in input.policies
	some field in ["name", "objectType"]
	p[field] == ""
	msg := sprintf("%s is required", [field])
}

deny contains lib.violation("policy.required", p, msg) if {
	some p in input.policies
	p.retentionPeriod == 0
	msg := "retentionPeriod is required: the number of days to keep recordings"
}

deny contains lib.violation("policy.object-type", p, msg) if {
	some p in input.policies
	p.objectType == "task"
	msg := "objectType task is not supported: Genesys Cloud media retention covers no task recordings; remove this policy"
}

deny contains lib.violation("policy.object-type", p, msg) if {
	some p in input.policies
	not p.objectType in lib.object_types
	not p.objectType in {"", "task"}
	msg := sprintf("objectType %q must be one of call, chat, email, message, sms, interaction", [p.objectType])
}

deny contains lib.violation("policy.retention", p, msg) if {
	some p in input.policies
	p.retentionPeriod < 0
	msg := sprintf("retentionPeriod must be a positive number of days, got %d", [p.retentionPeriod])
}

deny contains lib.violation("policy.tier-minimum", p, msg) if {
	some p in input.policies
	tier := input.settings.licenseTier
	minimum := data.retainctl.licenseTiers[tier]
	p.retentionPeriod > 0
	p.retentionPeriod < minimum
	msg := sprintf("retentionPeriod %d is below the %s license tier minimum of %d days", [p.retentionPeriod, tier, minimum])
}

deny contains lib.violation("policy.archive", p, msg) if {
	some p in input.policies
	p.archiveAfter < 0
	msg := sprintf("archiveAfter must be a positive number of days, got %d", [p.archiveAfter])
}

deny contains lib.violation("policy.archive", p, msg) if {
	some p in input.policies
	p.archiveAfter > 0
	p.retentionPeriod > 0
	p.archiveAfter >= p.retentionPeriod
	msg := sprintf("archiveAfter (%d) must be less than retentionPeriod (%d): recordings would be deleted before they are archived", [p.archiveAfter, p.retentionPeriod])
}

deny contains lib.violation("policy.order", p, msg) if {
	some p in input.policies
	p.order < 0
	msg := sprintf("order must be 0 or more, got %d", [p.order])
}
