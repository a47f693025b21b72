package policy_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// FuzzLoad feeds arbitrary bytes as a policy file and as the settings file,
// and the same as a legal hold and a hold's ids file: the loader must never
// panic, and must always either load or explain.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("../../policies/*.y*ml")
	holds, _ := filepath.Glob("../../policies/holds/*.y*ml")
	seeds = append(seeds, holds...)
	more, _ := filepath.Glob("../../testdata/invalid/*/*.y*ml")
	for _, name := range append(seeds, more...) {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b, []byte("licenseTier: STANDARD\n"))
			f.Add(append(b, "\nconversationsFile: ids.txt\n"...), []byte("3f2c9a1e-0b7d-4e55-9c1a-2d4e6f8a0b1c\n# c\nbad\n"))
		}
	}
	f.Fuzz(func(t *testing.T, doc, settings []byte) {
		fsys := fstest.MapFS{"p.yaml": {Data: doc}, policy.SettingsFile: {Data: settings},
			"holds/h.yaml": {Data: doc}, "holds/ids.txt": {Data: settings}}
		repo, err := policy.LoadFS(fsys, "policies")
		var le *policy.LoadError
		if errors.As(err, &le) {
			for _, p := range le.Problems {
				if p.Rule == "" || p.Message == "" || p.File == "" || p.Line < 1 {
					t.Fatalf("problem without rule, message or location: %+v", p)
				}
			}
		}
		for _, p := range repo.Policies {
			if p.Source.File == "" || p.Source.Line < 1 || p.ObjectType == "sms" {
				t.Fatalf("policy %+v: missing source or not normalised", p)
			}
		}
		for _, h := range repo.Holds {
			if h.Source.File == "" || h.Source.Line < 1 {
				t.Fatalf("hold %+v: missing source", h)
			}
		}
		// Whatever loads must travel on: plans, rules and audit are JSON.
		if _, err := json.Marshal(repo); err != nil {
			t.Fatalf("loaded repository does not encode: %v", err)
		}
	})
}
