package main

import (
	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/render"
	"github.com/retainctl/retainctl/reconcile/validate"
)

func newValidateCmd() *cobra.Command {
	var dir, rulesDir, format, now string
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the policy YAML against the embedded (and your own) Rego rules",
		Long: `Validate loads every policy in the policies directory and checks it against
retainctl's rules and any .rego modules in --rules. Exit status: 0 when there
are no errors (warnings allowed), 1 when there are, 3 for a usage or input
error (bad flag, missing directory, a custom rule that does not compile).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(render.Validate, format); err != nil {
				return err
			}
			_, vs, err := loadValidNow(cmd.Context(), dir, rulesDir, now)
			if err != nil {
				return err
			}
			if err := write(cmd.OutOrStdout(), render.Validate, vs, format); err != nil {
				return failErr(err)
			}
			if validate.HasDeny(vs) {
				return silentExit(exitFailure)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "policies", "policies", "directory of policy YAML files")
	cmd.Flags().StringVar(&rulesDir, "rules", "", "directory of extra .rego rules (packages under retainctl.rules)")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json or github")
	addNowFlag(cmd.Flags(), &now)
	return cmd
}
