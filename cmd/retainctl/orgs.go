package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// flagOrg is the root flag that picks an organisation of a repository of
// several: orgs/<name>/ is then the policies directory.
const flagOrg = "org"

// allOrgs is the --org value that runs the command once per organisation.
const allOrgs = "all"

// orgOf reads --org from args without parsing them: "all" must be seen
// before cobra runs, to run the command once per organisation.
func orgOf(args []string) string {
	for i, a := range args {
		switch {
		case a == "--":
			return ""
		case a == "--"+flagOrg && i+1 < len(args):
			return args[i+1]
		case strings.HasPrefix(a, "--"+flagOrg+"="):
			return strings.TrimPrefix(a, "--"+flagOrg+"=")
		}
	}
	return ""
}

// withOrg returns args with --org set to name.
func withOrg(args []string, name string) []string {
	out := slices.Clone(args)
	for i, a := range out {
		switch {
		case a == "--"+flagOrg && i+1 < len(out):
			out[i+1] = name
			return out
		case strings.HasPrefix(a, "--"+flagOrg+"="):
			out[i] = "--" + flagOrg + "=" + name
			return out
		}
	}
	return out
}

// executeEach runs the command line once per organisation, one section
// each, and combines the exit codes as a pipeline expects: a usage error
// or a failure in any organisation wins (3, then 1), then changes (2).
func executeEach(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	names, err := policy.OrgNames()
	if err != nil {
		fmt.Fprintln(stderr, "retainctl: --org all:", err)
		return exitUsage
	}
	if slices.Contains(args, "json") {
		fmt.Fprintln(stderr, "retainctl: --org all writes one section per organisation: for JSON, run once per organisation with --org NAME")
		return exitUsage
	}
	worst := exitOK
	for _, name := range names {
		fmt.Fprintf(stdout, "== organisation %s ==\n", name)
		code := execute(ctx, withOrg(args, name), stdout, stderr)
		if code != exitOK {
			fmt.Fprintf(stderr, "retainctl: organisation %s: exit %d\n", name, code)
		}
		worst = combine(worst, code)
	}
	return worst
}

// combine keeps the exit code that matters more.
func combine(a, b int) int {
	rank := map[int]int{exitOK: 0, exitChanges: 1, exitFailure: 2, exitUsage: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// applyOrg points a command at --org's directory: orgs/<name>/ for
// --policies, and a simulator state of its own for --sim, unless those
// flags were given.
func applyOrg(cmd *cobra.Command) error {
	name, _ := cmd.Flags().GetString(flagOrg)
	if name == "" {
		return nil
	}
	dir := filepath.Join(policy.OrgsDir, name)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() || strings.ContainsAny(name, `/\`) {
		known, _ := policy.OrgNames()
		return usageErr(fmt.Errorf("--org %s: no directory %s (organisations here: %s)", name, dir, strings.Join(known, ", ")))
	}
	set := func(flag, value string) error {
		if f := cmd.Flags().Lookup(flag); f != nil && !f.Changed {
			return cmd.Flags().Set(flag, value)
		}
		return nil
	}
	if err := set("policies", dir); err != nil {
		return err
	}
	return set("sim-state", filepath.Join(filepath.Dir(defaultSimState), "sim-state-"+name+".json"))
}

// envOfOrg is the environment as the Genesys client reads it: the
// GENESYSCLOUD_* variables, or, when the policies directory's settings say
// where the organisation is, its region or apiUrl and the variables they
// name for its credentials (whose values the masker learns).
func envOfOrg(cmd *cobra.Command, getenv func(string) string) func(string) string {
	f := cmd.Flags().Lookup("policies")
	if f == nil {
		return getenv
	}
	s, _ := policy.LoadSettings(f.Value.String())
	org := s.Organisation
	if org == nil {
		return getenv
	}
	if c := org.Credentials; c.ClientSecretEnv != "" {
		maskerOf(cmd.Context()).Add(getenv(c.ClientSecretEnv))
	}
	return func(k string) string {
		switch {
		case k == genesys.EnvClientID && org.Credentials.ClientIDEnv != "":
			return getenv(org.Credentials.ClientIDEnv)
		case k == genesys.EnvClientSecret && org.Credentials.ClientSecretEnv != "":
			return getenv(org.Credentials.ClientSecretEnv)
		case k == genesys.EnvAccessToken && org.Credentials.ClientIDEnv != "":
			return "" // a token for one organisation must not reach another
		case k == genesys.EnvRegion && org.Region != "":
			return org.Region
		case k == genesys.EnvAPIURL:
			return org.APIURL
		}
		return getenv(k)
	}
}
