package github

import (
	"context"
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
		PR: pr, Markdown: markdown, Fingerprint: p.Fingerprint,
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

// MergedPR is the pull request merged as a push's commit: the plan
// approved on it is the only one apply may carry out, and the result goes
// back on it.
type MergedPR struct {
	client *Client
	number int
}

// MergedPR finds the merged pull request of the pushed commit (GITHUB_SHA).
func (c *Client) MergedPR(ctx context.Context) (*MergedPR, error) {
	n, err := c.FindMergedPR(ctx, c.env.SHA)
	if err != nil {
		return nil, err
	}
	return &MergedPR{client: c, number: n}, nil
}

// Approve refuses a plan other than the one approved on the pull request.
func (m *MergedPR) Approve(ctx context.Context, p plan.Plan) error {
	reviewed, err := m.client.ReviewedFingerprint(ctx, m.number)
	if err == nil {
		err = CheckFingerprint(reviewed, p.Fingerprint)
	}
	if err != nil {
		return fmt.Errorf("pull request #%d: %w", m.number, err)
	}
	return nil
}

// Report posts an apply's result, rendered as markdown, as a new comment
// on the pull request and in the job summary.
func (m *MergedPR) Report(ctx context.Context, markdown string) error {
	if err := WriteStepSummary(m.client.env.StepSummary, markdown); err != nil {
		return err
	}
	_, err := m.client.PostApplyResult(ctx, m.number, markdown)
	return err
}
