package github

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	gh "github.com/google/go-github/v60/github"
)

// commentLimit keeps comment bodies well under GitHub's 65,536 characters.
const commentLimit = 60000

const (
	applyMarker   = "<!-- retainctl:apply -->"
	refusedMarker = "<!-- retainctl:apply-refused -->"
)

// markerFor names org in a marker: "<!-- retainctl:apply -->" of org eu
// is "<!-- retainctl:apply org=eu -->". A repository of one organisation
// (org "") keeps the markers as they always were.
func markerFor(marker, org string) string {
	if org == "" {
		return marker
	}
	return strings.TrimSuffix(marker, " -->") + " org=" + org + " -->"
}

// maxMarkerItems caps the item keys a plan comment's marker lists (25
// characters each). A bigger plan is still approved by its fingerprint;
// only carrying it in another pull request's apply needs its items.
const maxMarkerItems = 600

// prWrite is the workflow permission comments need.
const prWrite = "pull-requests: write"

var (
	fingerprintRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	planMarkerRE  = regexp.MustCompile(`^<!-- retainctl:plan(?: org=(` + orgPattern + `))? fingerprint=(sha256:[0-9a-f]{64}|none)(?: items=([0-9a-f]{24}(?:,[0-9a-f]{24})*))?(?: result=(none|changes|destructive|invalid))? -->`)
	itemRE        = regexp.MustCompile(`^[0-9a-f]{24}$`)
	orgRE         = regexp.MustCompile(`^` + orgPattern + `$`)
)

// orgPattern is what an organisation's name may be in a marker: the
// directory names under orgs/ a workflow matrix carries.
const orgPattern = `[A-Za-z0-9][A-Za-z0-9._-]{0,62}`

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
	// Items are the plan's item keys (plan.Items), recorded in the marker
	// so that a later apply can carry this plan when this pull request's
	// own apply run was superseded.
	Items       []string
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
	items := ""
	if !pc.Blocked && len(pc.Items) > 0 && len(pc.Items) <= maxMarkerItems {
		for _, k := range pc.Items {
			if !itemRE.MatchString(k) {
				return Result{}, fmt.Errorf("github: plan item key %q is not 24 lowercase hex digits", k)
			}
		}
		items = " items=" + strings.Join(pc.Items, ",")
	}
	if skipped, err := c.closedReason(ctx, pc.PR); err != nil || skipped != "" {
		return Result{Action: CommentSkipped, Skipped: skipped}, err
	}
	org, result := "", ""
	if c.env.Org != "" {
		// Each organisation has its comment; the marker records its
		// result, so that the one label says the worst of them.
		org, result = " org="+c.env.Org, " result="+resultOf(resultLabel(pc))
	}
	marker := fmt.Sprintf("<!-- retainctl:plan%s fingerprint=%s%s%s -->\n", org, fingerprint, items, result)
	body, truncated := c.commentBody(marker, titled(pc.Markdown, c.env.Org))
	res, err := c.upsertPlanComment(ctx, pc.PR, body)
	if err != nil {
		return Result{}, err
	}
	res.Truncated = truncated
	label := resultLabel(pc)
	if c.env.Org != "" && res.Action != CommentSkipped {
		if label, err = c.worstLabel(ctx, pc.PR, label); err != nil {
			return res, err
		}
	}
	res.LabelSkipped, err = c.setResultLabel(ctx, pc.PR, label)
	if err != nil {
		return res, err
	}
	if res.LabelSkipped == "" {
		res.Label = label
	}
	return res, nil
}

// closedReason says why a pull request that is no longer open gets no
// plan comment, or is empty while it is open. Its plan comment is the
// record of what reviewers approved and is never edited after merge: a
// re-run of the plan job plans the pull request's old merge commit, which
// against the organisation as later applies left it would show a plan
// that reverts them. A token that may not read the pull request leaves
// the answer to the write, which says why it is refused.
func (c *Client) closedReason(ctx context.Context, pr int) (string, error) {
	got, _, err := c.api.PullRequests.Get(ctx, c.env.Owner, c.env.Repo, pr)
	switch {
	case forbidden(err):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("github: reading pull request #%d: %w", pr, err)
	case got.GetState() == "open":
		return "", nil
	}
	state := "closed"
	if got.GetMerged() || got.MergedAt != nil {
		state = "merged"
	}
	return fmt.Sprintf("no plan comment: pull request #%d is %s, and the plan comment on it is the record of what reviewers approved, never edited afterwards "+
		"(a re-run of its plan job plans its old merge commit, not main); to plan main as it is now, open a new pull request", pr, state), nil
}

func (c *Client) upsertPlanComment(ctx context.Context, pr int, body string) (Result, error) {
	found, err := c.findComments(ctx, pr)
	existing := found.plan
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

// Reviewed is the plan approved on a pull request, as its plan comment
// records it.
type Reviewed struct {
	Fingerprint string
	Items       []string // empty for a comment from before items were recorded
	// Applied means an apply already reported its result on the pull request.
	Applied bool
}

// ReviewedPlan returns the plan recorded in retainctl's plan comment on pr:
// the plan the reviewers saw. It wraps ErrNotPlanned when the pull request
// has no such comment, and refuses a plan that validation blocked.
func (c *Client) ReviewedPlan(ctx context.Context, pr int) (Reviewed, error) {
	found, err := c.findComments(ctx, pr)
	cm, applied := found.plan, found.applied
	if err != nil {
		return Reviewed{}, fmt.Errorf("github: listing comments of pull request #%d: %w", pr, err)
	}
	if cm == nil {
		forOrg := ""
		if c.env.Org != "" {
			forOrg = " for organisation " + c.env.Org
		}
		return Reviewed{Applied: applied}, fmt.Errorf("pull request #%d has %w%s by %s: the plan workflow never ran on it (or could not comment), so nobody reviewed a plan; open a pull request that changes the policies to get one", pr, ErrNotPlanned, forOrg, c.env.BotLogin)
	}
	m, _ := planMarker(cm.GetBody())
	fp, items := m.fingerprint, m.items
	if fp == noFingerprint {
		return Reviewed{Applied: applied}, fmt.Errorf("the last plan on pull request #%d was blocked by validation errors, so nobody approved a plan: fix the policies in a new pull request and let the plan workflow run on it", pr)
	}
	return Reviewed{Fingerprint: fp, Items: items, Applied: applied}, nil
}

// ReviewedFingerprint returns the fingerprint of ReviewedPlan.
func (c *Client) ReviewedFingerprint(ctx context.Context, pr int) (string, error) {
	r, err := c.ReviewedPlan(ctx, pr)
	return r.Fingerprint, err
}

// PostApplyResult posts markdown as a new comment on pr (the sticky plan
// comment stays as the record of what was reviewed).
func (c *Client) PostApplyResult(ctx context.Context, pr int, markdown string) (Result, error) {
	return c.postComment(ctx, pr, markerFor(applyMarker, c.env.Org), markdown, "apply comment")
}

// postComment posts markdown after marker as a new comment on pr.
func (c *Client) postComment(ctx context.Context, pr int, marker, markdown, what string) (Result, error) {
	if pr <= 0 {
		return Result{}, fmt.Errorf("github: pull request number %d is not valid", pr)
	}
	body, truncated := c.commentBody(marker+"\n", markdown)
	cm, _, err := c.api.Issues.CreateComment(ctx, c.env.Owner, c.env.Repo, pr, &gh.IssueComment{Body: &body})
	switch {
	case forbidden(err):
		return Result{Action: CommentSkipped, Skipped: c.noWriteReason(what, prWrite, err)}, nil
	case err != nil:
		return Result{}, fmt.Errorf("github: posting the %s on pull request #%d: %w", what, pr, err)
	}
	return Result{Action: CommentCreated, CommentID: cm.GetID(), URL: cm.GetHTMLURL(), Truncated: truncated}, nil
}

// comments is what retainctl wrote on a pull request, for the client's
// organisation: its newest plan comment (or nil) and whether an apply
// result was posted; and the plan markers of every organisation.
type comments struct {
	plan    *gh.IssueComment
	applied bool
	markers map[string]marker // by organisation, the newest
}

// findComments reads every page of pr's comments. Only comments by the
// bot count, so a marker pasted by anyone else can neither be edited nor
// vouch for a plan; and only those naming the client's organisation (none
// in a repository of one), so one organisation's plan never approves
// another's.
func (c *Client) findComments(ctx context.Context, pr int) (found comments, err error) {
	found.markers = map[string]marker{}
	applied := markerFor(applyMarker, c.env.Org)
	err = forEachPage(func(lo gh.ListOptions) (*gh.Response, error) {
		opts := &gh.IssueListCommentsOptions{ListOptions: lo}
		cs, resp, err := c.api.Issues.ListComments(ctx, c.env.Owner, c.env.Repo, pr, opts)
		for _, cm := range cs {
			if cm.GetUser().GetLogin() != c.env.BotLogin {
				continue
			}
			if m, ok := planMarker(cm.GetBody()); ok {
				found.markers[m.org] = m
				if m.org == c.env.Org {
					found.plan = cm
				}
			}
			found.applied = found.applied || strings.HasPrefix(cm.GetBody(), applied)
		}
		return resp, err
	})
	return found, err
}

// marker is what a plan comment's marker records.
type marker struct {
	org, fingerprint string
	items            []string
	result           string // an organisation's: none, changes, destructive or invalid
}

// planMarker reads the marker at the start of a plan comment.
func planMarker(body string) (marker, bool) {
	m := planMarkerRE.FindStringSubmatch(body)
	if m == nil {
		return marker{}, false
	}
	out := marker{org: m[1], fingerprint: m[2], result: m[4]}
	if m[3] != "" {
		out.items = strings.Split(m[3], ",")
	}
	return out, true
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
	PR              int
	Reviewed, Fresh string
	Moved           []string // what differs, one line each
}

func (e *StalePlanError) Error() string {
	var moved string
	if len(e.Moved) > 0 {
		moved = "\n  " + strings.Join(e.Moved, "\n  ")
	}
	return fmt.Sprintf("refusing to apply: reviewers approved plan %s on pull request #%d, but the plan of main against the organisation is now %s, "+
		"so this is not the plan anyone approved. Nothing was changed.%s\n"+
		"Main or the organisation moved after the review: another pull request changed the same policies, or someone changed the organisation by hand. "+
		"Re-running this pull request's plan job does not help: it plans the same old merge commit, and the plan comment of a merged pull request is never edited. "+
		"Next step: open a new pull request from the current main (restate the change you still want); its plan shows what apply would do now, "+
		"and merging it after review applies it.",
		e.Reviewed, e.PR, e.Fresh, moved)
}
