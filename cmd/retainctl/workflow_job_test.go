//go:build workflows

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// jobMachine is one job leg's fresh runner, as GitHub gives each job a
// new machine: its workspace, temp and home, and what its steps hand on
// to the next ones (GITHUB_ENV, GITHUB_PATH).
type jobMachine struct {
	w         *wfWorld
	run       *wfRun
	ev        wfEvent
	res       *wfJobResult
	token     string // the job's GITHUB_TOKEN
	dir       string
	workspace string
	temp      string
	base      map[string]string // the machine's and GitHub's variables
	exported  map[string]string // from GITHUB_ENV
	paths     []string          // from GITHUB_PATH, newest first
	steps     int
}

// scope is where steps run: the job, or a composite action within a step.
type scope struct {
	contexts map[string]any
	steps    map[string]any
	env      map[string]string // what each step's env starts from
	status   string
	action   bool // a composite action's steps
}

// runLeg runs one leg of a job's matrix on a fresh machine.
func (w *wfWorld) runLeg(r *wfRun, ev wfEvent, wf *workflow, j *wfJob, perms map[string]string,
	matrix map[string]any, outer map[string]any, secrets func(string) map[string]string,
) *wfJobResult {
	w.t.Helper()
	contexts := maps.Clone(outer)
	contexts["matrix"] = matrix
	e := &exprEnv{contexts: contexts, status: "success"}
	res := &wfJobResult{name: j.ID, outputs: map[string]string{}}
	if j.Name != "" {
		res.name = strings.TrimSpace(w.must(e.interpolate(j.Name)))
	}
	res.env = w.environment(e, j.Environment)
	sec := secrets(res.env)
	if ev.fork {
		// GitHub gives a fork's pull_request run a read-only token, and no
		// secrets unless the repository sends them.
		if !w.forkSecrets {
			sec = map[string]string{}
		}
		perms = maps.Clone(perms)
		for scope, level := range perms {
			if level == "write" {
				perms[scope] = "read"
			}
		}
	}
	m := w.newMachine(r, ev, res, j.ID)
	github := w.githubContext(r, ev, j.ID, m.workspace)
	m.token = w.gh.token(perms)
	github["token"] = m.token
	sec = maps.Clone(sec)
	sec["GITHUB_TOKEN"] = m.token
	contexts["github"], contexts["secrets"] = github, toAny(sec)
	contexts["runner"] = map[string]any{"os": "Linux", "arch": runnerArch(), "temp": m.temp, "name": "test-runner", "tool_cache": filepath.Join(m.dir, "toolcache")}
	contexts["strategy"] = map[string]any{"fail-fast": j.Strategy.FailFast == nil || *j.Strategy.FailFast}
	sc := &scope{contexts: contexts, steps: map[string]any{}, env: map[string]string{}, status: "success"}
	for _, layer := range []map[string]string{wf.Env, j.Env} {
		for k, v := range layer {
			sc.env[k] = w.must(m.expr(sc).interpolate(v))
		}
	}
	fmt.Fprintf(&res.log, "== job %s (run %d, environment %q)\n", res.name, r.id, res.env)
	res.conclusion, res.steps = m.runSteps(sc, j.Steps), sc.steps
	for k, v := range j.Outputs {
		res.outputs[k] = w.must(m.expr(sc).interpolate(v))
		// GitHub drops a job output that holds a secret.
		for _, s := range sec {
			if s != "" && strings.Contains(res.outputs[k], s) {
				fmt.Fprintf(&res.log, "Warning: Skip output '%s' since it may contain secret.\n", k)
				delete(res.outputs, k)
				break
			}
		}
	}
	r.jobs = append(r.jobs, res)
	return res
}

// environment is the name of a job's deployment environment, or "".
func (w *wfWorld) environment(e *exprEnv, n yaml.Node) string {
	switch n.Kind {
	case 0:
		return ""
	case yaml.ScalarNode:
		return w.must(e.interpolate(n.Value))
	}
	w.t.Fatalf("environment: only a name is supported by this runner")
	return ""
}

func (w *wfWorld) must(s string, err error) string {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

func (w *wfWorld) newMachine(r *wfRun, ev wfEvent, res *wfJobResult, job string) *jobMachine {
	dir := w.t.TempDir()
	m := &jobMachine{w: w, run: r, ev: ev, res: res, dir: dir, workspace: filepath.Join(dir, "work", wfName),
		temp: filepath.Join(dir, "temp"), exported: map[string]string{}}
	for _, d := range []string{m.workspace, m.temp, filepath.Join(dir, "home"), filepath.Join(dir, "files")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			w.t.Fatal(err)
		}
	}
	event := filepath.Join(dir, "event.json")
	if err := writeJSONFile(event, ev.payload); err != nil {
		w.t.Fatal(err)
	}
	m.base = maps.Clone(w.machine)
	maps.Copy(m.base, map[string]string{
		"HOME": filepath.Join(dir, "home"), "CI": "true", "GITHUB_ACTIONS": "true",
		"GITHUB_REPOSITORY": wfRepo, "GITHUB_REPOSITORY_OWNER": wfOwner, "GITHUB_EVENT_NAME": ev.name,
		"GITHUB_EVENT_PATH": event, "GITHUB_SHA": ev.sha, "GITHUB_REF": ev.ref, "GITHUB_WORKSPACE": m.workspace,
		"GITHUB_SERVER_URL": w.gh.URL, "GITHUB_API_URL": w.gh.URL + "/api/v3", "GITHUB_GRAPHQL_URL": w.gh.URL + "/api/graphql",
		"GITHUB_RUN_ID": fmt.Sprint(r.id), "GITHUB_RUN_NUMBER": fmt.Sprint(r.id), "GITHUB_RUN_ATTEMPT": "1",
		"GITHUB_JOB": job, "GITHUB_ACTOR": "author", "GITHUB_WORKFLOW": "caller",
		"RUNNER_OS": "Linux", "RUNNER_ARCH": runnerArch(), "RUNNER_TEMP": m.temp, "RUNNER_TOOL_CACHE": filepath.Join(dir, "toolcache"),
	})
	return m
}

// writeJSONFile writes v as JSON to path.
func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func runnerArch() string {
	if runtime.GOARCH == "arm64" {
		return "ARM64"
	}
	return "X64"
}

// expr is the expression environment of the scope's next step.
func (m *jobMachine) expr(sc *scope) *exprEnv {
	c := maps.Clone(sc.contexts)
	env := maps.Clone(sc.env)
	maps.Copy(env, m.exported)
	c["env"], c["steps"], c["job"] = toAny(env), sc.steps, map[string]any{"status": sc.status}
	return &exprEnv{contexts: c, status: sc.status, workspace: m.workspace}
}

// runSteps runs steps in order, as GitHub does: a step's if: decides, by
// default success() of the steps before it. It returns the scope's status.
func (m *jobMachine) runSteps(sc *scope, steps []wfStep) string {
	for i, st := range steps {
		id := st.ID
		if id == "" {
			id = fmt.Sprintf("__step%d", i)
		}
		e := m.expr(sc)
		ok, err := e.condition(st.If)
		if err != nil {
			m.w.t.Fatalf("step %q: %v", stepName(st), err)
		}
		if !ok {
			fmt.Fprintf(&m.res.log, "-- %s: skipped\n", stepName(st))
			sc.steps[id] = map[string]any{"outcome": "skipped", "conclusion": "skipped", "outputs": map[string]any{}}
			continue
		}
		env := maps.Clone(sc.env)
		for k, v := range st.Env {
			env[k] = m.w.must(e.interpolate(v))
		}
		fmt.Fprintf(&m.res.log, "-- %s\n", stepName(st))
		start := time.Now()
		var outputs map[string]string
		if st.Run != "" {
			outputs, err = m.script(sc, st, env)
		} else {
			outputs, err = m.uses(sc, st, env)
		}
		outcome := "success"
		if err != nil {
			outcome, sc.status = "failure", "failure"
			fmt.Fprintf(&m.res.log, "-- %s failed: %v\n", stepName(st), err)
		}
		fmt.Fprintf(&m.res.log, "-- (%s: %s in %.1fs)\n", stepName(st), outcome, time.Since(start).Seconds())
		sc.steps[id] = map[string]any{"outcome": outcome, "conclusion": outcome, "outputs": toAny(outputs)}
	}
	return sc.status
}

func stepName(st wfStep) string {
	switch {
	case st.Name != "":
		return st.Name
	case st.Uses != "":
		return st.Uses
	}
	first, _, _ := strings.Cut(st.Run, "\n")
	return "Run " + first
}

// script runs a run: step with bash as GitHub does: `bash -e {0}` when
// the step names no shell, `bash --noprofile --norc -eo pipefail {0}` for
// shell: bash. A composite action's steps must name their shell.
func (m *jobMachine) script(sc *scope, st wfStep, env map[string]string) (map[string]string, error) {
	e := m.expr(sc)
	if sc.action {
		// GitHub leaves these empty in a composite action's run: text
		// (actions/runner#2473); the step's env: sees them.
		g := maps.Clone(e.contexts["github"].(map[string]any))
		g["action_ref"], g["action_repository"] = "", ""
		e.contexts["github"] = g
	}
	src, err := e.interpolate(st.Run)
	if err != nil {
		m.w.t.Fatalf("step %q: %v", stepName(st), err)
	}
	var args []string
	switch {
	case st.Shell == "" && !sc.action:
		args = []string{"-e"}
	case st.Shell == "bash":
		args = []string{"--noprofile", "--norc", "-eo", "pipefail"}
	default:
		m.w.t.Fatalf("step %q: shell %q is not supported by this runner (composite steps must name one)", stepName(st), st.Shell)
	}
	files := m.stepFiles()
	file := filepath.Join(m.temp, fmt.Sprintf("step%d.sh", m.steps))
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		return nil, err
	}
	dir := m.workspace
	if st.WorkingDirectory != "" {
		dir = m.w.must(e.interpolate(st.WorkingDirectory))
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(m.workspace, dir)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append(args, file)...)
	cmd.Dir, cmd.Env = dir, m.processEnv(sc, env, files)
	out, runErr := cmd.CombinedOutput()
	m.res.log.Write(out)
	outputs, err := m.collect(files)
	if runErr != nil {
		return outputs, fmt.Errorf("bash: %w", runErr)
	}
	return outputs, err
}

// stepFiles are a step's own GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH and
// GITHUB_STEP_SUMMARY.
func (m *jobMachine) stepFiles() map[string]string {
	m.steps++
	files := map[string]string{}
	for _, k := range []string{"GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY"} {
		files[k] = filepath.Join(m.dir, "files", fmt.Sprintf("%d_%s", m.steps, strings.ToLower(k)))
		if err := os.WriteFile(files[k], nil, 0o644); err != nil {
			m.w.t.Fatal(err)
		}
	}
	return files
}

// processEnv is a step's environment: the machine's and GitHub's
// variables, GITHUB_ENV's, the step's env, its files, and PATH with
// GITHUB_PATH's directories first. Nothing else of the host's.
func (m *jobMachine) processEnv(sc *scope, env, files map[string]string) []string {
	all := maps.Clone(m.base)
	maps.Copy(all, m.exported)
	maps.Copy(all, env)
	maps.Copy(all, files)
	if sc.action {
		all["GITHUB_ACTION_PATH"] = m.w.root
		all["GITHUB_ACTION_REPOSITORY"], all["GITHUB_ACTION_REF"] = "", "" // as GitHub, see script
	}
	all["PATH"] = strings.Join(append(append([]string{}, m.paths...), m.base["PATH"]), string(os.PathListSeparator))
	out := make([]string, 0, len(all))
	for k, v := range all {
		out = append(out, k+"="+v)
	}
	return out
}

// collect reads back what a step wrote to its files.
func (m *jobMachine) collect(files map[string]string) (map[string]string, error) {
	outputs, err := readKeyValues(files["GITHUB_OUTPUT"])
	if err != nil {
		return nil, fmt.Errorf("GITHUB_OUTPUT: %w", err)
	}
	env, err := readKeyValues(files["GITHUB_ENV"])
	if err != nil {
		return nil, fmt.Errorf("GITHUB_ENV: %w", err)
	}
	maps.Copy(m.exported, env)
	paths, _ := os.ReadFile(files["GITHUB_PATH"])
	for line := range strings.SplitSeq(strings.TrimSpace(string(paths)), "\n") {
		if line != "" {
			m.paths = append([]string{line}, m.paths...)
		}
	}
	summary, _ := os.ReadFile(files["GITHUB_STEP_SUMMARY"])
	m.res.summary += string(summary)
	return outputs, nil
}

// readKeyValues reads GITHUB_OUTPUT's format: name=value lines, or
// name<<DELIMITER, the value's lines, DELIMITER.
func readKeyValues(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		if name, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(name, "=") {
			var lines []string
			for sc.Scan() && sc.Text() != delim {
				lines = append(lines, sc.Text())
			}
			out[name] = strings.Join(lines, "\n")
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("line %q is neither name=value nor name<<DELIMITER", line)
		}
		out[name] = value
	}
	return out, sc.Err()
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
