package github

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	gh "github.com/google/go-github/v60/github"
)

// commentLimit keeps comment bodies well under GitHub's 65,536 characters.
const commentLimit = 60000

const applyMarker = "<!-- retainctl:apply -->"

// prWrite is the workflow permission comments need.
const prWrite = "pull-requests: write"

var (
	fingerprintRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	planMarkerRE  = regexp.MustCompile(`^<!-- retainctl:plan fingerprint=(sha256:[0-9a-f]{64}|none) -->`)
)

// noFingerprint marks the comment of a plan that validation errors blocked.
const noFingerprint = "none"

// ErrNotPlanned means a pull request has no retainctl plan comment.
var ErrNotPlanned = errors.New("no retainctl plan comment")

// Counts is the plan summary (the plan document's "summary").
type Counts struct {
	Create, Update, Delete, Adopt, Noop int
}

// Changes is the number of policies the plan would touch.
func (c Counts) Changes() int { return c.Create + c.Update + c.Delete + c.Adopt }

// PlanComment is what PostPlan publishes on a pull request.
type PlanComment struct {
	PR          int    // pull request number
	Markdown    string // rendered plan: summary first, a collapsed <details> per policy
	Fingerprint string // sha256:<64 hex> of the semantic plan
	Counts      Counts
	Destructive bool // any change has risk "destructive"
	// Blocked means validation errors stopped the plan: there is nothing to
	// approve, so the comment records no fingerprint and the label says so.
	Blocked bool
}

// CommentAction says what happened to a comment.
type CommentAction string

const (
	CommentCreated   CommentAction = "created"
	CommentUpdated   CommentAction = "updated"
	CommentUnchanged CommentAction = "unchanged"
	CommentSkipped   CommentAction = "skipped" // see Result.Skipped
)

// Result reports a comment and label written (or not) on a pull request.
type Result struct {
	Action       CommentAction
	CommentID    int64
	URL          string // the comment's html_url
	Truncated    bool   // the body was cut to fit; the full text is in the job summary
	Skipped      string // why there is no comment (fork or read-only token); empty otherwise
	Label        string // the result label now on the PR; empty when not set
	LabelSkipped string // why the label was not set; empty otherwise
}

// PostPlan creates or edits retainctl's sticky plan comment on pc.PR and sets
// the result label. A token that may not write (fork pull requests) is not an
// error: Result.Skipped / LabelSkipped say why nothing was written.
func (c *Client) PostPlan(ctx context.Context, pc PlanComment) (Result, error) {
	if pc.PR <= 0 {
		return Result{}, fmt.Errorf("github: pull request number %d is not valid", pc.PR)
	}
	fingerprint := pc.Fingerprint
	switch {
	case pc.Blocked:
		fingerprint = noFingerprint
	case !fingerprintRE.MatchString(fingerprint):
		return Result{}, fmt.Errorf("github: plan fingerprint %q is not sha256:<64 lowercase hex>", pc.Fingerprint)
	}
	marker := fmt.Sprintf("<!-- retainctl:plan fingerprint=%s -->\n", fingerprint)
	body, truncated := c.commentBody(marker, pc.Markdown)
	res, err := c.upsertPlanComment(ctx, pc.PR, body)
	if err != nil {
		return Result{}, err
	}
	res.Truncated = truncated
	label := resultLabel(pc)
	res.LabelSkipped, err = c.setResultLabel(ctx, pc.PR, label)
	if err != nil {
		return res, err
	}
	if res.LabelSkipped == "" {
		res.Label = label
	}
	return res, nil
}

func (c *Client) upsertPlanComment(ctx context.Context, pr int, body string) (Result, error) {
	existing, err := c.findPlanComment(ctx, pr)
	if err != nil {
		if forbidden(err) {
			return Result{Action: CommentSkipped, Skipped: c.noWriteReason("plan comment", prWrite, err)}, nil
		}
		return Result{}, fmt.Errorf("github: listing comments of pull request #%d: %w", pr, err)
	}
	if existing != nil && existing.GetBody() == body {
		return Result{Action: CommentUnchanged, CommentID: existing.GetID(), URL: existing.GetHTMLURL()}, nil
	}
	var (
		cm     *gh.IssueComment
		action = CommentCreated
	)
	if existing != nil {
		action = CommentUpdated
		cm, _, err = c.api.Issues.EditComment(ctx, c.env.Owner, c.env.Repo, existing.GetID(), &gh.IssueComment{Body: &body})
	} else {
		cm, _, err = c.api.Issues.CreateComment(ctx, c.env.Owner, c.env.Repo, pr, &gh.IssueComment{Body: &body})
	}
	switch {
	case forbidden(err):
		return Result{Action: CommentSkipped, Skipped: c.noWriteReason("plan comment", prWrite, err)}, nil
	case err != nil:
		return Result{}, fmt.Errorf("github: writing the plan comment on pull request #%d: %w", pr, err)
	}
	return Result{Action: action, CommentID: cm.GetID(), URL: cm.GetHTMLURL()}, nil
}

// ReviewedFingerprint returns the fingerprint recorded in retainctl's plan
// comment on pr: the plan the reviewers saw. It wraps ErrNotPlanned when the
// pull request has no such comment.
func (c *Client) ReviewedFingerprint(ctx context.Context, pr int) (string, error) {
	cm, err := c.findPlanComment(ctx, pr)
	if err != nil {
		return "", fmt.Errorf("github: listing comments of pull request #%d: %w", pr, err)
	}
	if cm == nil {
		return "", fmt.Errorf("pull request #%d has %w by %s: the plan workflow never ran on it (or could not comment), so nobody reviewed a plan; open a pull request that changes policies/ to get one", pr, ErrNotPlanned, c.env.BotLogin)
	}
	fp, _ := planFingerprint(cm.GetBody())
	if fp == noFingerprint {
		return "", fmt.Errorf("the last plan on pull request #%d was blocked by validation errors, so nobody approved a plan: fix the policies and let the plan workflow run again", pr)
	}
	return fp, nil
}

// PostApplyResult posts markdown as a new comment on pr (the sticky plan
// comment stays as the record of what was reviewed).
func (c *Client) PostApplyResult(ctx context.Context, pr int, markdown string) (Result, error) {
	if pr <= 0 {
		return Result{}, fmt.Errorf("github: pull request number %d is not valid", pr)
	}
	body, truncated := c.commentBody(applyMarker+"\n", markdown)
	cm, _, err := c.api.Issues.CreateComment(ctx, c.env.Owner, c.env.Repo, pr, &gh.IssueComment{Body: &body})
	switch {
	case forbidden(err):
		return Result{Action: CommentSkipped, Skipped: c.noWriteReason("apply comment", prWrite, err)}, nil
	case err != nil:
		return Result{}, fmt.Errorf("github: posting the apply result on pull request #%d: %w", pr, err)
	}
	return Result{Action: CommentCreated, CommentID: cm.GetID(), URL: cm.GetHTMLURL(), Truncated: truncated}, nil
}

// findPlanComment returns retainctl's newest plan comment on pr, reading every
// page, or nil. Only comments by the bot count, so a marker pasted by anyone
// else can neither be edited nor vouch for a plan.
func (c *Client) findPlanComment(ctx context.Context, pr int) (*gh.IssueComment, error) {
	var found *gh.IssueComment
	err := forEachPage(func(lo gh.ListOptions) (*gh.Response, error) {
		opts := &gh.IssueListCommentsOptions{ListOptions: lo}
		cs, resp, err := c.api.Issues.ListComments(ctx, c.env.Owner, c.env.Repo, pr, opts)
		for _, cm := range cs {
			if _, ok := planFingerprint(cm.GetBody()); ok && cm.GetUser().GetLogin() == c.env.BotLogin {
				found = cm
			}
		}
		return resp, err
	})
	return found, err
}

// planFingerprint reads the marker at the start of a plan comment.
func planFingerprint(body string) (string, bool) {
	m := planMarkerRE.FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// commentBody puts marker first and fits markdown after it under the limit.
func (c *Client) commentBody(marker, markdown string) (string, bool) {
	where := "the workflow run that posted this comment"
	if u := c.env.RunURL(); u != "" {
		where = fmt.Sprintf("[the workflow run](%s)", u)
	}
	note := "> [!WARNING]\n> This text is too long for a pull-request comment and was cut here. " +
		"The full text is in the job summary of " + where + "."
	md, truncated := fit(markdown, commentLimit-runeLen(marker), runeLen, note)
	return marker + md, truncated
}

// StalePlanError refuses an apply whose plan differs from the reviewed one.
type StalePlanError struct {
	Reviewed, Fresh string
}

func (e *StalePlanError) Error() string {
	return fmt.Sprintf("refusing to apply: reviewers approved plan %s, but the plan computed now is %s. "+
		"The live organisation or the policies changed after the review, so this is not the plan anyone approved. "+
		"Nothing was changed. To fix: re-run the plan workflow of the pull request (Actions, Re-run jobs) so it "+
		"posts the current plan, have it checked, then re-run this apply; or open a new pull request that changes policies/.",
		e.Reviewed, e.Fresh)
}

// CheckFingerprint returns nil when fresh is the reviewed plan and a
// *StalePlanError otherwise.
func CheckFingerprint(reviewed, fresh string) error {
	if reviewed == "" {
		return errors.New("refusing to apply: there is no reviewed plan fingerprint to compare with; run the plan workflow on the pull request first")
	}
	if reviewed != fresh {
		return &StalePlanError{Reviewed: reviewed, Fresh: fresh}
	}
	return nil
}
