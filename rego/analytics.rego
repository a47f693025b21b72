# The analytics data retention ceiling (settings analytics.retentionDays),
# and the policies that keep recordings past it.
package retainctl.rules.analytics

import data.retainctl.lib

ceiling := input.settings.analytics.retentionDays

bounds := data.retainctl.analyticsRetentionDays

deny contains lib.setting_violation("analytics.retention-days", "analytics.retentionDays", msg) if {
	ceiling != 0
	not in_bounds(ceiling)
	msg := sprintf("analytics.retentionDays %v must be a whole number of days from %d to %d (90 days to five years), the range Genesys accepts", [ceiling, bounds.min, bounds.max])
}

in_bounds(x) if {
	lib.positive_int(x)
	x >= bounds.min
	x <= bounds.max
}

# Genesys refuses a ceiling shorter than a retention policy keeps
# recordings, and caps quality-management recordings at the ceiling.
warn contains lib.violation_at("analytics.ceiling", p, "retentionPeriod", msg) if {
	in_bounds(ceiling)
	some p in input.policies
	p.retentionPeriod > ceiling
	msg := sprintf("keeps recordings %d days, longer than the analytics ceiling of %d days (analytics.retentionDays): Genesys refuses to set a ceiling below a policy's retention, so apply fails on the ceiling until this policy keeps them %d days or fewer; and evaluation (quality-management) recordings are kept no longer than the ceiling", [p.retentionPeriod, ceiling, ceiling])
}
