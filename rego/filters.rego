# Filters: the attribute table lives in data.json (data.retainctl.filters)
# and is the contract of the plan's mapping onto Genesys conditions.
package retainctl.rules.filters

import data.retainctl.lib

specs := data.retainctl.filters

attribute_names := concat(", ", sort(object.keys(specs)))

# suspect holds each policy's filters that fail the cheap check below; the
# rules that say what is wrong look only at these, which keeps a large,
# valid repository fast (a filter is visited once, not once per rule).
#
# The tables are read once, before the loop (see policy.rego), and valid
# takes the policy's objectType, all it needs of the policy, with the filter
# last: OPA caches each call by its arguments, one level per argument, and
# this order keeps a filter to one new entry. The objectType is read with
# object.get: an argument is evaluated before the negation, and a missing
# one must leave the filters suspect, not skip them.
suspect contains [p, i, f] if {
	# regal ignore:pointless-reassignment
	table := allowed

	# regal ignore:pointless-reassignment
	attributes := specs
	some p in input.policies
	object_type := p.objectType
	some i, f in p.filters
	not valid(table, attributes, object_type, f)
}

# at is where the filter's key is written.
at(i, k) := sprintf("filters[%d].%s", [i, k])

# valid is written once for each case of duration_operator_allowed, so
# that the usual filter costs no call for it, and the usual EQ filter of an
# id (valid_item's first case) is checked without a call at all.
valid(table, attributes, object_type, f) if {
	not f.durationOperator
	f.operator == "EQ"
	table[f.attribute][object_type].EQ
	attributes[f.attribute].kind == "id"
	x := f.value
	is_string(x)
	x != ""
	not strings.any_prefix_match(x, ["id:", "name:"])
}

valid(table, attributes, object_type, f) if {
	not f.durationOperator
	f.operator == "EQ"
	table[f.attribute][object_type].EQ
	spec := attributes[f.attribute]
	valid_item(spec.kind, spec, f.value)
}

valid(table, attributes, object_type, f) if {
	not f.durationOperator
	table[f.attribute][object_type][f.operator]
	spec := attributes[f.attribute]
	valid_value(f.operator, spec.kind, spec, f.value)
}

valid(table, attributes, object_type, f) if {
	f.attribute == "duration"
	table[f.attribute][object_type][f.operator]
	spec := attributes[f.attribute]
	valid_value(f.operator, spec.kind, spec, f.value)
}

duration_operator_allowed(f) if f.attribute == "duration"

duration_operator_allowed(f) if not f.durationOperator

# allowed[attribute][objectType] is the set of operators the filter table
# permits: one value, built once per evaluation, indexed per filter. An
# object rule would be evaluated again for each lookup, hence the comprehension.
# regal ignore:prefer-set-or-object-rule
allowed := {attr: {t: {op | some op in spec.operators} | some t in spec.objectTypes} | some attr, spec in specs}

# valid_value and valid_item take the operator and the kind first, so that
# OPA's rule index picks the one matching definition.
valid_value("EQ", kind, spec, v) if valid_item(kind, spec, v)

valid_value("IN", kind, spec, v) if {
	non_empty_array(v)
	every x in v {
		valid_item(kind, spec, x)
	}
}

# A duration is whole seconds (retainctl's form) or Genesys' own
# durationRange text, carried verbatim: Genesys documents no format for it.
valid_value("OVER", _, _, v) if valid_duration(v)

valid_value("UNDER", _, _, v) if valid_duration(v)

valid_value("BETWEEN", _, _, v) if valid_between(v)

valid_value("BETWEEN", _, _, v) if non_empty_string(v)

valid_duration(v) if lib.positive_int(v)

valid_duration(v) if non_empty_string(v)

# An id filter takes ids or names (resolved against the organisation at
# plan time); "id:" and "name:" say which where a value could be read
# either way, and must be followed by one.
# The usual id starts with neither prefix, which one built-in tells, and
# bare_prefix is called only for one that does.
valid_item("id", _, x) if {
	is_string(x)
	x != ""
	not strings.any_prefix_match(x, ["id:", "name:"])
}

valid_item("id", _, x) if {
	is_string(x)
	strings.any_prefix_match(x, ["id:", "name:"])
	not bare_prefix(x)
}

valid_item("enum", spec, x) if x in spec.values

valid_item("interval", _, x) if valid_interval(x)

bare_prefix(x) if {
	some prefix in ["id:", "name:"]
	startswith(x, prefix)
	trim_space(trim_prefix(x, prefix)) == ""
}

deny contains lib.violation_at("filter.attribute", p, at(i, "attribute"), msg) if {
	some [p, i, f] in suspect
	not specs[f.attribute]
	msg := sprintf("filter attribute %q must be one of %s", [f.attribute, attribute_names])
}

deny contains lib.violation_at("filter.object-type", p, at(i, "attribute"), msg) if {
	some [p, i, f] in suspect
	p.objectType in lib.object_types
	spec := specs[f.attribute]
	not p.objectType in spec.objectTypes
	msg := sprintf(
		"filter %s does not apply to objectType %s (Genesys has no such condition for it); %s is supported by %s",
		[f.attribute, p.objectType, f.attribute, concat(", ", spec.objectTypes)],
	)
}

deny contains lib.violation_at("filter.duration-operator", p, at(i, "durationOperator"), msg) if {
	some [p, i, f] in suspect
	not duration_operator_allowed(f)
	msg := sprintf("durationOperator belongs to duration filters only, not %s: remove it", [f.attribute])
}

deny contains lib.violation_at("filter.operator", p, at(i, "operator"), msg) if {
	some [p, i, f] in suspect
	spec := specs[f.attribute]
	not f.operator in spec.operators
	msg := sprintf("filter %s: operator %q must be one of %s", [f.attribute, f.operator, concat(", ", spec.operators)])
}

deny contains lib.violation_at("filter.value", p, at(i, "value"), sprintf("filter %s: %s", [f.attribute, problem])) if {
	some [p, i, f] in suspect
	spec := specs[f.attribute]
	f.operator in spec.operators
	some problem in value_problems(spec, f)
}

# value_problems lists what is wrong with a filter's value for its operator.
value_problems(_, f) := {"EQ takes one value: use IN for a list"} if {
	f.operator == "EQ"
	is_array(f.value)
}

value_problems(spec, f) := {msg | some msg in item_problem(spec, f.value)} if {
	f.operator == "EQ"
	not is_array(f.value)
}

value_problems(_, f) := {"IN takes a non-empty list of values"} if {
	f.operator == "IN"
	not non_empty_array(f.value)
}

value_problems(spec, f) := {msg | some x in f.value; some msg in item_problem(spec, x)} if {
	f.operator == "IN"
	non_empty_array(f.value)
}

value_problems(_, f) := {msg} if {
	f.operator in {"OVER", "UNDER"}
	not valid_duration(f.value)
	msg := sprintf("%s takes a positive whole number of seconds or Genesys' durationRange text, got %v", [f.operator, f.value])
}

value_problems(_, f) := {msg} if {
	f.operator == "BETWEEN"
	not valid_between(f.value)
	not non_empty_string(f.value)
	msg := sprintf("BETWEEN takes [min, max] seconds (positive whole numbers, min < max) or Genesys' durationRange text, got %v", [f.value])
}

non_empty_array(x) if {
	is_array(x)
	count(x) > 0
}

valid_between(v) if {
	is_array(v)
	count(v) == 2
	lib.positive_int(v[0])
	lib.positive_int(v[1])
	v[0] < v[1]
}

item_problem(spec, x) := {sprintf("%v is not an id or a name (a non-empty string)", [x])} if {
	spec.kind == "id"
	not non_empty_string(x)
}

item_problem(spec, x) := {sprintf("%q names nothing: write the id or the name after the prefix", [x])} if {
	spec.kind == "id"
	bare_prefix(x)
}

item_problem(spec, x) := {sprintf("%v must be one of %s", [x, concat(", ", spec.values)])} if {
	spec.kind == "enum"
	not x in spec.values
}

item_problem(spec, x) := {sprintf("%v is not an interval start/end of two RFC 3339 times with start before end", [x])} if {
	spec.kind == "interval"
	not valid_interval(x)
}

non_empty_string(x) if {
	is_string(x)
	x != ""
}

valid_interval(x) if {
	is_string(x)
	parts := split(x, "/")
	count(parts) == 2
	time.parse_rfc3339_ns(parts[0]) < time.parse_rfc3339_ns(parts[1])
}
