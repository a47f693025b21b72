package validate

import (
	"fmt"
	"path"
	"time"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// Waive applies the settings' waivers to the findings as of now: a deny a
// running waiver covers becomes a waived finding that names the waiver; a
// deny whose waiver has run out stays, and says since when. A waiver that
// is itself wrong (no owner, no expiry, too long, for a rule that may not
// be waived) waives nothing and is a deny of its own, at its line.
func Waive(vs []Violation, s policy.Settings, now time.Time) []Violation {
	today := policy.Day(now)
	var valid []policy.Waiver
	for i, w := range s.Waivers {
		if bad := waiverProblem(w, s.WaiverMaxDays, today); bad != "" {
			vs = append(vs, Violation{Rule: "waiver.invalid", Severity: Deny, File: s.Source.File, Line: waiverLine(s, i),
				Message: fmt.Sprintf("waiver %d (rule %q, policy %q): %s", i+1, w.Rule, w.Policy, bad)})
			continue
		}
		valid = append(valid, w)
	}
	for i, v := range vs {
		if v.Severity != Deny || policy.Unwaivable(v.Rule) {
			continue
		}
		vs[i] = waive(v, valid, today)
	}
	return vs
}

// waive returns v waived by the first running waiver that covers it, or v
// noting the latest waiver that covered it and has run out.
func waive(v Violation, ws []policy.Waiver, today time.Time) Violation {
	var expired *policy.Waiver
	var lastDay time.Time
	for _, w := range ws {
		if !w.Covers(v.Rule, v.Policy) {
			continue
		}
		ends, _ := w.Ends() // valid waivers have a date
		if !today.After(ends) {
			v.Severity, v.Waiver = policy.Waived, &w
			return v
		}
		if expired == nil || ends.After(lastDay) {
			expired, lastDay = &w, ends
		}
	}
	if expired != nil {
		v.Message += fmt.Sprintf(" (waiver expired on %s; owner %s)", expired.Expires, expired.Owner)
	}
	return v
}

// waiverProblem says what is wrong with w, or "" when nothing is.
func waiverProblem(w policy.Waiver, maxDays int, today time.Time) string {
	ends, ok := w.Ends()
	switch {
	case w.Rule == "" || w.Policy == "":
		return "rule and policy are required: the rule id, and the policy name or a glob of names it covers"
	case policy.Unwaivable(w.Rule):
		return fmt.Sprintf("rule %s cannot be waived: fix what it reports", w.Rule)
	case w.Owner == "":
		return "owner is required: who answers for the exception"
	case w.Reason == "":
		return "reason is required: why the exception is needed"
	case w.Expires == "":
		return "expires is required: the last day the exception runs, such as 2027-06-30"
	case !ok:
		return fmt.Sprintf("expires %q is not a date: write it as 2027-06-30", w.Expires)
	case ends.Sub(today) > time.Duration(maxDays)*24*time.Hour:
		return fmt.Sprintf("expires %s is more than waiverMaxDays (%d) from today (%s): end it sooner, and renew it when it runs out", w.Expires, maxDays, today.Format(policy.DateLayout))
	}
	if _, err := path.Match(w.Policy, ""); err != nil {
		return fmt.Sprintf("policy %q is not a valid glob (write * for any characters, ? for one): %v", w.Policy, err)
	}
	return ""
}

// waiverLine is the line of the i-th waiver in the settings file.
func waiverLine(s policy.Settings, i int) int { return s.LineOf(fmt.Sprintf("waivers[%d]", i)) }

// WaiverCase is what one waiver does to a validation: the findings it
// waives, or what is wrong with it (invalid, expired, or covering no
// finding, so that dead exceptions do not linger).
type WaiverCase struct {
	Waiver  policy.Waiver
	Line    int
	Waived  int
	Problem string
}

// WaiverCases reports each of the settings' waivers against vs, the
// findings Waive returned at now.
func WaiverCases(s policy.Settings, vs []Violation, now time.Time) []WaiverCase {
	today := policy.Day(now)
	out := make([]WaiverCase, len(s.Waivers))
	for i, w := range s.Waivers {
		c := WaiverCase{Waiver: w, Line: waiverLine(s, i), Problem: waiverProblem(w, s.WaiverMaxDays, today)}
		for _, v := range vs {
			if v.Waiver != nil && *v.Waiver == w {
				c.Waived++
			}
		}
		if ends, ok := w.Ends(); c.Problem == "" && ok && today.After(ends) {
			c.Problem = "expired on " + string(w.Expires) + ": its findings are denies again; renew it with its owner's sign-off, or fix them"
		} else if c.Problem == "" && c.Waived == 0 {
			c.Problem = "covers no finding: the rule no longer fires on these policies; remove the waiver"
		}
		out[i] = c
	}
	return out
}
