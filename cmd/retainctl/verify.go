package main

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/validate"
)

func newVerifyCmd() *cobra.Command {
	var rulesDir, policies, now string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Run the Rego unit tests (*_test.rego) of the embedded and custom rules, and check the waivers",
		Long: `Verify runs the rules' unit tests. With --policies, it also checks each waiver
in that directory's settings: it must be valid, running (see --now), and waive
at least one finding; an expired or unused waiver fails.`,
		Args: cobra.NoArgs,
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
			if policies != "" {
				bad, err := verifyWaivers(cmd, policies, rulesDir, now)
				if err != nil {
					return err
				}
				failed += bad
			}
			if failed > 0 {
				return silentExit(exitFailure)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&rulesDir, "rules", "", "directory of extra .rego rules and their *_test.rego tests")
	cmd.Flags().StringVar(&policies, "policies", "", "also check the waivers of this policies directory")
	addNowFlag(cmd.Flags(), &now)
	return cmd
}

// verifyWaivers validates the policies directory and prints one line per
// waiver; it returns how many failed.
func verifyWaivers(cmd *cobra.Command, dir, rulesDir, nowFlag string) (int, error) {
	at, err := parseNow(nowFlag)
	if err != nil {
		return 0, err
	}
	if at.IsZero() {
		at = time.Now()
	}
	repo, vs, err := loadValid(cmd.Context(), dir, rulesDir, at)
	if err != nil {
		return 0, err
	}
	out, failed := cmd.OutOrStdout(), 0
	for _, c := range validate.WaiverCases(repo.Settings, vs, at) {
		w := c.Waiver
		where := fmt.Sprintf("%s:%d", repo.Settings.Source.File, c.Line)
		if c.Problem != "" {
			failed++
			fmt.Fprintf(out, "FAIL waiver %s on %q (%s): %s\n", w.Rule, w.Policy, where, c.Problem)
			continue
		}
		fmt.Fprintf(out, "PASS waiver %s on %q (%s): waives %d finding(s) until %s, owner %s\n", w.Rule, w.Policy, where, c.Waived, w.Expires, w.Owner)
	}
	fmt.Fprintf(out, "%d waiver(s): %d failed\n", len(repo.Settings.Waivers), failed)
	return failed, nil
}
