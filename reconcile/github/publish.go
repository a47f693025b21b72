package github

import (
	"fmt"

	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// PlanCommentOf is what the sticky comment of pull request pr says about
// p, rendered as markdown.
func PlanCommentOf(pr int, p plan.Plan, markdown string) PlanComment {
	s := p.Summary
	blocked := false
	for _, v := range p.Violations {
		blocked = blocked || v.Severity == policy.Deny
	}
	return PlanComment{
		PR: pr, Markdown: markdown, Fingerprint: p.Fingerprint, Items: plan.Items(p),
		Counts:      Counts{Create: s.Create, Update: s.Update, Delete: s.Delete, Adopt: s.Adopt, Noop: s.Noop},
		Destructive: p.HasDestructive(),
		Blocked:     blocked,
	}
}

// Notes says, for the job log, what became of a plan comment.
func (r Result) Notes() []string {
	if r.Skipped != "" {
		return []string{r.Skipped + "; the plan is in the job summary"}
	}
	notes := []string{fmt.Sprintf("plan comment %s: %s", r.Action, r.URL)}
	if r.Truncated {
		notes = append(notes, "the comment was cut to fit GitHub's limit; the full plan is in the job summary")
	}
	if r.LabelSkipped != "" {
		notes = append(notes, r.LabelSkipped)
	}
	return notes
}
