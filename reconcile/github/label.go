package github

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	gh "github.com/google/go-github/v60/github"
)

// Result labels: exactly one is on a planned pull request.
const (
	LabelNoChanges   = "retainctl: no changes"
	LabelChanges     = "retainctl: changes"
	LabelDestructive = "retainctl: destructive"
	LabelBlocked     = "retainctl: invalid"
)

var labelStyle = map[string]struct{ color, description string }{
	LabelNoChanges:   {"0e8a16", "retainctl plan: the organisation already matches"},
	LabelChanges:     {"1d76db", "retainctl plan: policies will change"},
	LabelDestructive: {"b60205", "retainctl plan: deletes or shortens retention"},
	LabelBlocked:     {"e99695", "retainctl plan: the policies do not validate"},
}

// resultLabel picks the label for a plan.
func resultLabel(pc PlanComment) string {
	switch {
	case pc.Blocked:
		return LabelBlocked
	case pc.Destructive:
		return LabelDestructive
	case pc.Counts.Changes() == 0:
		return LabelNoChanges
	default:
		return LabelChanges
	}
}

// setResultLabel puts want on pr and removes the other result labels. It
// returns a reason instead of an error when the token may not write labels.
func (c *Client) setResultLabel(ctx context.Context, pr int, want string) (skipped string, err error) {
	have, err := c.issueLabels(ctx, pr)
	if err == nil {
		err = c.replaceLabels(ctx, pr, have, want)
	}
	switch {
	case forbidden(err):
		return c.noWriteReason("result label", "issues: write", err), nil
	case err != nil:
		return "", fmt.Errorf("github: labelling pull request #%d: %w", pr, err)
	}
	return "", nil
}

func (c *Client) replaceLabels(ctx context.Context, pr int, have []string, want string) error {
	for name := range labelStyle {
		if name == want || !slices.Contains(have, name) {
			continue
		}
		_, err := c.api.Issues.RemoveLabelForIssue(ctx, c.env.Owner, c.env.Repo, pr, name)
		if err != nil && status(err) != http.StatusNotFound {
			return err
		}
	}
	if slices.Contains(have, want) {
		return nil
	}
	if err := c.ensureLabel(ctx, want); err != nil {
		return err
	}
	_, _, err := c.api.Issues.AddLabelsToIssue(ctx, c.env.Owner, c.env.Repo, pr, []string{want})
	return err
}

func (c *Client) issueLabels(ctx context.Context, pr int) ([]string, error) {
	var names []string
	err := forEachPage(func(lo gh.ListOptions) (*gh.Response, error) {
		ls, resp, err := c.api.Issues.ListLabelsByIssue(ctx, c.env.Owner, c.env.Repo, pr, &lo)
		for _, l := range ls {
			names = append(names, l.GetName())
		}
		return resp, err
	})
	return names, err
}

// ensureLabel creates the repository label with its colour when missing.
func (c *Client) ensureLabel(ctx context.Context, name string) error {
	_, _, err := c.api.Issues.GetLabel(ctx, c.env.Owner, c.env.Repo, name)
	if status(err) != http.StatusNotFound {
		return err
	}
	st, ok := labelStyle[name]
	if name == LabelDrift || !ok {
		st = struct{ color, description string }{"fbca04", "retainctl drift check: the organisation differs from main"}
	}
	_, _, err = c.api.Issues.CreateLabel(ctx, c.env.Owner, c.env.Repo,
		&gh.Label{Name: &name, Color: &st.color, Description: &st.description})
	if status(err) == http.StatusUnprocessableEntity { // created meanwhile by a concurrent run
		return nil
	}
	return err
}

// results are the results a plan marker records, least to most serious,
// with their labels.
var results = []struct{ name, label string }{
	{"none", LabelNoChanges}, {"changes", LabelChanges}, {"destructive", LabelDestructive}, {"invalid", LabelBlocked},
}

// resultOf is the marker's word for a result label.
func resultOf(label string) string {
	for _, r := range results {
		if r.label == label {
			return r.name
		}
	}
	return "changes"
}

// worstLabel is the most serious result of every organisation's plan
// comment on pr, this run's (own) included: one label speaks for them all.
func (c *Client) worstLabel(ctx context.Context, pr int, own string) (string, error) {
	found, err := c.findComments(ctx, pr)
	if err != nil {
		if forbidden(err) {
			return own, nil
		}
		return "", fmt.Errorf("github: listing comments of pull request #%d: %w", pr, err)
	}
	rank := func(label string) int {
		return slices.IndexFunc(results, func(r struct{ name, label string }) bool { return r.label == label })
	}
	worst := own
	for org, m := range found.markers {
		if org == "" || org == c.env.Org {
			continue
		}
		for _, r := range results {
			if r.name == m.result && rank(r.label) > rank(worst) {
				worst = r.label
			}
		}
	}
	return worst, nil
}
