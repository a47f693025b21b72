# The settings file, retainctl.yaml; violations point at its lines.
package retainctl.rules.settings

import data.retainctl.lib

s := input.settings

deny contains lib.setting_violation("settings.strategy", "conflicts.strategy", msg) if {
	not s.conflicts.strategy in {"merge-max", "fail", "warn"}
	msg := sprintf("conflicts.strategy %q must be merge-max, fail or warn", [s.conflicts.strategy])
}

deny contains lib.setting_violation("settings.window", "conflicts.windowDays", msg) if {
	s.conflicts.windowDays < 0
	msg := sprintf("conflicts.windowDays must be 0 or more, got %d", [s.conflicts.windowDays])
}

deny contains lib.setting_violation("settings.license-tier", "licenseTier", msg) if {
	not data.retainctl.licenseTiers[s.licenseTier]
	msg := sprintf("licenseTier %q must be STANDARD or ENTERPRISE", [s.licenseTier])
}

deny contains lib.setting_violation("settings.estimates", key, msg) if {
	some table in ["dailyVolumeGB", "multipliers"]
	some object_type, _ in s.estimates[table]
	not object_type in lib.object_types
	key := sprintf("estimates.%s.%s", [table, object_type])
	msg := sprintf("%s: %q is not an object type (call, chat, email, message, interaction)", [key, object_type])
}

deny contains lib.setting_violation("settings.estimates", key, msg) if {
	some table in ["dailyVolumeGB", "multipliers"]
	some object_type, x in s.estimates[table]
	x < 0
	key := sprintf("estimates.%s.%s", [table, object_type])
	msg := sprintf("%s must be 0 or more, got %v", [key, x])
}

deny contains lib.setting_violation("settings.risk", "estimates.riskTB", msg) if {
	r := s.estimates.riskTB
	r.medium >= r.high
	msg := sprintf("estimates.riskTB.medium (%v) must be below estimates.riskTB.high (%v)", [r.medium, r.high])
}

deny contains lib.setting_violation("settings.risk", "estimates.riskTB", msg) if {
	some level in ["medium", "high"]
	s.estimates.riskTB[level] < 0
	msg := sprintf("estimates.riskTB.%s must be 0 or more", [level])
}

deny contains lib.setting_violation("settings.limits", key, msg) if {
	some name, limit in s.limits
	limit < 1
	key := sprintf("limits.%s", [name])
	msg := sprintf("%s must be 1 or more, got %d", [key, limit])
}

# The settings file sits in the directory it limits, so the same pull
# request could raise the limits: they stop at a ceiling.
deny contains lib.setting_violation("settings.limits", key, msg) if {
	some name, limit in s.limits
	ceiling := data.retainctl.limitCeiling[name]
	limit > ceiling
	key := sprintf("limits.%s", [name])
	msg := sprintf("%s may be at most %d, got %d", [key, ceiling, limit])
}

deny contains lib.setting_violation("settings.waiver-max-days", "waiverMaxDays", msg) if {
	not in_range(s.waiverMaxDays, 3650)
	msg := sprintf("waiverMaxDays %v must be a whole number of days from 1 to 3650", [s.waiverMaxDays])
}

# The api block is checked here too, so that validate flags a bad value
# before any command tries to connect with it.
deny contains lib.setting_violation("settings.api", key, msg) if {
	some name, ceiling in data.retainctl.apiCeiling
	x := s.api[name]
	not in_range(x, ceiling)
	key := sprintf("api.%s", [name])
	msg := sprintf("%s %v must be a whole number from 1 to %d", [key, x, ceiling])
}

deny contains lib.setting_violation("settings.organisation", "organisation", msg) if {
	s.organisation
	count({k | some k in ["region", "apiUrl"]; object.get(org, k, "") != ""}) != 1
	msg := "organisation names exactly one of region (such as eu-west-1) or apiUrl"
}

deny contains lib.setting_violation("settings.organisation", key, msg) if {
	some name in ["clientIdEnv", "clientSecretEnv"]
	env := object.get(org, ["credentials", name], "")
	env != ""
	not regex.match(`^[A-Za-z_][A-Za-z0-9_]*$`, env)
	key := sprintf("organisation.credentials.%s", [name])
	msg := sprintf("%s %q is not an environment variable name", [key, env])
}

deny contains lib.setting_violation("settings.organisation", key, msg) if {
	some name in ["clientIdEnv", "clientSecretEnv"]
	env := upper(object.get(org, ["credentials", name], ""))
	some prefix in ["GITHUB_", "ACTIONS_", "RUNNER_", "RETAINCTL_"]
	startswith(env, prefix)
	key := sprintf("organisation.credentials.%s", [name])
	msg := sprintf("%s %s holds another secret (the CI's or retainctl's own): name the variables of the organisation's own OAuth client", [key, env])
}

# Credentials travel to apiUrl: https, or a simulator on this machine.
deny contains lib.setting_violation("settings.organisation", "organisation.apiUrl", msg) if {
	url := object.get(org, "apiUrl", "")
	url != ""
	not startswith(url, "https://")
	not regex.match(`^http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]+)?/?$`, url)
	msg := sprintf("organisation.apiUrl %q must be https: credentials are sent to it", [url])
}

deny contains lib.setting_violation("settings.organisation", "organisation.credentials", msg) if {
	creds := object.get(org, "credentials", {})
	count({k | some k in ["clientIdEnv", "clientSecretEnv"]; object.get(creds, k, "") != ""}) == 1
	msg := "organisation.credentials names both clientIdEnv and clientSecretEnv, or neither"
}

# Organisations of one repository must not share an audit log: the chain
# and enforce's memory of past runs are each organisation's own.
deny contains lib.setting_violation("settings.organisation", "organisation", msg) if {
	s.organisation
	not s.lines["audit.log"]
	msg := "an organisation of a repository of several keeps its own audit log: set audit.log, such as audit/<organisation>/retainctl-audit.jsonl"
}

org := object.get(s, "organisation", {})

in_range(x, ceiling) if {
	lib.positive_int(x)
	x <= ceiling
}
