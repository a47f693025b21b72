//go:build workflows

package main

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// A workflow runner for tests: it runs an adopting repository's caller
// workflow as GitHub would for one event, the reusable workflow it calls,
// each job's matrix legs one after the other, and their steps with bash on
// this machine. Jobs run in order, never concurrently, so concurrency
// groups never wait; runs-on and timeouts are ignored.

// wfWorld is one test's GitHub: the repository, its secrets and
// environments, the fake API, and where artifacts and caches are kept.
type wfWorld struct {
	t            *testing.T
	root         string // this repository: action.yml and the reusable workflows
	tag          string // the release they pin, which the fake GitHub publishes
	fixture      string // testdata/workflows/<adopter>: the repository's first commit
	gh           *ghServer
	repo         *policyRepo
	secrets      map[string]string            // repository secrets
	environments map[string]map[string]string // environment -> its secrets
	machine      map[string]string            // the runner machine's own environment
	store        string                       // artifacts and caches
	sim          simTarget                    // the simulated organisation, of one
	forkSecrets  bool                         // "send secrets to workflows from fork pull requests" (private repositories)
	runs         int
}

// wfEvent is what triggered a run.
type wfEvent struct {
	name    string // pull_request, push, schedule, workflow_dispatch
	payload map[string]any
	sha     string // GITHUB_SHA
	ref     string // GITHUB_REF
	fork    bool   // a fork's pull request: no secrets, a read-only token
}

type wfRun struct {
	id        int
	triggered bool   // false when the caller's on: filters left the event out
	refused   string // why GitHub would not start the run, or ""
	jobs      []*wfJobResult
}

type wfJobResult struct {
	name       string
	conclusion string // success, failure, skipped
	log        strings.Builder
	summary    string
	outputs    map[string]string
	steps      map[string]any // the steps context at the end: each step's outputs and outcome
	env        string         // the deployment environment it ran in
}

// job returns the run's job of that name; the test fails without one.
func (r *wfRun) job(t *testing.T, name string) *wfJobResult {
	t.Helper()
	if r.refused != "" {
		t.Fatalf("GitHub would not start run %d: %s", r.id, r.refused)
	}
	for _, j := range r.jobs {
		if j.name == name {
			return j
		}
	}
	t.Fatalf("run %d has no job %q (jobs: %q)", r.id, name, jobNames(r))
	return nil
}

// jobNames lists the run's jobs, matrix legs by their names.
func jobNames(r *wfRun) []string {
	var out []string
	for _, j := range r.jobs {
		out = append(out, j.name)
	}
	return out
}

// run runs the caller workflow at path (in the adopting repository) for ev.
func (w *wfWorld) run(path string, ev wfEvent) *wfRun {
	w.t.Helper()
	var caller workflow
	if err := decodeStrict(path, &caller); err != nil {
		w.t.Fatal(err)
	}
	if !slices.Contains(caller.triggers(), ev.name) {
		w.t.Fatalf("%s does not run on %s (on: %v)", path, ev.name, caller.triggers())
	}
	if !w.passesFilters(&caller, ev) {
		return &wfRun{}
	}
	w.runs++
	r := &wfRun{id: 1000 + w.runs, triggered: true}
	jobs, err := caller.jobs()
	if err != nil {
		w.t.Fatal(err)
	}
	inputs := map[string]any{} // empty, but for a workflow_dispatch
	if ev.name == "workflow_dispatch" {
		declared, err := caller.inputs(ev.name)
		if err != nil {
			w.t.Fatal(err)
		}
		given := map[string]string{}
		for k, v := range ev.payload["inputs"].(map[string]any) {
			given[k] = toString(v)
		}
		if inputs, err = typedInputs(declared, given); err != nil {
			w.t.Fatalf("%s: %v", path, err)
		}
	}
	callerPerms, _ := permissions(caller.Permissions)
	for _, j := range jobs {
		perms, ok := permissions(j.Permissions)
		if !ok {
			perms = callerPerms
		}
		if j.Uses == "" {
			w.runJob(r, ev, &caller, j, perms, nil, inputs, w.inherit)
			continue
		}
		w.callReusable(r, ev, j, perms, inputs)
	}
	return r
}

// callReusable runs the reusable workflow a caller's job uses, with its
// inputs and secrets. As GitHub, it starts no job when one would ask for
// more permissions than the caller's job grants.
func (w *wfWorld) callReusable(r *wfRun, ev wfEvent, call *wfJob, perms map[string]string, callerInputs map[string]any) {
	file, ok := strings.CutPrefix(call.Uses, "retainctl/retainctl/")
	file, ref, _ := strings.Cut(file, "@")
	if !ok || !strings.HasPrefix(file, ".github/workflows/") || ref == "" {
		w.t.Fatalf("job %s uses %q: this runner calls only retainctl/retainctl's reusable workflows at a ref", call.ID, call.Uses)
	}
	var called workflow
	if err := decodeStrict(filepath.Join(w.root, file), &called); err != nil {
		w.t.Fatal(err)
	}
	declared, err := called.inputs("workflow_call")
	if err != nil {
		w.t.Fatal(err)
	}
	e := &exprEnv{contexts: map[string]any{"github": w.githubContext(r, ev, "", ""), "inputs": callerInputs}, status: "success"}
	given := map[string]string{}
	for k, v := range call.With {
		given[k] = w.must(e.interpolate(v.Value))
	}
	inputs, err := typedInputs(declared, given)
	if err != nil {
		w.t.Fatalf("job %s: %v", call.ID, err)
	}
	secrets := func(string) map[string]string { return map[string]string{} }
	switch {
	case call.Secrets.Value == "inherit":
		secrets = w.inherit
	case call.Secrets.Kind != 0:
		w.t.Fatalf("job %s: secrets: only inherit is supported by this runner", call.ID)
	}
	jobs, err := called.jobs()
	if err == nil {
		jobs, err = inOrder(jobs)
	}
	if err != nil {
		w.t.Fatal(err)
	}
	grants := map[string]map[string]string{}
	for _, j := range jobs {
		own, ok := permissions(j.Permissions)
		if !ok {
			own, _ = permissions(called.Permissions)
		}
		if over := exceeding(own, perms); over != "" {
			r.refused = fmt.Sprintf("the nested job %q is requesting %s, but the caller's job %s allows less", j.ID, over, call.ID)
			return
		}
		grants[j.ID] = own
	}
	needs := map[string]any{}
	for _, j := range jobs {
		needs[j.ID] = w.runJob(r, ev, &called, j, grants[j.ID], needs, inputs, secrets)
	}
}

// typedInputs is an inputs context: each declared input's default, then
// the value given, as the declared type.
func typedInputs(declared map[string]workflowInput, given map[string]string) (map[string]any, error) {
	out := map[string]any{}
	for name, in := range declared {
		s, ok := given[name]
		if !ok {
			if in.Required {
				return nil, fmt.Errorf("input %s is required", name)
			}
			s = in.Default.Value
		}
		switch in.Type {
		case "boolean":
			out[name] = s == "true"
		case "number":
			f, _ := strconv.ParseFloat(s, 64)
			out[name] = f
		default:
			out[name] = s
		}
	}
	for name := range given {
		if _, ok := declared[name]; !ok {
			return nil, fmt.Errorf("%s is not a declared input", name)
		}
	}
	return out, nil
}

// inherit is `secrets: inherit`: the repository's secrets and those of
// the job's environment.
func (w *wfWorld) inherit(environment string) map[string]string {
	s := maps.Clone(w.secrets)
	maps.Copy(s, w.environments[environment])
	return s
}

// exceeding names a scope that want asks for above what limit grants, or
// is "": GitHub refuses to start a reusable workflow's job that would.
func exceeding(want, limit map[string]string) string {
	rank := map[string]int{"none": 0, "read": 1, "write": 2}
	for scope, level := range want {
		if rank[limit[scope]] < rank[level] {
			return scope + ": " + level
		}
	}
	return ""
}

// runJob runs one job, every leg of its matrix, and returns its needs
// context entry: its result and outputs.
func (w *wfWorld) runJob(r *wfRun, ev wfEvent, wf *workflow, j *wfJob, perms map[string]string,
	needs map[string]any, inputs map[string]any, secrets func(string) map[string]string,
) map[string]any {
	w.t.Helper()
	status := "success"
	for _, n := range j.needs() {
		if res, _ := property(needs[n], "result"); res != "success" {
			status = "failure"
		}
	}
	github := w.githubContext(r, ev, j.ID, "")
	e := &exprEnv{status: status, contexts: map[string]any{"github": github, "inputs": inputs, "needs": needs}}
	run, err := e.condition(j.If)
	if err != nil {
		w.t.Fatalf("job %s: %v", j.ID, err)
	}
	if !run {
		r.jobs = append(r.jobs, &wfJobResult{name: j.ID, conclusion: "skipped"})
		return map[string]any{"result": "skipped", "outputs": map[string]any{}}
	}
	legs, err := matrixLegs(e, j.Strategy.Matrix)
	if err != nil {
		w.t.Fatalf("job %s: %v", j.ID, err)
	}
	result, outputs := "success", map[string]any{}
	for _, m := range legs {
		res := w.runLeg(r, ev, wf, j, perms, m, e.contexts, secrets)
		if res.conclusion != "success" {
			result = "failure"
		}
		for k, v := range res.outputs {
			outputs[k] = v
		}
	}
	return map[string]any{"result": result, "outputs": outputs}
}

// matrixLegs expands strategy.matrix: a list of include entries (as
// fromJSON of `retainctl orgs` gives), or one leg without a matrix.
func matrixLegs(e *exprEnv, n yaml.Node) ([]map[string]any, error) {
	if n.Kind == 0 {
		return []map[string]any{nil}, nil
	}
	v, err := e.value(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		return nil, fmt.Errorf("strategy.matrix: %v (this runner takes ${{ fromJSON(...) }} of {include: [...]})", err)
	}
	m, _ := v.(map[string]any)
	include, _ := m["include"].([]any)
	if len(m) != 1 || len(include) == 0 {
		return nil, fmt.Errorf("strategy.matrix is %v: want {include: [...]} with entries (GitHub fails a job whose matrix is empty)", v)
	}
	var legs []map[string]any
	for _, x := range include {
		leg, ok := x.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("strategy.matrix: entry %v is not an object", x)
		}
		legs = append(legs, leg)
	}
	return legs, nil
}

// githubContext is the github context of a job; composite() adds the
// action_* entries for the steps of an action.
func (w *wfWorld) githubContext(r *wfRun, ev wfEvent, job, workspace string) map[string]any {
	refName := ev.ref // refs/heads/main is main, refs/pull/7/merge 7/merge
	for _, prefix := range []string{"refs/heads/", "refs/tags/", "refs/pull/"} {
		refName = strings.TrimPrefix(refName, prefix)
	}
	var payload any = ev.payload
	if payload == nil {
		payload = map[string]any{}
	}
	return map[string]any{
		"event_name": ev.name, "event": payload, "sha": ev.sha, "ref": ev.ref, "ref_name": refName,
		"repository": wfRepo, "repository_owner": wfOwner, "actor": "author", "job": job,
		"run_id": strconv.Itoa(r.id), "run_number": strconv.Itoa(r.id), "run_attempt": "1",
		"server_url": w.gh.URL, "api_url": w.gh.URL + "/api/v3", "graphql_url": w.gh.URL + "/api/graphql",
		"workspace": workspace, "workflow": "caller", "token": "",
	}
}
