// Package github connects retainctl to GitHub Actions and pull requests: it
// reads the Actions environment, keeps one sticky plan comment per pull
// request, labels the result, writes the job summary, and finds the reviewed
// plan of a merged pull request so apply runs exactly what was approved.
package github

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// Client talks to the GitHub API for one repository.
type Client struct {
	api *gh.Client
	env Env
}

// NewClient returns a client for env's repository and API URL. hc may be nil.
func NewClient(env Env, hc *http.Client) (*Client, error) {
	if env.Owner == "" || env.Repo == "" {
		return nil, errors.New("github: the repository (GITHUB_REPOSITORY) is not known")
	}
	if env.Token == "" {
		return nil, errors.New("github: GITHUB_TOKEN is not set")
	}
	base, err := apiURL(env.APIURL)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	if env.BotLogin == "" {
		env.BotLogin = DefaultBotLogin
	}
	api := gh.NewClient(hc).WithAuthToken(string(env.Token))
	api.BaseURL = u
	return &Client{api: api, env: env}, nil
}

// forEachPage calls list with page 1, 2, ... until GitHub reports no next
// page. Every listing asks for 100 items a page, GitHub's maximum.
func forEachPage(list func(gh.ListOptions) (*gh.Response, error)) error {
	opts := gh.ListOptions{PerPage: 100}
	for {
		resp, err := list(opts)
		if err != nil {
			return err
		}
		if resp == nil || resp.NextPage == 0 {
			return nil
		}
		opts.Page = resp.NextPage
	}
}

// status returns the HTTP status of a go-github error, or 0.
func status(err error) int {
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}

// forbidden reports whether err means the token may not write here: 403, or
// the 404 GitHub answers a read-only token on a private repository.
func forbidden(err error) bool {
	s := status(err)
	return s == http.StatusForbidden || s == http.StatusNotFound
}

// noWriteReason explains a forbidden write of what, which needs the workflow
// permission perm (e.g. "pull-requests: write").
func (c *Client) noWriteReason(what, perm string, err error) string {
	if pr := c.env.Event.PR; pr != nil && pr.FromFork() {
		return fmt.Sprintf("no %s: the pull request comes from the fork %s, and GitHub gives such workflows a read-only token (HTTP %d)", what, pr.HeadRepo, status(err))
	}
	return fmt.Sprintf("no %s: the token may not write it (HTTP %d); grant the job `permissions: %s`", what, status(err), perm)
}
