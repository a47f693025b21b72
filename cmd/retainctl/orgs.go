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
	if slices.Contains(args, "json") || slices.Contains(args, "--format=json") {
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
	if info, err := os.Stat(dir); !policy.ValidOrgName(name) || err != nil || !info.IsDir() {
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
// GENESYSCLOUD_* variables for a repository of one organisation; under
// --org, the organisation's region or apiUrl and the variables its settings
// name for its credentials, and nothing of the default ones, so that no
// organisation connects with another's. The settings sit in the repository
// a pull request changes, so they may not send credentials anywhere but a
// Genesys region's API (or a URL RETAINCTL_ALLOWED_API_URLS lists), nor
// name a variable that holds another secret.
func envOfOrg(cmd *cobra.Command, getenv func(string) string) (func(string) string, error) {
	name, _ := cmd.Flags().GetString(flagOrg)
	f := cmd.Flags().Lookup("policies")
	if name == "" || f == nil {
		return getenv, nil
	}
	s, _ := policy.LoadSettings(f.Value.String())
	org := s.Organisation
	if org == nil || org.Credentials.ClientIDEnv == "" || org.Credentials.ClientSecretEnv == "" {
		return nil, fmt.Errorf("organisation %s: %s names no organisation.credentials: each organisation of several connects with its own (clientIdEnv, clientSecretEnv)", name, filepath.Join(f.Value.String(), policy.SettingsFile))
	}
	if err := checkOrgTarget(*org, getenv); err != nil {
		return nil, fmt.Errorf("organisation %s: %w", name, err)
	}
	id, secret := getenv(org.Credentials.ClientIDEnv), getenv(org.Credentials.ClientSecretEnv)
	maskerOf(cmd.Context()).AddBasicAuth(id, secret)
	return func(k string) string {
		switch k {
		case genesys.EnvClientID:
			return id
		case genesys.EnvClientSecret:
			return secret
		case genesys.EnvRegion:
			return org.Region
		case genesys.EnvAPIURL:
			return org.APIURL
		case genesys.EnvAccessToken:
			return "" // a token is one organisation's: never another's
		}
		return getenv(k)
	}, nil
}

// envAllowedURLs lists API URLs, beyond the regions', that settings may
// name: set by whoever runs retainctl (a test, a private deployment), not
// by the repository.
const envAllowedURLs = "RETAINCTL_ALLOWED_API_URLS"

// secretPrefixes are variables an organisation's credentials may not name:
// they hold the CI's, the webhook's or retainctl's own secrets.
var secretPrefixes = []string{"GITHUB_", "ACTIONS_", "RUNNER_", "RETAINCTL_"}

// checkOrgTarget refuses an organisation whose settings would send its
// credentials off Genesys, or read another secret as them.
func checkOrgTarget(org policy.Organisation, getenv func(string) string) error {
	if u := org.APIURL; u != "" && !genesys.IsRegionAPI(u) && !slices.Contains(strings.Split(getenv(envAllowedURLs), ","), u) {
		return fmt.Errorf("apiUrl %s is not a Genesys Cloud region's API (https://api.<region domain>): name the region instead, or list the URL in %s where retainctl runs", u, envAllowedURLs)
	}
	for _, env := range []string{org.Credentials.ClientIDEnv, org.Credentials.ClientSecretEnv} {
		for _, p := range secretPrefixes {
			if strings.HasPrefix(strings.ToUpper(env), p) {
				return fmt.Errorf("credentials name %s, a variable that holds another secret: name the variables of the organisation's own OAuth client", env)
			}
		}
	}
	return nil
}
