package github

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v60/github"
)

// FindMergedPR returns the number of the merged pull request that produced
// commit sha (GITHUB_SHA of a push to main): the one whose merge commit is sha,
// or else the only merged pull request containing it.
func (c *Client) FindMergedPR(ctx context.Context, sha string) (int, error) {
	pr, err := c.findMerged(ctx, sha)
	return pr.GetNumber(), err
}

func (c *Client) findMerged(ctx context.Context, sha string) (*gh.PullRequest, error) {
	if sha == "" {
		return nil, fmt.Errorf("github: no commit to look up (GITHUB_SHA is empty)")
	}
	var merged []*gh.PullRequest
	err := forEachPage(func(lo gh.ListOptions) (*gh.Response, error) {
		prs, resp, err := c.api.PullRequests.ListPullRequestsWithCommit(ctx, c.env.Owner, c.env.Repo, sha, &lo)
		for _, pr := range prs {
			if pr.MergedAt != nil {
				merged = append(merged, pr)
			}
		}
		return resp, err
	})
	if err != nil {
		return nil, fmt.Errorf("github: listing pull requests of commit %s: %w", sha, err)
	}
	for _, pr := range merged {
		if pr.GetMergeCommitSHA() == sha {
			return pr, nil
		}
	}
	switch len(merged) {
	case 1:
		return merged[0], nil
	case 0:
		return nil, fmt.Errorf("commit %s did not come from a merged pull request: apply only runs changes reviewed in a pull request; revert the direct push and open a pull request instead", sha)
	}
	nums := make([]int, len(merged))
	for i, pr := range merged {
		nums[i] = pr.GetNumber()
	}
	return nil, fmt.Errorf("commit %s belongs to several merged pull requests %v and none has it as its merge commit: cannot tell which plan was reviewed", sha, nums)
}
