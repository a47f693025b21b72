package github

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/render"
)

// A 300-change plan with 185 warnings, its destructive changes last by
// name: cut to fit a comment, it still shows every destructive change,
// the whole changes table and the storage line; the details are cut.
func TestBigPlanCommentKeepsWhatDecidesTheReview(t *testing.T) {
	var was, now []policy.Policy
	for i := range 300 {
		name := fmt.Sprintf("Queue %03d - a policy name long enough to weigh", i)
		days := policy.Retention(90)
		was = append(was, pol(name, "call", days))
		if i >= 290 {
			days = 30 // destructive: shorter
		} else {
			days = 120
		}
		d := pol(name, "call", days)
		d.Description = strings.Repeat("Kept for the quality team's reviews. ", 8)
		now = append(now, d)
	}
	p := planOf(t, now, orgOf(was...))
	for i := range 185 {
		p.Violations = append(p.Violations, policy.Violation{Rule: "schedule.day-of-month", Severity: policy.Warn,
			Message: "dayOfMonth 31 runs on the last day of shorter months", File: "policies/q.yaml", Line: i + 1, Policy: fmt.Sprint("Queue ", i)})
	}
	warnings := 0 // the 185 above, and what the plan warns of itself (coverage gaps)
	for _, v := range p.Violations {
		if v.Severity == policy.Warn {
			warnings++
		}
	}
	md := render.Markdown(p)
	if utf8.RuneCountInString(md) <= commentLimit {
		t.Fatalf("the plan has %d characters: too small to test the cut", utf8.RuneCountInString(md))
	}
	f, c := newTestClient(t)
	res, err := c.PostPlan(context.Background(), PlanCommentOf(1, p, md))
	if err != nil || !res.Truncated {
		t.Fatalf("%+v, %v", res, err)
	}
	body := f.commentsOf(1)[0].Body
	for _, want := range []string{
		"**10 destructive change(s)**", "**Queue 299 - a policy name long enough to weigh** (update)",
		"| 🔴 | Queue 299", "| 🟢 | Queue 289", "storage level **", fmt.Sprintf("… and %d more warning(s)", warnings-20), "[the workflow run](https://github.com/acme/policies/actions/runs/4242)",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the cut comment lacks %q", want)
		}
	}
	if strings.Index(body, "storage level") > strings.Index(body, "### Warnings") {
		t.Error("the warnings come before the storage line")
	}
	if n := strings.Count(body, "<details><summary>"); n >= 300 {
		t.Errorf("%d details kept: nothing was cut", n)
	}
	if got := plan.Items(p); len(got) != 301 || !strings.Contains(body, got[300]) {
		t.Error("the marker does not list the plan's items")
	}
}
