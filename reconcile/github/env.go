package github

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
)

// DefaultBotLogin is the author of comments made with the workflow's GITHUB_TOKEN.
const DefaultBotLogin = "github-actions[bot]"

// Token is a GitHub token. It prints as [redacted] so it cannot leak through
// logs, errors or %+v of an Env.
type Token string

func (Token) String() string       { return "[redacted]" }
func (Token) GoString() string     { return "[redacted]" }
func (Token) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// Env is what retainctl reads from a GitHub Actions job.
type Env struct {
	Owner, Repo string // from GITHUB_REPOSITORY
	Token       Token  // GITHUB_TOKEN
	APIURL      string // GITHUB_API_URL with a trailing slash
	ServerURL   string // GITHUB_SERVER_URL without a trailing slash
	SHA         string // GITHUB_SHA
	RunID       string // GITHUB_RUN_ID
	StepSummary string // GITHUB_STEP_SUMMARY; empty outside Actions
	// BotLogin is the login whose comments retainctl treats as its own
	// (RETAINCTL_GITHUB_BOT, default github-actions[bot]). Marker comments by
	// anyone else are ignored, so nobody can forge a reviewed plan.
	BotLogin string
	Event    Event
	// Org is the organisation (orgs/<name>/) of a repository of several
	// that this run is for; empty in a repository of one. Each
	// organisation has its own plan comment, approval and drift issue,
	// their markers naming it. The cmd layer sets it from --org.
	Org string
}

// CheckOrg refuses an organisation name that a marker cannot carry.
func CheckOrg(name string) error {
	if name != "" && !orgRE.MatchString(name) {
		return fmt.Errorf("organisation %q: with --github, an organisation's directory name must be letters, digits, '.', '_' or '-' (it names the pull request's comment for it)", name)
	}
	return nil
}

// orgTitle is " — organisation NAME" for a heading, or empty.
func orgTitle(org string) string {
	if org == "" {
		return ""
	}
	return " — organisation `" + org + "`"
}

// RunURL links to the workflow run, or is empty when the run is unknown.
func (e Env) RunURL() string {
	if e.ServerURL == "" || e.RunID == "" {
		return ""
	}
	return fmt.Sprintf("%s/%s/%s/actions/runs/%s", e.ServerURL, e.Owner, e.Repo, url.PathEscape(e.RunID))
}

// EnvFromOS reads the standard Actions variables through getenv (os.Getenv in
// production) and parses the event payload file.
func EnvFromOS(getenv func(string) string) (Env, error) {
	e := Env{
		Token:       Token(getenv("GITHUB_TOKEN")),
		SHA:         getenv("GITHUB_SHA"),
		RunID:       getenv("GITHUB_RUN_ID"),
		StepSummary: getenv("GITHUB_STEP_SUMMARY"),
		BotLogin:    getenv("RETAINCTL_GITHUB_BOT"),
		ServerURL:   strings.TrimSuffix(getenv("GITHUB_SERVER_URL"), "/"),
	}
	if e.BotLogin == "" {
		e.BotLogin = DefaultBotLogin
	}
	var errs []error
	missing := func(name, hint string) {
		errs = append(errs, fmt.Errorf("%s is not set: %s", name, hint))
	}
	repo := getenv("GITHUB_REPOSITORY")
	switch owner, name, ok := strings.Cut(repo, "/"); {
	case repo == "":
		missing("GITHUB_REPOSITORY", "run inside GitHub Actions or set it to owner/name")
	case !ok || owner == "" || name == "" || strings.Contains(name, "/"):
		errs = append(errs, fmt.Errorf("GITHUB_REPOSITORY is %q: want owner/name", repo))
	default:
		e.Owner, e.Repo = owner, name
	}
	if e.Token == "" {
		missing("GITHUB_TOKEN", "add `env: {GITHUB_TOKEN: ${{ github.token }}}` to the workflow step")
	}
	api, err := apiURL(getenv("GITHUB_API_URL"))
	if err != nil {
		errs = append(errs, err)
	}
	e.APIURL = api
	name := getenv("GITHUB_EVENT_NAME")
	if name == "" {
		missing("GITHUB_EVENT_NAME", "run inside GitHub Actions or set it (pull_request, push, ...)")
	}
	if len(errs) > 0 {
		return Env{}, errors.Join(errs...)
	}
	e.Event, err = readEvent(name, getenv("GITHUB_EVENT_PATH"))
	if err != nil {
		return Env{}, err
	}
	return e, nil
}

// apiURL validates GITHUB_API_URL and adds the trailing slash go-github needs.
func apiURL(raw string) (string, error) {
	if raw == "" {
		return "https://api.github.com/", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("GITHUB_API_URL is %q: want an http(s) URL such as https://api.github.com", raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
}

// readEvent loads the payload for events that carry data retainctl uses.
func readEvent(name, path string) (Event, error) {
	if name != "pull_request" && name != "pull_request_target" && name != "push" {
		return Event{Name: name}, nil
	}
	if path == "" {
		return Event{}, fmt.Errorf("GITHUB_EVENT_PATH is not set: a %s event needs its payload file", name)
	}
	payload, err := os.ReadFile(path)
	if err != nil {
		return Event{}, fmt.Errorf("reading the event payload (GITHUB_EVENT_PATH): %w", err)
	}
	return ParseEvent(name, path, payload)
}

// titled names org in a comment's first heading ("## retainctl plan" of
// organisation eu reads "## retainctl plan — organisation `eu`"), or
// puts it first when there is no heading.
func titled(markdown, org string) string {
	if org == "" {
		return markdown
	}
	first, rest, _ := strings.Cut(markdown, "\n")
	if strings.HasPrefix(first, "## retainctl ") {
		return first + orgTitle(org) + "\n" + rest
	}
	return "**Organisation `" + org + "`**\n\n" + markdown
}
