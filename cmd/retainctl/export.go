package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/export"
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
			client, done, err := connect(ctx, cmd)
			if err != nil {
				return err
			}
			defer done()
			live, err := client.ListPolicies(ctx)
			if err != nil {
				return failErr(fmt.Errorf("listing live policies: %w", err))
			}
			files, skipped := export.Files(live)
			files = append(files, export.File{Name: "retainctl.yaml", Content: export.Settings()})
			if err := writeNew(out, files); err != nil {
				return usageErr(err)
			}
			w := cmd.ErrOrStderr()
			for _, s := range skipped {
				fmt.Fprintf(w, "retainctl: skipped %q (%s): %s\n", s.Name, s.ID, s.Reason)
			}
			fmt.Fprintf(w, "retainctl: wrote %d policies and retainctl.yaml to %s\n", len(files)-1, out)
			if len(skipped) > 0 {
				return silentExit(exitFailure)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "policies", "directory to write the YAML files to")
	addConnFlags(cmd)
	return cmd
}

// writeNew writes files into dir, refusing to overwrite any that exist so
// that an export never clobbers policies someone is editing.
func writeNew(dir string, files []export.File) error {
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, f.Name)); err == nil {
			return fmt.Errorf("%s already exists: export into an empty directory (--out)", filepath.Join(dir, f.Name))
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Content, 0o644); err != nil {
			return err
		}
	}
	return nil
}
