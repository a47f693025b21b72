package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/run"
	"github.com/retainctl/retainctl/reconcile/validate"
)

func newExportCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the live organisation's policies as policy YAML",
		Long: "Writes every live media retention policy, managed or not, as one YAML file in --out,\n" +
			"plus a retainctl.yaml. Commit them and the first plan adopts the organisation as it is.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			v, err := validate.New(ctx, "")
			if err != nil {
				return failErr(err)
			}
			client, done, err := connect(ctx, cmd)
			if err != nil {
				return err
			}
			defer done()
			res, err := run.Export(ctx, client, v, out, maskerOf(ctx).Bytes)
			switch {
			case errors.Is(err, run.ErrExists):
				return usageErr(err)
			case err != nil:
				return failErr(err)
			}
			w := cmd.ErrOrStderr()
			for _, s := range res.Skipped {
				fmt.Fprintf(w, "retainctl: skipped %q (%s): %s\n", s.Name, s.ID, s.Reason)
			}
			n := len(res.Files) - 1
			fmt.Fprintf(w, "retainctl: wrote %d %s and retainctl.yaml to %s\n", n, plural(n, "policy", "policies"), out)
			if n > 0 {
				fmt.Fprintf(w, "retainctl: schedules and tags are not in Genesys, so none was exported: give each policy a schedule (each file ends with one to fill in) or `retainctl enforce` never runs it\n")
			}
			if len(res.Skipped) > 0 {
				return silentExit(exitFailure)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "policies", "directory to write the YAML files to")
	// Under --org, the organisation's directory: its settings say where it
	// is and which credentials it uses (pacing too). Not a flag of its own.
	cmd.Flags().String("policies", "", "")
	_ = cmd.Flags().MarkHidden("policies")
	addConnFlags(cmd)
	return cmd
}
