# Helpers shared by the rules; custom modules may import them too.
package retainctl.lib

# violation is the object every policy rule reports, at the policy's line.
violation(rule, p, msg) := {"rule": rule, "msg": msg, "policy": p.name, "file": p.file, "line": p.line}

# violation_at reports at the line of key ("retentionPeriod",
# "schedule.dayOfWeek", "filters[1].value"), or the policy's when the key
# is not written: retainctl resolves the key to its line.
violation_at(rule, p, key, msg) := {"rule": rule, "msg": msg, "policy": p.name, "file": p.file, "line": p.line, "key": key}

# setting_violation points at the line of a key in the settings file.
setting_violation(rule, key, msg) := {
	"rule": rule,
	"msg": msg,
	"policy": "",
	"file": input.settings.file,
	"line": object.get(input.settings.lines, key, 1),
}

object_types := {t | some t in data.retainctl.objectTypes}

positive_int(x) if {
	is_number(x)
	x > 0
	x == floor(x)
}
