package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestErrorsTeach holds the messages a newcomer's first mistakes get to
// what they say in full: where the mistake is (line and column) and what to
// write instead. Each case is a policies directory and a command line.
func TestErrorsTeach(t *testing.T) {
	const head = "name: A\nobjectType: call\n"
	for _, tc := range []struct {
		name   string
		policy string // policies/a.yaml, when the case needs one
		args   []string
		code   int
		stdout string
		stderr string
		prefix bool // stderr need only start with stderr
	}{{
		name:   "a key indented too far",
		policy: head + " retentionPeriod: 90\n",
		args:   []string{"validate"},
		code:   exitFailure,
		stdout: "policies/a.yaml:3: deny [yaml.syntax] column 2: mapping values are not allowed in this context: check the indentation: keys of one mapping line up, and a nested key is indented further than its parent\n1 error(s), 0 warning(s)\n",
	}, {
		name:   "a nested key indented less than its siblings",
		policy: head + "retentionPeriod: 90\nschedule:\n  frequency: DAILY\n timezone: UTC\n",
		args:   []string{"validate"},
		code:   exitFailure,
		stdout: "policies/a.yaml:6: deny [yaml.syntax] column 2: did not find expected key: check the indentation: keys of one mapping line up, and a nested key is indented further than its parent\n1 error(s), 0 warning(s)\n",
	}, {
		name:   "a tab",
		policy: head + "retentionPeriod: 90\nfilters:\n\t- {attribute: direction, operator: EQ, value: INBOUND}\n",
		args:   []string{"validate"},
		code:   exitFailure,
		stdout: "policies/a.yaml:5: deny [yaml.syntax] column 1: found character that cannot start any token: YAML forbids tabs for indentation; use spaces\n1 error(s), 0 warning(s)\n",
	}, {
		name:   "an unquoted colon",
		policy: head + "retentionPeriod: 90\ndescription: Sales: EMEA\n",
		args:   []string{"validate"},
		code:   exitFailure,
		stdout: "policies/a.yaml:4: deny [yaml.syntax] column 19: mapping values are not allowed in this context: a value that holds \": \" must be quoted, e.g. description: \"Sales: EMEA\"\n1 error(s), 0 warning(s)\n",
	}, {
		name:   "a key without its colon",
		policy: "name: A\nobjectType call\nretentionPeriod: 90\n",
		args:   []string{"validate"},
		code:   exitFailure,
		stdout: "policies/a.yaml:2: deny [yaml.syntax] column 1: could not find expected ':': a key needs a colon and a space before its value, e.g. objectType: call\n1 error(s), 0 warning(s)\n",
	}, {
		name:   "a frequency in lower case is one finding",
		policy: head + "retentionPeriod: 90\nschedule: {frequency: weekly, dayOfWeek: MONDAY}\n",
		args:   []string{"validate"},
		code:   exitFailure,
		stdout: "policies/a.yaml:4: deny [schedule.frequency] A: schedule.frequency \"weekly\" must be upper case: write WEEKLY\n1 error(s), 0 warning(s)\n",
	}, {
		name:   "the directory as an argument",
		args:   []string{"validate", "policies"},
		code:   exitUsage,
		stderr: "retainctl: validate takes no arguments; did you mean --policies policies?\n",
	}, {
		name:   "an argument to a command that takes none and has no --policies",
		args:   []string{"schema", "out.json"},
		code:   exitUsage,
		stderr: "retainctl: schema takes no arguments (got \"out.json\"); see retainctl schema --help\n",
	}, {
		name:   "one argument too many",
		args:   []string{"apply", "plan.json", "policies"},
		code:   exitUsage,
		stderr: "retainctl: apply takes at most 1 argument(s): retainctl apply [PLANFILE] [flags] (got \"policies\"); see retainctl apply --help\n",
	}, {
		name:   "a misspelt flag",
		args:   []string{"validate", "--polcies", "policies"},
		code:   exitUsage,
		stderr: "retainctl: retainctl validate has no flag --polcies; did you mean --policies?\n",
	}, {
		name:   "a shortened flag",
		args:   []string{"plan", "--detailed-exit"},
		code:   exitUsage,
		stderr: "retainctl: retainctl plan has no flag --detailed-exit; did you mean --detailed-exitcode?\n",
	}, {
		name:   "a flag nothing is near",
		args:   []string{"plan", "--zzzzzzzz"},
		code:   exitUsage,
		stderr: "retainctl: retainctl plan has no flag --zzzzzzzz (see retainctl plan --help)\n",
	}, {
		name:   "a misspelt subcommand of a group",
		args:   []string{"audit", "flsh"},
		code:   exitUsage,
		stderr: "retainctl: unknown command \"flsh\" for retainctl audit; did you mean flush?\n",
	}, {
		name:   "a group without its subcommand",
		args:   []string{"audit"},
		code:   exitUsage,
		stderr: "retainctl: retainctl audit needs a command: flush", // and the others, as they come
		prefix: true,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			if err := os.Mkdir("policies", 0o755); err != nil {
				t.Fatal(err)
			}
			policy := tc.policy
			if policy == "" {
				policy = head + "retentionPeriod: 90\n"
			}
			if err := os.WriteFile(filepath.Join("policies", "a.yaml"), []byte(policy), 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := cli(t, tc.args...)
			if tc.prefix && strings.HasPrefix(stderr, tc.stderr) {
				stderr = tc.stderr
			}
			if code != tc.code || stdout != tc.stdout || stderr != tc.stderr {
				t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s\nwant exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
			}
		})
	}
}
