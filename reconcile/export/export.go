// Package export writes a live organisation's policies as policy YAML, so
// that an existing organisation is brought under Git with one pull request.
package export

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/render"
)

// File is one YAML file to write, named relative to the output directory.
type File struct {
	Name    string
	Content []byte
}

// Skipped is a live policy that one YAML policy cannot express.
type Skipped struct {
	Name, ID, Reason string
}

// Files renders each live policy as its own YAML file. Policies that hold
// retention for several media, or that delete at once, are skipped with the
// reason: writing them would change what they do.
func Files(live []genesys.Policy) ([]File, []Skipped) {
	sorted := append([]genesys.Policy(nil), live...)
	mapping.SortByName(sorted)
	var files []File
	var skipped []Skipped
	used := map[string]bool{}
	for _, g := range sorted {
		l := mapping.FromAPI(g)
		if reason := unrepresentable(l); reason != "" {
			skipped = append(skipped, Skipped{Name: g.Name, ID: g.ID, Reason: reason})
			continue
		}
		files = append(files, File{Name: uniqueName(slug(g.Name), used), Content: document(g, l)})
	}
	return files, skipped
}

func unrepresentable(l mapping.Live) string {
	switch {
	case len(l.Media) == 0:
		return "it has no media policy with actions"
	case len(l.Media) > 1:
		return fmt.Sprintf("it holds retention for several media (%s); split it into one policy per media in Genesys Cloud first", strings.Join(l.Media, ", "))
	case l.Immediate:
		return "it deletes recordings at once rather than after a retention period"
	}
	return ""
}

func document(g genesys.Policy, l mapping.Live) []byte {
	p := l.Policy
	if p.IsEnabled() {
		p.Enabled = nil // the default; keep the YAML short
	}
	status := "unmanaged: the first plan adopts it"
	if l.Managed {
		status = "already managed by retainctl"
	}
	header := fmt.Sprintf("# Exported by retainctl from Genesys Cloud policy %s (%s).\n", g.ID, status)
	return []byte(header + render.PolicyYAML(&p))
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slug turns a policy name into a file name stem.
func slug(name string) string {
	s := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(s) > 60 {
		s = strings.Trim(s[:60], "-")
	}
	if s == "" {
		s = "policy"
	}
	return s
}

func uniqueName(stem string, used map[string]bool) string {
	name := stem + ".yaml"
	for i := 2; used[name] || name == "retainctl.yaml"; i++ {
		name = fmt.Sprintf("%s-%d.yaml", stem, i)
	}
	used[name] = true
	return name
}

// Settings is a starting retainctl.yaml for an exported organisation.
func Settings() []byte {
	s := policy.DefaultSettings()
	return []byte(fmt.Sprintf(`# retainctl settings. Every key is optional; see docs/policy-reference.md.
licenseTier: %s
prune: false
conflicts: {strategy: %s, windowDays: %d}
`, s.LicenseTier, s.Conflicts.Strategy, s.Conflicts.WindowDays))
}
