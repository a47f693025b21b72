//go:build workflows

package main

import (
	"bytes"
	"fmt"
	"os"
	"slices"

	"gopkg.in/yaml.v3"
)

// The parts of a workflow and of action.yml that the runner executes.
// Decoding is strict: a key the runner does not know fails the test, so a
// new feature of the YAML is never silently skipped. Keys that only
// GitHub's scheduler uses (runs-on, concurrency, timeouts) are decoded and
// ignored: the runner runs one job at a time on one machine.

type workflow struct {
	Name        string
	On          yaml.Node
	Permissions yaml.Node
	Env         map[string]string
	Jobs        yaml.Node // decoded by jobs(), which keeps the file's order
}

type wfJob struct {
	ID             string    `yaml:"-"`
	Name           string    `yaml:"name"`
	Needs          yaml.Node `yaml:"needs"` // a name or a list
	If             string    `yaml:"if"`
	RunsOn         string    `yaml:"runs-on"`
	TimeoutMinutes int       `yaml:"timeout-minutes"`
	Permissions    yaml.Node `yaml:"permissions"`
	Outputs        map[string]string
	Strategy       struct {
		FailFast *bool     `yaml:"fail-fast"`
		Matrix   yaml.Node `yaml:"matrix"`
	}
	Environment yaml.Node // a name, or {name, url}
	Concurrency yaml.Node
	Env         map[string]string
	Steps       []wfStep
	// A call of a reusable workflow.
	Uses    string
	With    map[string]yaml.Node
	Secrets yaml.Node // inherit, or a mapping
}

type wfStep struct {
	ID               string `yaml:"id"`
	Name             string `yaml:"name"`
	If               string `yaml:"if"`
	Uses             string `yaml:"uses"`
	Run              string `yaml:"run"`
	Shell            string `yaml:"shell"`
	WorkingDirectory string `yaml:"working-directory"`
	With             map[string]string
	Env              map[string]string
}

// workflowInput is an input of on.workflow_call.
type workflowInput struct {
	Description string
	Type        string
	Default     yaml.Node
	Required    bool
}

type actionFile struct {
	Name        string
	Description string
	Author      string
	Branding    yaml.Node
	Inputs      map[string]struct {
		Description string
		Required    bool
		Default     string
	}
	Outputs map[string]struct{ Description, Value string }
	Runs    struct {
		Using string
		Steps []wfStep
	}
}

// decodeStrict decodes a YAML file into v, refusing unknown keys.
func decodeStrict(path string, v any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// jobs lists the workflow's jobs in their file's order.
func (w *workflow) jobs() ([]*wfJob, error) {
	var out []*wfJob
	for i := 0; i+1 < len(w.Jobs.Content); i += 2 {
		j := &wfJob{ID: w.Jobs.Content[i].Value}
		// Node.Decode is not strict; re-encode to decode the job strictly.
		raw, err := yaml.Marshal(w.Jobs.Content[i+1])
		if err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		if err := dec.Decode(j); err != nil {
			return nil, fmt.Errorf("job %s: %w", j.ID, err)
		}
		out = append(out, j)
	}
	return out, nil
}

// needs lists the jobs j waits for.
func (j *wfJob) needs() []string {
	switch j.Needs.Kind {
	case yaml.ScalarNode:
		return []string{j.Needs.Value}
	case yaml.SequenceNode:
		var out []string
		for _, n := range j.Needs.Content {
			out = append(out, n.Value)
		}
		return out
	}
	return nil
}

// inOrder sorts jobs so that each comes after the jobs it needs.
func inOrder(jobs []*wfJob) ([]*wfJob, error) {
	var out []*wfJob
	done := map[string]bool{}
	for len(out) < len(jobs) {
		progress := false
		for _, j := range jobs {
			if done[j.ID] || slices.ContainsFunc(j.needs(), func(n string) bool { return !done[n] }) {
				continue
			}
			out, done[j.ID], progress = append(out, j), true, true
		}
		if !progress {
			return nil, fmt.Errorf("jobs: a cycle or an unknown job in needs")
		}
	}
	return out, nil
}

// inputs returns the inputs an event of the workflow declares:
// on.workflow_call's of a reusable workflow, on.workflow_dispatch's.
func (w *workflow) inputs(event string) (map[string]workflowInput, error) {
	if w.On.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(w.On.Content); i += 2 {
		if w.On.Content[i].Value != event || w.On.Content[i+1].Kind != yaml.MappingNode {
			continue
		}
		var on struct {
			Inputs  map[string]workflowInput
			Secrets yaml.Node
			Outputs yaml.Node
		}
		if err := w.On.Content[i+1].Decode(&on); err != nil {
			return nil, fmt.Errorf("on.%s: %w", event, err)
		}
		return on.Inputs, nil
	}
	return nil, nil
}

// triggers lists the events of a caller's on: (a name, a list or a mapping).
func (w *workflow) triggers() []string {
	switch w.On.Kind {
	case yaml.ScalarNode:
		return []string{w.On.Value}
	case yaml.SequenceNode:
		var out []string
		for _, n := range w.On.Content {
			out = append(out, n.Value)
		}
		return out
	}
	var out []string
	for i := 0; i < len(w.On.Content); i += 2 {
		out = append(out, w.On.Content[i].Value)
	}
	return out
}

// permissions reads a permissions: block (read-all, write-all or a
// mapping); ok is false when there is none.
func permissions(n yaml.Node) (map[string]string, bool) {
	scopes := []string{"actions", "checks", "contents", "deployments", "id-token", "issues", "packages", "pages", "pull-requests", "statuses"}
	all := func(level string) map[string]string {
		m := map[string]string{}
		for _, s := range scopes {
			m[s] = level
		}
		return m
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Value == "write-all" {
			return all("write"), true
		}
		return all("read"), true
	case yaml.MappingNode:
		m := all("none")
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = n.Content[i+1].Value
		}
		return m, true
	}
	return nil, false
}
