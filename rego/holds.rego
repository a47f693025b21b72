# Legal holds (holds/*.yaml): each names its matter, owner, reason and the
# day it must be reviewed by, and a hold past that day blocks the plan.
package retainctl.rules.holds

import data.retainctl.lib

deny contains lib.violation_at("hold.required", h, field, msg) if {
	some h in input.holds
	some field in ["name", "owner", "reason", "reviewBy"]
	h[field] == ""
	msg := sprintf("%s is required: a hold says what matter it serves, who owns it, why, and when it is reviewed", [field])
}

deny contains lib.violation_at("hold.review-by", h, "reviewBy", msg) if {
	some h in input.holds
	h.reviewBy != ""
	not is_date(h.reviewBy)
	msg := sprintf("reviewBy %q is not a date: write it as 2027-06-30", [h.reviewBy])
}

# No hold is forgotten: once its review day has passed, someone renews it
# (a later reviewBy) or releases it.
deny contains lib.violation_at("hold.overdue", h, "reviewBy", msg) if {
	some h in input.holds
	not h.released
	is_date(h.reviewBy)
	h.reviewBy < input.today
	msg := sprintf("hold %q was due for review on %s (today is %s): renew it with a later reviewBy, with its owner's sign-off, or release it with released: true", [h.name, h.reviewBy, input.today])
}

deny contains lib.violation_at("hold.conversations", h, "conversations", msg) if {
	msg := "write either conversations or conversationsFile, not both"
	some h in input.holds
	h.inline
	h.conversationsFile != ""
}

deny contains lib.violation_at("hold.conversations", h, "conversations", msg) if {
	msg := "a hold names its conversations: list their ids under conversations, or name a file of ids (one per line) in conversationsFile"
	some h in input.holds
	h.conversations == 0
	not h.inline
	h.conversationsFile == ""
}

is_date(s) if {
	_ := time.parse_ns("2006-01-02", s)
}
