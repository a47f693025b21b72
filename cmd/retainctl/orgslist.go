package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/changed"
)

// newOrgsCmd lists the organisations of the repository, or those a change
// touches, as the JSON a workflow's matrix reads with fromJSON.
func newOrgsCmd() *cobra.Command {
	var since, policies string
	cmd := &cobra.Command{
		Use:   "orgs",
		Short: "List the organisations (or those changed since a commit) as a workflow matrix",
		Long: "Prints {\"include\": [...]}, one entry per organisation: org (the directory under orgs/;\n" +
			"empty in a repository of one organisation), policies (its directory) and, when its\n" +
			"settings name them, clientIdEnv and clientSecretEnv. With --changed-since, only the\n" +
			"organisations the files changed since that commit touch: orgs/NAME/ touches NAME, a\n" +
			"directory an organisation includes touches it, rego/, .github/ and the tool touch all.\n" +
			"A base the clone lacks, or none (a new branch), lists every organisation.\n\n" +
			"Exit status: 0 listed, 3 usage error (such as a broken orgs/ directory).",
		Example: "  retainctl orgs\n  retainctl orgs --changed-since \"$BASE_SHA\"   # strategy: {matrix: ${{ fromJSON(needs.orgs.outputs.matrix) }}}",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			orgs, err := changed.Repo(policies)
			if err != nil {
				return usageErr(err)
			}
			if cmd.Flags().Changed("changed-since") {
				files, err := changed.Files(cmd.Context(), since)
				if err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "retainctl: %v; listing every organisation\n", err)
				} else {
					orgs = changed.Touched(orgs, files)
				}
			}
			if orgs == nil {
				orgs = []changed.Org{}
			}
			out, err := json.Marshal(map[string][]changed.Org{"include": orgs})
			if err != nil {
				return failErr(err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(out))
			return nil
		},
	}
	cmd.Flags().StringVar(&since, "changed-since", "", "only the organisations the changes since this commit touch (a pull request's base sha, a push's before)")
	cmd.Flags().StringVar(&policies, "policies", "policies", "the policies directory of a repository of one organisation (no orgs/)")
	return cmd
}
