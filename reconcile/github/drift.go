package github

import (
	"context"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v60/github"
)

// LabelDrift is on the issue the scheduled drift check keeps open while
// the organisation differs from main.
const LabelDrift = "retainctl: drift"

// driftMarker starts the body of a drift issue (markerFor names the
// organisation): with the label and the bot's login, it is how the check
// finds the issue it opened before.
const driftMarker = "<!-- retainctl:drift -->"

// issuesWrite is the workflow permission the drift issue needs.
const issuesWrite = "issues: write"

// DriftAction says what the drift check did to its issue.
type DriftAction string

const (
	DriftOpened    DriftAction = "opened"
	DriftUpdated   DriftAction = "updated"
	DriftUnchanged DriftAction = "unchanged"
	DriftClosed    DriftAction = "closed"
	DriftNone      DriftAction = "none"    // no drift, and no issue open
	DriftSkipped   DriftAction = "skipped" // see DriftResult.Skipped
)

// DriftResult reports what became of the drift issue.
type DriftResult struct {
	Action  DriftAction
	Number  int
	URL     string
	Skipped string // why the issue could not be written; empty otherwise
}

// Note says, for the job log, what became of the drift issue.
func (r DriftResult) Note() string {
	switch r.Action {
	case DriftSkipped:
		return r.Skipped
	case DriftNone:
		return "no drift, and no drift issue open"
	}
	return fmt.Sprintf("drift issue #%d %s: %s", r.Number, r.Action, r.URL)
}

// ReportDrift keeps one open issue per organisation while the organisation
// differs from main: drift opens it, or updates the one opened before, with
// markdown (the plan that would undo the drift); no drift closes it with a
// comment saying so. A token that may not write issues is not an error:
// DriftResult.Skipped says why.
func (c *Client) ReportDrift(ctx context.Context, drift bool, markdown string) (DriftResult, error) {
	open, err := c.findDriftIssue(ctx)
	switch {
	case forbidden(err):
		return DriftResult{Action: DriftSkipped, Skipped: c.noWriteReason("drift issue", issuesWrite, err)}, nil
	case err != nil:
		return DriftResult{}, fmt.Errorf("github: looking for the drift issue: %w", err)
	}
	var (
		iss    *gh.Issue
		action DriftAction
	)
	switch {
	case !drift && open == nil:
		return DriftResult{Action: DriftNone}, nil
	case !drift:
		iss, err = c.closeDrift(ctx, open)
		action = DriftClosed
	default:
		body, _ := c.commentBody(markerFor(driftMarker, c.env.Org)+"\n", markdown)
		switch {
		case open == nil:
			if err = c.ensureLabel(ctx, LabelDrift); err == nil {
				title := "retainctl: the organisation differs from main"
				if c.env.Org != "" {
					title = fmt.Sprintf("retainctl: organisation %s differs from main", c.env.Org)
				}
				iss, _, err = c.api.Issues.Create(ctx, c.env.Owner, c.env.Repo, &gh.IssueRequest{Title: &title, Body: &body, Labels: &[]string{LabelDrift}})
			}
			action = DriftOpened
		case open.GetBody() == body:
			iss, action = open, DriftUnchanged
		default:
			iss, _, err = c.api.Issues.Edit(ctx, c.env.Owner, c.env.Repo, open.GetNumber(), &gh.IssueRequest{Body: &body})
			action = DriftUpdated
		}
	}
	switch {
	case forbidden(err):
		return DriftResult{Action: DriftSkipped, Skipped: c.noWriteReason("drift issue", issuesWrite, err)}, nil
	case err != nil:
		return DriftResult{}, fmt.Errorf("github: writing the drift issue: %w", err)
	}
	return DriftResult{Action: action, Number: iss.GetNumber(), URL: iss.GetHTMLURL()}, nil
}

// closeDrift says on the issue that the drift is gone, and closes it.
func (c *Client) closeDrift(ctx context.Context, iss *gh.Issue) (*gh.Issue, error) {
	note := "The drift is gone: the organisation matches main again"
	if u := c.env.RunURL(); u != "" {
		note += fmt.Sprintf(" ([the drift check](%s))", u)
	}
	note += ". Closing this issue; a new one opens if it drifts again."
	if _, _, err := c.api.Issues.CreateComment(ctx, c.env.Owner, c.env.Repo, iss.GetNumber(), &gh.IssueComment{Body: &note}); err != nil {
		return nil, err
	}
	state, reason := "closed", "completed"
	closed, _, err := c.api.Issues.Edit(ctx, c.env.Owner, c.env.Repo, iss.GetNumber(), &gh.IssueRequest{State: &state, StateReason: &reason})
	return closed, err
}

// findDriftIssue returns the open drift issue of the client's
// organisation that the bot opened, or nil: labelled, by the bot, its body
// starting with the organisation's marker. Anyone else's issue, or
// another organisation's, is left alone.
func (c *Client) findDriftIssue(ctx context.Context) (*gh.Issue, error) {
	marker := markerFor(driftMarker, c.env.Org)
	var found *gh.Issue
	err := forEachPage(func(lo gh.ListOptions) (*gh.Response, error) {
		opts := &gh.IssueListByRepoOptions{State: "open", Labels: []string{LabelDrift}, Sort: "created", Direction: "asc", ListOptions: lo}
		is, resp, err := c.api.Issues.ListByRepo(ctx, c.env.Owner, c.env.Repo, opts)
		for _, iss := range is {
			if found == nil && !iss.IsPullRequest() && iss.GetUser().GetLogin() == c.env.BotLogin &&
				strings.HasPrefix(iss.GetBody(), marker+"\n") {
				found = iss
			}
		}
		return resp, err
	})
	return found, err
}
