package main

import (
	"strings"

	"github.com/spf13/cobra"
)

// usage is each verb's examples and what its exit codes mean, shown by
// --help: the first hour with a tool is spent there.
var usage = map[string]struct{ examples, exits string }{
	"validate": {"retainctl validate\nretainctl validate --policies orgs/eu --rules rules/ --format github",
		"0 no errors (warnings allowed), 1 errors, 3 usage or input error"},
	"plan": {"retainctl plan --sim\nretainctl plan --out plan.json --detailed-exitcode\nretainctl plan --org all --detailed-exitcode",
		"0 planned (with --detailed-exitcode: no changes), 1 errors in the policies or a failure, 2 changes (--detailed-exitcode), 3 usage error"},
	"apply": {"retainctl apply plan.json\nretainctl apply --sim --auto-approve",
		"0 applied (or already applied), 1 refused, failed or drift left, 3 usage error"},
	"enforce": {"retainctl enforce --dry-run\nretainctl enforce --policy \"Inbound calls - 90 days\" --now 2026-11-30T12:00:00Z --dry-run",
		"0 every job succeeded, 1 a job or the run failed, 3 usage error"},
	"export": {"retainctl export --sim --out policies", "0 exported, 1 failure, 3 usage error (such as a non-empty --out)"},
	"verify": {"retainctl verify --rules rules/\nretainctl verify --rules rules/ --policies policies --now 2027-01-01T00:00:00Z",
		"0 every test passed (and every waiver runs and is used), 1 a failure, 3 usage error"},
	"report":  {"retainctl report --format html --out posture.html", "0 written, 1 failure, 3 usage error"},
	"schema":  {"retainctl schema --kind hold > hold.schema.json", "0 written, 3 unknown kind"},
	"sim":     {"retainctl sim --addr 127.0.0.1:8080 --latency 20ms", "0 stopped cleanly, 1 the server failed, 3 usage error"},
	"version": {"retainctl version", "0"},
}

// documentUsage adds the examples and exit codes to each verb's help.
func documentUsage(root *cobra.Command) {
	for _, c := range root.Commands() {
		u, ok := usage[c.Name()]
		if !ok {
			continue
		}
		c.Example = indent(u.examples)
		long := c.Long
		if long == "" {
			long = c.Short + "."
		}
		if !strings.Contains(long, "Exit status") {
			c.Long = long + "\n\nExit status: " + u.exits + "."
		}
	}
}

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }
