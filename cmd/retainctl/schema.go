package main

import (
	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/policy"
)

func newSchemaCmd() *cobra.Command {
	var kind string
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the policy YAML (or, with --kind settings, of retainctl.yaml)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := policy.Schema(kind)
			if err != nil {
				return usageErr(err)
			}
			_, err = cmd.OutOrStdout().Write(b)
			return err
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "policy", "which schema: policy, settings or hold")
	return cmd
}
