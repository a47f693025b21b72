package main

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/validate"
)

func newVerifyCmd() *cobra.Command {
	var rulesDir string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Run the Rego unit tests (*_test.rego) of the embedded and custom rules",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			results, err := validate.RunTests(cmd.Context(), rulesDir)
			if err != nil {
				return usageErr(err)
			}
			slices.SortFunc(results, func(a, b validate.TestResult) int { return cmp.Compare(a.Name, b.Name) })
			out := cmd.OutOrStdout()
			var passed, failed, skipped int
			for _, r := range results {
				status := "PASS"
				switch {
				case r.Skip:
					status = "SKIP"
					skipped++
				case !r.Pass:
					status = "FAIL"
					failed++
				default:
					passed++
				}
				fmt.Fprintf(out, "%s %s (%s)\n", status, r.Name, r.Location)
				if r.Error != "" {
					fmt.Fprintf(out, "  error: %s\n", r.Error)
				}
			}
			fmt.Fprintf(out, "%d test(s): %d passed, %d failed, %d skipped\n", len(results), passed, failed, skipped)
			if failed > 0 {
				return silentExit(exitFailure)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&rulesDir, "rules", "", "directory of extra .rego rules and their *_test.rego tests")
	return cmd
}
