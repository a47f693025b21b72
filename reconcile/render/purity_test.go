package render_test

import (
	"go/build"
	"strings"
	"testing"
)

const module = "github.com/retainctl/retainctl/"

// The pure core — the desired state, the mapping, the overlap analysis, the
// plan, the outcomes and their rendering — imports only itself: none of the
// packages that talk to Genesys, GitHub, the audit trail or run the flows.
var pure = map[string]bool{
	"reconcile/policy": true, "reconcile/genesys/model": true, "reconcile/mapping": true,
	"reconcile/overlap": true, "reconcile/plan": true, "reconcile/outcome": true, "reconcile/render": true,
}

func TestPureCoreImportsNoIOPackage(t *testing.T) {
	seen := map[string]bool{}
	var walk func(path, from string)
	walk = func(path, from string) {
		if seen[path] {
			return
		}
		seen[path] = true
		pkg, err := build.Default.Import(module+path, "../..", 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range pkg.Imports {
			rel, ok := strings.CutPrefix(imp, module)
			if !ok {
				continue
			}
			if !pure[rel] {
				t.Errorf("%s imports %s (via %s), which is not part of the pure core", path, rel, from)
				continue
			}
			walk(rel, path)
		}
	}
	for p := range pure {
		walk(p, p)
	}
}
