package github

import (
	"context"
	"fmt"
	"slices"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/retainctl/retainctl/reconcile/audit"
)

// Approvers lists the reviewers whose latest decisive review of pull
// request pr approves it, by login. A comment does not change a
// reviewer's decision; a later request for changes or a dismissal undoes
// an approval. Reviews are read from every page.
func (c *Client) Approvers(ctx context.Context, pr int) ([]audit.Reviewer, error) {
	latest := map[string]*gh.PullRequestReview{}
	var order []string
	err := forEachPage(func(lo gh.ListOptions) (*gh.Response, error) {
		reviews, resp, err := c.api.PullRequests.ListReviews(ctx, c.env.Owner, c.env.Repo, pr, &lo)
		for _, r := range reviews {
			login := r.GetUser().GetLogin()
			switch r.GetState() {
			case "APPROVED", "CHANGES_REQUESTED", "DISMISSED":
			default:
				continue
			}
			if login == "" {
				continue
			}
			if _, seen := latest[login]; !seen {
				order = append(order, login)
			}
			if prev := latest[login]; prev == nil || !r.GetSubmittedAt().Before(prev.GetSubmittedAt().Time) {
				latest[login] = r
			}
		}
		return resp, err
	})
	if err != nil {
		return nil, fmt.Errorf("github: listing the reviews of pull request #%d: %w", pr, err)
	}
	var out []audit.Reviewer
	for _, login := range order {
		r := latest[login]
		if r.GetState() != "APPROVED" {
			continue
		}
		out = append(out, audit.Reviewer{Login: login, SubmittedAt: r.GetSubmittedAt().UTC(), Commit: r.GetCommitID()})
	}
	slices.SortFunc(out, func(a, b audit.Reviewer) int { return strings.Compare(a.Login, b.Login) })
	return out, nil
}

// Provenance says where an apply's changes come from: the merged pull
// request, its merge commit (the pushed commit), the reviewers who approved
// it and the plan fingerprint recorded on it.
func (m *MergedPR) Provenance(ctx context.Context) (audit.Provenance, error) {
	approvers, err := m.client.Approvers(ctx, m.number)
	if err != nil {
		return audit.Provenance{}, err
	}
	fingerprint, err := m.client.ReviewedFingerprint(ctx, m.number)
	if err != nil {
		return audit.Provenance{}, fmt.Errorf("pull request #%d: %w", m.number, err)
	}
	return audit.Provenance{Approval: audit.ApprovedOnPullRequest, PullRequest: m.number,
		MergeCommit: m.client.env.SHA, Approvers: approvers, PlanFingerprint: fingerprint}, nil
}
