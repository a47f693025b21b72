package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/posture"
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

Exit codes: 0 written, 1 could not be written, 3 bad flags or policies.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "markdown" && format != "html" {
				return usageErr(fmt.Errorf("--format %q: use markdown or html", format))
			}
			repo, _, err := loadValid(cmd.Context(), policies, "", time.Time{})
			if err != nil {
				return err
			}
			entries, _, err := audit.ReadLog(repo.Settings.Audit.Log)
			if err != nil {
				return failErr(err)
			}
			p := posture.Build(repo, entries)
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
	return cmd
}
