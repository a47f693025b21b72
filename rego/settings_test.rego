package retainctl.rules.settings_test

import data.retainctl.rules.settings

good := {
	"file": "retainctl.yaml",
	"lines": {"conflicts.strategy": 4, "estimates.riskTB": 9, "audit.log": 12},
	"licenseTier": "ENTERPRISE",
	"conflicts": {"strategy": "merge-max", "windowDays": 15},
	"estimates": {"dailyVolumeGB": {"call": 2.5}, "multipliers": {"chat": 1}, "riskTB": {"medium": 20, "high": 50}},
}

denied(s) := {v.rule | some v in settings.deny with input as {"settings": s}}

test_defaults_pass if {
	count(denied(good)) == 0
}

test_strategy_points_at_its_line if {
	some v in settings.deny with input as {"settings": object.union(good, {"conflicts": {"strategy": "max", "windowDays": 15}})}
	v.rule == "settings.strategy"
	v.line == 4
	v.file == "retainctl.yaml"
}

test_window if {
	denied(object.union(good, {"conflicts": {"strategy": "fail", "windowDays": -1}})) == {"settings.window"}
}

test_license_tier if {
	denied(object.union(good, {"licenseTier": "PREMIUM"})) == {"settings.license-tier"}
}

test_estimates if {
	denied(object.union(good, {"estimates": {"dailyVolumeGB": {"fax": 1}}})) == {"settings.estimates"}
	denied(object.union(good, {"estimates": {"multipliers": {"call": -1}}})) == {"settings.estimates"}
}

test_risk_thresholds if {
	denied(object.union(good, {"estimates": {"riskTB": {"medium": 50, "high": 50}}})) == {"settings.risk"}
}

test_missing_line_falls_back_to_first if {
	some v in settings.deny with input as {"settings": object.union(good, {"licenseTier": "X"})}
	v.line == 1
}

test_limits if {
	count(denied(object.union(good, {"limits": {"maxFiles": 10, "maxBytes": 1000, "maxPolicies": 5}}))) == 0
	denied(object.union(good, {"limits": {"maxFiles": 0, "maxBytes": 1000, "maxPolicies": 5}})) == {"settings.limits"}
	denied(object.union(good, {"limits": {"maxFiles": 10, "maxBytes": 1e12, "maxPolicies": 5}})) == {"settings.limits"}
}

test_waiver_max_days if {
	denied(object.union(good, {"waiverMaxDays": 365})) == set()
	denied(object.union(good, {"waiverMaxDays": 0})) == {"settings.waiver-max-days"}
	denied(object.union(good, {"waiverMaxDays": 4000})) == {"settings.waiver-max-days"}
}

test_api_block if {
	denied(object.union(good, {"api": {"requestsPerMinute": 300, "tokenPool": 1}})) == set()
	denied(object.union(good, {"api": {"requestsPerMinute": 0, "tokenPool": 1}})) == {"settings.api"}
	denied(object.union(good, {"api": {"requestsPerMinute": 300, "tokenPool": 21}})) == {"settings.api"}
}

test_organisation_needs_its_own_log if {
	denied(object.union(json.remove(good, ["lines/audit.log"]), {"organisation": {"region": "eu-west-1"}})) == {"settings.organisation"}
}

test_organisation if {
	denied(object.union(good, {"organisation": {"region": "eu-west-1", "credentials": {"clientIdEnv": "EU_ID", "clientSecretEnv": "EU_SECRET"}}})) == set()
	denied(object.union(good, {"organisation": {"apiUrl": "https://api.example.com"}})) == set()
	denied(object.union(good, {"organisation": {"region": "eu-west-1", "apiUrl": "https://api.example.com"}})) == {"settings.organisation"}
	denied(object.union(good, {"organisation": {"credentials": {}}})) == {"settings.organisation"}
	denied(object.union(good, {"organisation": {"region": "eu-west-1", "credentials": {"clientIdEnv": "EU-ID", "clientSecretEnv": "S"}}})) == {"settings.organisation"}
	denied(object.union(good, {"organisation": {"region": "eu-west-1", "credentials": {"clientIdEnv": "EU_ID"}}})) == {"settings.organisation"}
	denied(object.union(good, {"organisation": {"region": "eu-west-1", "credentials": {"clientIdEnv": "EU_ID", "clientSecretEnv": "github_token"}}})) == {"settings.organisation"}
	denied(object.union(good, {"organisation": {"apiUrl": "http://api.mypurecloud.ie"}})) == {"settings.organisation"}
}
