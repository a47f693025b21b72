package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/retainctl/retainctl/reconcile/export"
	"github.com/retainctl/retainctl/reconcile/resolve"
	"github.com/retainctl/retainctl/reconcile/validate"
)

// ExportOrg is what an export reads of the organisation: its policies,
// and the names of the objects they reference.
type ExportOrg interface {
	Lister
	resolve.Directory
	resolve.Namer
}

// Exported is what an export wrote and what it left out, with the reason.
type Exported struct {
	Files   []export.File
	Skipped []export.Skipped
}

// ErrExists is an export into a directory that already holds one of its
// files: an export never clobbers policies someone is editing.
var ErrExists = errors.New("export into an empty directory (--out)")

// Export writes the organisation's policies as YAML into dir, with a
// starting retainctl.yaml. The files are validated first, with the rules
// plan uses: one whose YAML they refuse (a retention below the license
// tier's minimum, say) is left out with the finding as its reason, so an
// export never writes YAML that does not validate. One that holds a
// secret (mask changes it) is left out too: masked, it would no longer say
// what the organisation has.
func Export(ctx context.Context, org ExportOrg, v *validate.Validator, dir string, mask func([]byte) []byte) (Exported, error) {
	live, err := org.ListPolicies(ctx)
	if err != nil {
		return Exported{}, fmt.Errorf("listing live policies: %w", err)
	}
	naming, err := resolve.NamingOf(ctx, org, export.Policies(live))
	if err != nil {
		return Exported{}, err
	}
	files, skipped := export.Files(live, naming)
	files = slices.DeleteFunc(files, func(f export.File) bool {
		if bytes.Equal(mask(f.Content), f.Content) {
			return false
		}
		skipped = append(skipped, export.Skipped{Name: f.Policy, ID: f.ID,
			Reason: "its fields hold a value to mask (a credential or a RETAINCTL_MASK value): export does not write it; write that policy's YAML by hand"})
		return true
	})
	files = append(files, export.File{Name: "retainctl.yaml", Content: export.Settings()})
	files, invalid, err := validFiles(ctx, v, files)
	if err != nil {
		return Exported{}, err
	}
	out := Exported{Files: files, Skipped: append(skipped, invalid...)}
	return out, writeNew(dir, files)
}

func validFiles(ctx context.Context, v *validate.Validator, files []export.File) ([]export.File, []export.Skipped, error) {
	if len(files) < 2 {
		return files, nil, nil // the settings alone: no policy to validate
	}
	dir, err := os.MkdirTemp("", "retainctl-export-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	if err := writeNew(dir, files); err != nil {
		return nil, nil, err
	}
	_, vs, err := v.ValidateDir(ctx, dir)
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

// writeNew writes files into dir, refusing to overwrite any that exist.
func writeNew(dir string, files []export.File) error {
	for _, f := range files {
		path := filepath.Join(dir, f.Name)
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("%s already exists: %w", path, ErrExists)
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
