package github

import (
	"encoding/json"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v60/github"
)

// Event is the part of the Actions event payload retainctl needs.
type Event struct {
	Name string       // GITHUB_EVENT_NAME, e.g. "pull_request", "push", "schedule"
	PR   *PullRequest // set for pull_request and pull_request_target
	Push *Push        // set for push
}

// PullRequest identifies the pull request a workflow runs for.
type PullRequest struct {
	Number   int
	HeadSHA  string // the PR head; GITHUB_SHA is the test merge commit instead
	HeadRepo string // owner/name of the head repository; empty when the fork was deleted
	BaseRepo string // owner/name of the repository the PR targets
}

// FromFork reports whether the PR comes from another repository. GitHub then
// gives `pull_request` workflows a read-only token and no secrets.
func (p PullRequest) FromFork() bool {
	return !strings.EqualFold(p.HeadRepo, p.BaseRepo)
}

// Push describes a push event.
type Push struct {
	After string // the commit the branch now points at
	Ref   string // e.g. refs/heads/main
}

// ParseEvent decodes the webhook payload of the named event. Events other
// than pull requests and pushes carry nothing retainctl uses, so their payload
// is not read. file names the payload in errors.
func ParseEvent(name, file string, payload []byte) (Event, error) {
	ev := Event{Name: name}
	switch name {
	case "pull_request", "pull_request_target":
		pr, err := parsePullRequest(payload)
		if err != nil {
			return Event{}, fmt.Errorf("%s event payload %s: %w", name, file, err)
		}
		ev.PR = &pr
	case "push":
		p, err := parsePush(payload)
		if err != nil {
			return Event{}, fmt.Errorf("push event payload %s: %w", file, err)
		}
		ev.Push = &p
	}
	return ev, nil
}

func parsePullRequest(payload []byte) (PullRequest, error) {
	var e gh.PullRequestEvent
	if err := json.Unmarshal(payload, &e); err != nil {
		return PullRequest{}, fmt.Errorf("not valid JSON: %w", err)
	}
	pr := e.GetPullRequest()
	if pr == nil {
		return PullRequest{}, fmt.Errorf("no pull_request object")
	}
	out := PullRequest{
		Number:   pr.GetNumber(),
		HeadSHA:  pr.GetHead().GetSHA(),
		HeadRepo: pr.GetHead().GetRepo().GetFullName(),
		BaseRepo: pr.GetBase().GetRepo().GetFullName(),
	}
	if out.Number == 0 {
		out.Number = e.GetNumber()
	}
	if out.BaseRepo == "" {
		out.BaseRepo = e.GetRepo().GetFullName()
	}
	switch {
	case out.Number <= 0:
		return PullRequest{}, fmt.Errorf("pull_request.number is missing or not positive")
	case out.HeadSHA == "":
		return PullRequest{}, fmt.Errorf("pull_request.head.sha is missing")
	case out.BaseRepo == "":
		return PullRequest{}, fmt.Errorf("pull_request.base.repo.full_name is missing")
	}
	return out, nil
}

func parsePush(payload []byte) (Push, error) {
	var e gh.PushEvent
	if err := json.Unmarshal(payload, &e); err != nil {
		return Push{}, fmt.Errorf("not valid JSON: %w", err)
	}
	p := Push{After: e.GetAfter(), Ref: e.GetRef()}
	if p.After == "" {
		return Push{}, fmt.Errorf("after (the pushed commit) is missing")
	}
	return p, nil
}
