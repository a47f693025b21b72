package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/export"
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
			files, invalid, err := validExport(cmd, files)
			if err != nil {
				return err
			}
			skipped = append(skipped, invalid...)
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

// validExport validates the exported files as plan would, and keeps back
// the ones whose YAML retainctl's own rules refuse (a retention below the
// license tier's minimum, say), with the finding as the reason: an export
// never writes YAML that does not validate.
func validExport(cmd *cobra.Command, files []export.File) ([]export.File, []export.Skipped, error) {
	if len(files) < 2 {
		return files, nil, nil // the settings alone: no policy to validate
	}
	dir, err := os.MkdirTemp("", "retainctl-export-")
	if err != nil {
		return nil, nil, failErr(err)
	}
	defer os.RemoveAll(dir)
	if err := writeNew(dir, files); err != nil {
		return nil, nil, failErr(err)
	}
	_, vs, err := loadValid(cmd.Context(), dir, "")
	if err != nil {
		return nil, nil, err
	}
	why := map[string]string{}
	for _, v := range vs {
		if v.Severity == validate.Deny {
			why[filepath.Base(v.File)] = fmt.Sprintf("its YAML would not validate (%s: %s)", v.Rule, v.Message)
		}
	}
	var kept []export.File
	var skipped []export.Skipped
	for _, f := range files {
		if reason, bad := why[f.Name]; bad {
			skipped = append(skipped, export.Skipped{Name: f.Policy, ID: f.ID, Reason: reason})
			continue
		}
		kept = append(kept, f)
	}
	return kept, skipped, nil
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
