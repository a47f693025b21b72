package retainctl.rules.holds_test

import data.retainctl.rules.holds

good := {
	"name": "ACME",
	"owner": "legal@example.com",
	"reason": "litigation",
	"reviewBy": "2027-06-30",
	"released": false,
	"conversations": 2,
	"conversationsFile": "",
	"inline": true,
	"file": "holds/acme.yaml",
	"line": 1,
}

denied(h, today) := {v.rule | some v in holds.deny with input as {"holds": [h], "today": today}}

test_good_hold_passes if {
	count(denied(good, "2026-12-01")) == 0
}

test_review_day_itself_is_in_time if {
	count(denied(good, "2027-06-30")) == 0
}

test_overdue_hold_is_denied if {
	denied(good, "2027-07-01") == {"hold.overdue"}
}

test_released_hold_is_never_overdue if {
	count(denied(object.union(good, {"released": true}), "2030-01-01")) == 0
}

test_required_fields if {
	some field in ["name", "owner", "reason"]
	"hold.required" in denied(object.union(good, {field: ""}), "2026-12-01")
}

test_review_by_must_be_a_date if {
	denied(object.union(good, {"reviewBy": "next spring"}), "2026-12-01") == {"hold.review-by"}
	denied(object.union(good, {"reviewBy": "2027-02-30"}), "2026-12-01") == {"hold.review-by"}
}

test_conversations_one_way if {
	denied(object.union(good, {"conversationsFile": "ids.txt"}), "2026-12-01") == {"hold.conversations"}
	denied(object.union(good, {"inline": false, "conversations": 0}), "2026-12-01") == {"hold.conversations"}
	count(denied(object.union(good, {"inline": false, "conversationsFile": "ids.txt"}), "2026-12-01")) == 0
}
