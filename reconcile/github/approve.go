package github

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/retainctl/retainctl/reconcile/plan"
)

// maxCarried bounds the recently merged pull requests an apply looks at
// for superseded approvals: one page of the newest closed ones.
const maxCarried = 30

// MergedPR is the pull request merged as a push's commit: the plan
// approved on it is what apply carries out, and the result goes back on
// it.
//
// Apply plans the whole of the merged main against the organisation, so a
// run also covers pull requests merged before it whose own apply run never
// ran: GitHub keeps one pending run per concurrency group and cancels the
// older pending one when another is queued. Such a run is accepted when
// every change it makes was approved, exactly as it stands, on this pull
// request or on one of those, each approved plan counting only whole;
// their pull requests are then told that this run applied them.
type MergedPR struct {
	client   *Client
	number   int
	base     string
	mergedAt time.Time
	// Mask hides secrets in what is posted (the cmd layer's masker);
	// nil posts text as it is.
	Mask func(string) string

	carried []int  // other pull requests whose approved plans this run applies
	note    string // what the result comment says first
}

// Number is the pull request's number.
func (m *MergedPR) Number() int { return m.number }

// Carried lists the pull requests whose approved changes this run applies
// besides its own, once Approve has accepted a plan.
func (m *MergedPR) Carried() []int { return m.carried }

// MergedPR finds the merged pull request of the pushed commit (GITHUB_SHA).
func (c *Client) MergedPR(ctx context.Context) (*MergedPR, error) {
	pr, err := c.findMerged(ctx, c.env.SHA)
	if err != nil {
		return nil, err
	}
	m := &MergedPR{client: c, number: pr.GetNumber(), base: pr.GetBase().GetRef()}
	if pr.MergedAt != nil {
		m.mergedAt = pr.MergedAt.Time
	}
	if m.base == "" && c.env.Event.Push != nil {
		m.base = strings.TrimPrefix(c.env.Event.Push.Ref, "refs/heads/")
	}
	return m, nil
}

// Approve accepts p, the plan of the merged main against the organisation,
// when reviewers approved it; otherwise it posts on the pull request why
// nothing was applied and what to do, and returns the same reason.
func (m *MergedPR) Approve(ctx context.Context, p plan.Plan) error {
	err := m.approve(ctx, p)
	if err == nil {
		return nil
	}
	err = fmt.Errorf("pull request #%d: %w", m.number, err)
	if perr := m.refused(ctx, err); perr != nil {
		err = errors.Join(err, fmt.Errorf("the refusal could not be posted on the pull request: %w", perr))
	}
	return err
}

func (m *MergedPR) approve(ctx context.Context, p plan.Plan) error {
	own, err := m.client.ReviewedPlan(ctx, m.number)
	if err != nil {
		return err
	}
	if own.Fingerprint == p.Fingerprint {
		return nil
	}
	if p.Summary.Changes() == 0 {
		// Nothing would change: the organisation is already what main
		// says. That needs no approval, and is not stale.
		m.note = fmt.Sprintf("Already applied: the organisation already matches main, so this run changed nothing. "+
			"The plan approved here (`%s`) was applied by an earlier run, or its changes were made some other way.", own.Fingerprint)
		return nil
	}
	fresh := plan.Items(p)
	approved := [][]string{own.Items}
	cands, lookErr := m.unapplied(ctx)
	for _, c := range cands {
		approved = append(approved, c.Items)
	}
	used, uncovered := plan.Cover(fresh, approved)
	if len(uncovered) == 0 && len(used) > 0 {
		for _, i := range used {
			if i > 0 {
				m.carried = append(m.carried, cands[i-1].number)
			}
		}
		return nil
	}
	names := plan.ItemNames(p)
	var moved []string
	for _, k := range uncovered {
		moved = append(moved, fmt.Sprintf("%s: not approved as it stands now, on this pull request or on a merged one still to apply", names[k]))
	}
	if len(own.Items) == 0 {
		moved = append(moved, "(the plan comment here records no item keys, so only the whole plan could match)")
	}
	if lookErr != nil {
		moved = append(moved, fmt.Sprintf("(could not look for merged pull requests whose apply was superseded: %v)", lookErr))
	}
	return &StalePlanError{PR: m.number, Reviewed: own.Fingerprint, Fresh: p.Fingerprint, Moved: moved}
}

type pendingPR struct {
	number int
	Reviewed
}

// unapplied returns the pull requests merged into the same branch no later
// than this one, newest first, with an approved plan and no apply result:
// those whose apply runs were superseded.
func (m *MergedPR) unapplied(ctx context.Context) ([]pendingPR, error) {
	if m.base == "" {
		return nil, errors.New("the base branch of the pull request is not known")
	}
	c := m.client
	prs, _, err := c.api.PullRequests.List(ctx, c.env.Owner, c.env.Repo, &gh.PullRequestListOptions{
		State: "closed", Base: m.base, Sort: "updated", Direction: "desc", ListOptions: gh.ListOptions{PerPage: maxCarried},
	})
	if err != nil {
		return nil, fmt.Errorf("github: listing the merged pull requests of %s: %w", m.base, err)
	}
	var out []pendingPR
	for _, pr := range prs {
		if pr.MergedAt == nil || pr.GetNumber() == m.number || (!m.mergedAt.IsZero() && pr.MergedAt.After(m.mergedAt)) {
			continue
		}
		r, err := c.ReviewedPlan(ctx, pr.GetNumber())
		if err != nil || r.Applied || len(r.Items) == 0 {
			continue
		}
		out = append(out, pendingPR{pr.GetNumber(), r})
	}
	return out, nil
}

func (m *MergedPR) mask(s string) string {
	if m.Mask == nil {
		return s
	}
	return m.Mask(s)
}

// refused posts why the apply was refused and the next step.
func (m *MergedPR) refused(ctx context.Context, why error) error {
	var sb strings.Builder
	sb.WriteString("## retainctl apply refused" + orgTitle(m.client.env.Org) + "\n\n**Nothing was changed.**")
	if u := m.client.env.RunURL(); u != "" {
		fmt.Fprintf(&sb, " See [the workflow run](%s).", u)
	}
	fmt.Fprintf(&sb, "\n\n```text\n%s\n```\n", strings.ReplaceAll(m.mask(why.Error()), "```", "`\u200b``"))
	_, err := m.client.postComment(ctx, m.number, markerFor(refusedMarker, m.client.env.Org), sb.String(), "apply refusal")
	return err
}

// Report posts an apply's result, rendered as markdown, as a new comment
// on the pull request and in the job summary, saying first which other
// pull requests it carried; each of those gets the result too.
func (m *MergedPR) Report(ctx context.Context, markdown string) error {
	markdown = titled(markdown, m.client.env.Org)
	body := markdown
	if len(m.carried) > 0 {
		body = fmt.Sprintf("> [!NOTE]\n> This run also applied the approved changes of %s: their own apply runs were superseded "+
			"(GitHub keeps one pending run per concurrency group), and apply carries out main's whole plan, every change of which "+
			"was approved on one of these pull requests.\n\n", prList(m.carried)) + body
	}
	if m.note != "" {
		body = "> [!NOTE]\n> " + m.mask(m.note) + "\n\n" + body
	}
	if err := WriteStepSummary(m.client.env.StepSummary, body); err != nil {
		return err
	}
	var errs []error
	if _, err := m.client.PostApplyResult(ctx, m.number, body); err != nil {
		errs = append(errs, err)
	}
	run := "the apply run"
	if u := m.client.env.RunURL(); u != "" {
		run = fmt.Sprintf("[the apply run](%s)", u)
	}
	for _, n := range m.carried {
		note := fmt.Sprintf("> [!NOTE]\n> This pull request's approved changes were applied by %s of #%d: its own apply run was superseded "+
			"(GitHub keeps one pending run per concurrency group).\n\n", run, m.number)
		if _, err := m.client.PostApplyResult(ctx, n, note+markdown); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func prList(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprintf("#%d", n)
	}
	return strings.Join(s, ", ")
}
