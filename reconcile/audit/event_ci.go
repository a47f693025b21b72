// CIFromEnv: the GitHub Actions context stamped on events run in CI.

package audit

import (
	"encoding/json"
	"io"
	"os"
	"strings"
)

// maxEventFile bounds how much of GITHUB_EVENT_PATH is read.
const maxEventFile = 8 << 20

// CIFromEnv describes the GitHub Actions run from its standard variables, or
// returns nil outside Actions. The pull request number comes from the event
// payload at GITHUB_EVENT_PATH when it has one; an unreadable payload only
// leaves it out.
func CIFromEnv(getenv func(string) string) *CI {
	ci := &CI{
		Repository: getenv("GITHUB_REPOSITORY"),
		Commit:     getenv("GITHUB_SHA"),
		Ref:        getenv("GITHUB_REF"),
		Actor:      getenv("GITHUB_ACTOR"),
		Workflow:   getenv("GITHUB_WORKFLOW"),
	}
	if server, id := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_RUN_ID"); server != "" && ci.Repository != "" && id != "" {
		ci.WorkflowRunURL = strings.TrimSuffix(server, "/") + "/" + ci.Repository + "/actions/runs/" + id
	}
	if p := getenv("GITHUB_EVENT_PATH"); p != "" {
		ci.PullRequest = pullRequestNumber(p)
	}
	if *ci == (CI{}) {
		return nil
	}
	return ci
}

func pullRequestNumber(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	var payload struct {
		PullRequest *struct {
			Number int `json:"number"`
		} `json:"pull_request"`
	}
	if json.NewDecoder(io.LimitReader(f, maxEventFile)).Decode(&payload) != nil || payload.PullRequest == nil {
		return 0
	}
	return payload.PullRequest.Number
}
