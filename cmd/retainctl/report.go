package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/posture"
	"github.com/retainctl/retainctl/reconcile/run"
	"github.com/retainctl/retainctl/reconcile/validate"
)

func newReportCmd() *cobra.Command {
	var policies, format, out string
	cmd := &cobra.Command{
		Use:   "report",
		Short: "The retention posture: coverage and its gaps, storage over 5 years, holds, waivers, last changes",
		Long: `A report for reviewers and auditors, from the policies directory (the state
apply enforces) and the audit log (settings audit.log): the effective retention
of each object type × direction, the gaps the platform keeps indefinitely, the
storage projected at 1, 3 and 5 years (the settings' estimates), the active
legal holds and the waivers with their owners and dates, and the last changes
with who approved them. --format html writes one self-contained page (no
script, no external asset, an inline SVG chart).

With --sim, or GENESYSCLOUD_* credentials in the environment (or named by
--org's settings), the report reads the organisation's live policies and
shows its current storage against the planned (the repository applied, as
plan would apply it) at 1, 3 and 5 years. Without, it is made offline and
says "planned only".

Exit codes: 0 written, 1 could not be written or the organisation could not
be read, 3 bad flags or policies.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "markdown" && format != "html" {
				return usageErr(fmt.Errorf("--format %q: use markdown or html", format))
			}
			repo, vs, err := loadValid(cmd.Context(), policies, "", time.Time{})
			if err != nil {
				return err
			}
			entries, _, err := audit.ReadLog(repo.Settings.Audit.Log)
			if err != nil {
				return failErr(err)
			}
			live, err := readCurrent(cmd, repo, vs)
			if err != nil {
				return err
			}
			p := posture.Build(repo, entries, live)
			var data []byte
			if format == "html" {
				if data, err = posture.HTML(p); err != nil {
					return failErr(err)
				}
			} else {
				data = []byte(posture.Markdown(p))
			}
			data = maskerOf(cmd.Context()).Bytes(data)
			if out == "" {
				_, err = cmd.OutOrStdout().Write(data)
			} else {
				err = os.WriteFile(out, data, 0o644)
			}
			if err != nil {
				return failErr(err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&policies, "policies", "policies", "directory of policy YAML files")
	f.StringVar(&format, "format", "markdown", "markdown or html")
	f.StringVar(&out, "out", "", "write the report to this file (default: stdout)")
	addConnFlags(cmd)
	return cmd
}

// readCurrent reads the organisation for the report's current storage
// when the command line or the environment names one (--sim, or
// credentials), and returns nil, offline, when neither does: a report
// needs no account. Credentials half given are an error, as in plan.
func readCurrent(cmd *cobra.Command, repo policy.Repo, vs []validate.Violation) (*posture.Live, error) {
	if !wantsOrg(cmd) {
		return nil, nil
	}
	if validate.HasDeny(vs) {
		return nil, usageErr(fmt.Errorf("%s does not validate, so it cannot be planned against the organisation: run retainctl validate --policies %[1]s", repo.Dir))
	}
	ctx := cmd.Context()
	t, err := targetOf(cmd)
	if err != nil {
		return nil, err
	}
	client, done, err := t.connect(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer done()
	pl, err := run.Plan(ctx, client, repo)
	if err != nil {
		return nil, failErr(err)
	}
	policies, err := client.ListPolicies(ctx)
	if err != nil {
		return nil, failErr(fmt.Errorf("listing live policies: %w", err))
	}
	return &posture.Live{Org: t.name(), Plan: pl, Policies: policies}, nil
}

// wantsOrg: --sim, or any Genesys credential in the environment the
// client would read.
func wantsOrg(cmd *cobra.Command) bool {
	if sim, _ := cmd.Flags().GetBool("sim"); sim {
		return true
	}
	getenv, err := envOfOrg(cmd, os.Getenv)
	if err != nil {
		return true // connecting says what is wrong
	}
	for _, k := range []string{genesys.EnvClientID, genesys.EnvClientSecret, genesys.EnvAccessToken} {
		if strings.TrimSpace(getenv(k)) != "" {
			return true
		}
	}
	return false
}
