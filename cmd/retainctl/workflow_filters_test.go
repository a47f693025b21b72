//go:build workflows

package main

import (
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// passesFilters applies a caller's on.<event> filters as GitHub does:
// branches (of a push) and paths (the files a pull request or a push
// changes; one matching file runs the workflow).
func (w *wfWorld) passesFilters(wf *workflow, ev wfEvent) bool {
	var filter struct {
		Branches []string
		Paths    []string
		Types    []string
	}
	if wf.On.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(wf.On.Content); i += 2 {
			if v := wf.On.Content[i+1]; wf.On.Content[i].Value == ev.name && v.Kind == yaml.MappingNode {
				if err := v.Decode(&filter); err != nil {
					w.t.Fatalf("on.%s: %v", ev.name, err)
				}
			}
		}
	}
	action, _ := ev.payload["action"].(string)
	types := filter.Types
	if ev.name == "pull_request" && len(types) == 0 {
		types = []string{"opened", "synchronize", "reopened"}
	}
	if len(types) > 0 && !slices.Contains(types, action) {
		return false
	}
	branch := strings.TrimPrefix(ev.ref, "refs/heads/")
	if ev.name == "push" && len(filter.Branches) > 0 && !slices.ContainsFunc(filter.Branches, func(g string) bool { return globMatch(g, branch) }) {
		return false
	}
	if len(filter.Paths) == 0 {
		return true
	}
	return slices.ContainsFunc(w.changedFiles(ev), func(f string) bool {
		return slices.ContainsFunc(filter.Paths, func(g string) bool { return globMatch(g, f) })
	})
}

// changedFiles are the files a pull request changes (from its base, as
// GitHub compares) or a push brings.
func (w *wfWorld) changedFiles(ev wfEvent) []string {
	var from, to string
	switch ev.name {
	case "pull_request":
		pr := ev.payload["pull_request"].(map[string]any)
		from = pr["base"].(map[string]any)["sha"].(string) + "..."
		to = pr["head"].(map[string]any)["sha"].(string)
	case "push":
		from, to = ev.payload["before"].(string)+"..", ev.payload["after"].(string)
	default:
		return nil
	}
	return strings.Fields(w.repo.git(w.repo.bare, "diff", "--name-only", from+to))
}

// globMatch is GitHub's filter pattern: * within a path segment, ** across
// them, ? one character.
func globMatch(glob, name string) bool {
	var re strings.Builder
	for i := 0; i < len(glob); i++ {
		switch {
		case strings.HasPrefix(glob[i:], "**"):
			re.WriteString(".*")
			i++
		case glob[i] == '*':
			re.WriteString("[^/]*")
		case glob[i] == '?':
			re.WriteString("[^/]")
		default:
			re.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		}
	}
	return regexp.MustCompile("^" + re.String() + "$").MatchString(name)
}
