# Overlapping policies whose retention differs by more than
# conflicts.windowDays. Which policies overlap is computed in Go
# (reconcile/overlap/conflicts.go, indexed so 10k policies stay fast) and
# arrives as input.conflicts: [{"policy": i, "other": j}], i the shorter
# retention; the reporting, per conflicts.strategy, is decided here.
package retainctl.rules.conflicts

import data.retainctl.lib

strategy := input.settings.conflicts.strategy

warn contains lib.violation("policy.overlap", p, msg) if {
	strategy == "merge-max"
	some c in input.conflicts
	p := input.policies[c.policy]
	o := input.policies[c.other]
	msg := sprintf(
		"%s; Genesys keeps the longest, so these recordings are kept %d days (merged maximum, %q wins)",
		[overlap(p, o), o.retentionPeriod, o.name],
	)
}

warn contains lib.violation("policy.overlap", p, overlap(p, o)) if {
	strategy == "warn"
	some c in input.conflicts
	p := input.policies[c.policy]
	o := input.policies[c.other]
}

deny contains lib.violation("policy.overlap", p, msg) if {
	strategy == "fail"
	some c in input.conflicts
	p := input.policies[c.policy]
	o := input.policies[c.other]
	msg := sprintf("%s; conflicts.strategy is fail: narrow the filters or align the retention periods", [overlap(p, o)])
}

overlap(p, o) := sprintf(
	"overlaps %q (%s:%d): retention %d vs %d days differs by more than the %d-day window",
	[o.name, o.file, o.line, p.retentionPeriod, o.retentionPeriod, input.settings.conflicts.windowDays],
)
