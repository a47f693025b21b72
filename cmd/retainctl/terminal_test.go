//go:build !windows

package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// onTerminal runs this test binary as retainctl (see TestMain) with its
// stdout and stderr on a pseudo-terminal, as a person at a terminal would,
// and returns everything the terminal received and the exit code.
func onTerminal(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(cleanEnv(), "RETAINCTL_TEST_MAIN=1", "TERM=xterm-256color")
	cmd.Env = append(cmd.Env, env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	copied := make(chan struct{})
	go func() { _, _ = io.Copy(&out, f); close(copied) }() // ends with EIO when the child exits
	code := 0
	if err := waitFor(cmd, time.Minute); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatal(err)
		}
		code = ee.ExitCode()
	}
	select {
	case <-copied:
	case <-time.After(10 * time.Second):
		t.Fatal("the terminal's output did not end")
	}
	return out.String(), code
}

// notOnTerminal runs the same command line with stdout and stderr on
// pipes, as CI does.
func notOnTerminal(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(cleanEnv(), "RETAINCTL_TEST_MAIN=1", "TERM=xterm-256color"), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	code := 0
	if err := waitFor(cmd, time.Minute); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatal(err)
		}
		code = ee.ExitCode()
	}
	return out.String(), errOut.String(), code
}

// cleanEnv is the environment without what would change the output's
// colour, whatever the machine running the tests has set.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "NO_COLOR" && k != "TERM" && k != "RETAINCTL_TEST_MAIN" {
			env = append(env, kv)
		}
	}
	return env
}

var ansiColour = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestTerminalGetsColourUnlessAskedNot(t *testing.T) {
	inExample(t)
	out, code := onTerminal(t, nil, "plan", "--sim")
	if code != exitOK {
		t.Fatalf("plan on a terminal: exit %d\n%s", code, out)
	}
	if !ansiColour.MatchString(out) || !strings.Contains(out, "\x1b[1mretainctl plan:") {
		t.Errorf("no colour on a terminal:\n%q", firstLines(out, 3))
	}
	for name, run := range map[string]func() string{
		"NO_COLOR": func() string { o, _ := onTerminal(t, []string{"NO_COLOR=1"}, "plan", "--sim"); return o },
		"--no-color": func() string {
			o, _ := onTerminal(t, nil, "plan", "--sim", "--no-color")
			return o
		},
		"TERM=dumb": func() string { o, _ := onTerminal(t, []string{"TERM=dumb"}, "plan", "--sim"); return o },
		"a pipe":    func() string { o, _, _ := notOnTerminal(t, nil, "plan", "--sim"); return o },
	} {
		out := run()
		if !strings.Contains(out, "retainctl plan:") {
			t.Errorf("%s: no plan:\n%s", name, out)
		}
		if ansiColour.MatchString(out) {
			t.Errorf("%s: colour escapes in the output:\n%q", name, firstLines(out, 3))
		}
	}
}

// Apply's progress on a terminal is one line redrawn in place; in a log it
// is plain lines. Enforce's progress line is redrawn on a terminal too.
func TestTerminalProgressIsRedrawnInPlace(t *testing.T) {
	inExample(t)
	out, code := onTerminal(t, nil, "apply", "--sim", "--auto-approve")
	if code != exitOK {
		t.Fatalf("apply on a terminal: exit %d\n%s", code, out)
	}
	redraws := regexp.MustCompile(`\r\x1b\[Kapplying: (\d+)/(\d+) changes`).FindAllStringSubmatch(out, -1)
	if len(redraws) < 2 {
		t.Fatalf("apply's progress is not redrawn in place:\n%q", out)
	}
	last := redraws[len(redraws)-1]
	if last[1] != last[2] {
		t.Errorf("the last progress line is %s/%s, not the whole run", last[1], last[2])
	}
	if strings.Contains(out, "retainctl: applying:") {
		t.Errorf("plain progress lines on a terminal:\n%q", out)
	}

	// The same run in CI (on an organisation of its own): plain lines, none redrawn.
	_, errOut, code := notOnTerminal(t, nil, "apply", "--sim", "--sim-state", "ci-state.json", "--auto-approve")
	if code != exitOK {
		t.Fatalf("apply in a log: exit %d\n%s", code, errOut)
	}
	if strings.Contains(errOut, "\r") || strings.Contains(errOut, "\x1b[") || !regexp.MustCompile(`(?m)^retainctl: applying: (\d+)/(\d+) changes`).MatchString(errOut) {
		t.Errorf("apply's progress in a log:\n%q", errOut)
	}

	out, code = onTerminal(t, nil, "enforce", "--sim", "--dry-run", "--now", "2026-11-30T12:00:00Z")
	if code != exitOK {
		t.Fatalf("enforce on a terminal: exit %d\n%s", code, out)
	}
	if !regexp.MustCompile(`\r\x1b\[Kenforce: \d+/\d+ jobs done`).MatchString(out) {
		t.Errorf("enforce's progress is not redrawn in place:\n%q", out)
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
