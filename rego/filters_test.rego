package retainctl.rules.filters_test

import data.retainctl.rules.filters

with_filters(t, fs) := {"name": "P", "objectType": t, "retentionPeriod": 90, "file": "p.yaml", "line": 1, "filters": fs}

denied(t, fs) := {v.rule | some v in filters.deny with input as {"policies": [with_filters(t, fs)]}}

test_valid_filters if {
	count(denied("call", [
		{"attribute": "direction", "operator": "EQ", "value": "INBOUND"},
		{"attribute": "queue", "operator": "IN", "value": ["q1", "q2"]},
		{"attribute": "duration", "operator": "BETWEEN", "value": [10, 600]},
		{"attribute": "dateRange", "operator": "IN", "value": ["2024-01-01T00:00:00Z/2024-06-30T23:59:59Z"]},
		{"attribute": "language", "operator": "EQ", "value": "l1"},
	])) == 0
	count(denied("email", [{"attribute": "customerParticipation", "operator": "EQ", "value": "YES"}])) == 0
	count(denied("interaction", [{"attribute": "direction", "operator": "IN", "value": ["OUTBOUND"]}])) == 0
}

test_unknown_attribute if {
	denied("call", [{"attribute": "skill", "operator": "EQ", "value": "x"}]) == {"filter.attribute"}
}

test_attribute_not_for_object_type if {
	denied("chat", [{"attribute": "direction", "operator": "EQ", "value": "INBOUND"}]) == {"filter.object-type"}
	denied("interaction", [{"attribute": "language", "operator": "EQ", "value": "l1"}]) == {"filter.object-type"}
	denied("call", [{"attribute": "customerParticipation", "operator": "EQ", "value": "NO"}]) == {"filter.object-type"}
	denied("email", [{"attribute": "duration", "operator": "OVER", "value": 5}]) == {"filter.object-type"}
}

test_object_type_message_names_supported_types if {
	some v in filters.deny with input as {"policies": [with_filters("chat", [{"attribute": "direction", "operator": "EQ", "value": "INBOUND"}])]}
	contains(v.msg, "call, interaction")
}

test_operators if {
	denied("call", [{"attribute": "queue", "operator": "NOT", "value": "q"}]) == {"filter.operator"}
	denied("email", [{"attribute": "customerParticipation", "operator": "IN", "value": ["YES"]}]) == {"filter.operator"}
}

test_values if {
	denied("call", [{"attribute": "direction", "operator": "EQ", "value": "inbound"}]) == {"filter.value"}
	denied("call", [{"attribute": "queue", "operator": "EQ", "value": ["q"]}]) == {"filter.value"}
	denied("call", [{"attribute": "queue", "operator": "IN", "value": []}]) == {"filter.value"}
	denied("call", [{"attribute": "queue", "operator": "IN", "value": "q"}]) == {"filter.value"}
	denied("call", [{"attribute": "user", "operator": "IN", "value": ["u", ""]}]) == {"filter.value"}
	denied("call", [{"attribute": "team", "operator": "EQ", "value": 5}]) == {"filter.value"}
}

test_duration_values if {
	denied("call", [{"attribute": "duration", "operator": "OVER", "value": 0}]) == {"filter.value"}
	denied("call", [{"attribute": "duration", "operator": "UNDER", "value": 1.5}]) == {"filter.value"}
	denied("call", [{"attribute": "duration", "operator": "BETWEEN", "value": [60, 60]}]) == {"filter.value"}
	denied("call", [{"attribute": "duration", "operator": "BETWEEN", "value": [1]}]) == {"filter.value"}
	denied("call", [{"attribute": "duration", "operator": "OVER", "value": ""}]) == {"filter.value"}
	count(denied("call", [{"attribute": "duration", "operator": "OVER", "value": "PT5M", "durationOperator": "GT"}])) == 0
	count(denied("call", [{"attribute": "duration", "operator": "BETWEEN", "value": "PT1M/PT5M"}])) == 0
	denied("call", [{"attribute": "queue", "operator": "EQ", "value": "q", "durationOperator": "GT"}]) == {"filter.duration-operator"}
	count(denied("chat", [{"attribute": "duration", "operator": "UNDER", "value": 30}])) == 0
}

test_date_ranges if {
	denied("call", [{"attribute": "dateRange", "operator": "EQ", "value": "2024-01-01/2024-02-01"}]) == {"filter.value"}
	denied("call", [{"attribute": "dateRange", "operator": "EQ", "value": "2024-02-01T00:00:00Z/2024-01-01T00:00:00Z"}]) == {"filter.value"}
	denied("call", [{"attribute": "dateRange", "operator": "EQ", "value": "2024-02-01T00:00:00Z"}]) == {"filter.value"}
}

# The fast path: valid filters are not even looked at by the rules.
test_valid_filters_are_not_suspect if {
	count(filters.suspect) == 0 with input as {"policies": [with_filters("call", [
		{"attribute": "direction", "operator": "IN", "value": ["INBOUND", "OUTBOUND"]},
		{"attribute": "queue", "operator": "EQ", "value": "q1"},
		{"attribute": "duration", "operator": "BETWEEN", "value": [10, 600]},
	])]}
}

test_names_and_prefixed_values if {
	every ok in ["Collections", "name:Collections EU", "id:5b7b5a0e-0d4e-4c2b-9a51-4a1f2c3d4e01"] {
		count(denied("call", [{"attribute": "queue", "operator": "EQ", "value": ok}])) == 0
	}
}

test_bare_prefix_is_denied if {
	every bad in ["name:", "id: "] {
		msgs := {v.msg | some v in filters.deny with input as {"policies": [with_filters("call", [{"attribute": "queue", "operator": "EQ", "value": bad}])]}}
		count({m | some m in msgs; contains(m, "names nothing")}) == 1
	}
}
