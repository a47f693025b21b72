// Package export writes a live organisation's policies as policy YAML, so
// that an existing organisation is brought under Git with one pull request.
package export

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/render"
	"github.com/retainctl/retainctl/reconcile/resolve"
)

// File is one YAML file to write, named relative to the output directory.
type File struct {
	Name    string
	Content []byte
	// Policy and ID name the live policy it holds (none for settings).
	Policy, ID string
}

// Policies returns the policies the live ones read as, for naming their ids.
func Policies(live []model.Policy) []policy.Policy {
	out := make([]policy.Policy, len(live))
	for i, g := range live {
		out[i] = mapping.FromAPI(g).Policy
	}
	return out
}

// Skipped is a live policy that one YAML policy cannot express.
type Skipped struct {
	Name, ID, Reason string
}

// Files renders each live policy as its own YAML file, writing ids as
// naming says (names where they are unique). The YAML manages the policy's
// first part; what it cannot say (other media, evaluations, transcription)
// is listed in a comment, and plans keep it as it is. Policies no YAML
// policy can manage are skipped with the reason.
func Files(live []model.Policy, naming resolve.Naming) ([]File, []Skipped) {
	sorted := append([]model.Policy(nil), live...)
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
		files = append(files, File{Name: uniqueName(slug(g.Name), used), Content: document(g, l, naming), Policy: g.Name, ID: g.ID})
	}
	return files, skipped
}

func unrepresentable(l mapping.Live) string {
	switch {
	case len(l.Unknown) > 0:
		return "it holds fields retainctl has no model for (" + strings.Join(l.Unknown, ", ") + ")"
	case len(l.Media) == 0:
		return "it has no media policy with actions"
	case l.Part == policy.Interaction:
		return "it is a policy-level (legacy) policy, whose scope Genesys does not document; give it one media policy per medium in Genesys Cloud first"
	case l.Immediate:
		return "it deletes recordings at once rather than after a retention period"
	case l.Forever:
		return "it keeps recordings for good, which a retentionPeriod cannot say; retainctl leaves it alone and never deletes what it keeps"
	case l.Policy.RetentionPeriod <= 0:
		return "its " + mapping.PartName(l.Part) + " sets no retention period (deleteRetention days)"
	}
	return ""
}

func document(g model.Policy, l mapping.Live, naming resolve.Naming) []byte {
	p := naming.Named(l.Policy)
	if p.IsEnabled() {
		p.Enabled = nil // the default; keep the YAML short
	}
	status := "unmanaged: the first plan adopts it"
	if l.Managed {
		status = "already managed by retainctl"
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "# Exported by retainctl from Genesys Cloud policy %s (%s).\n", oneLine(g.ID), status)
	if len(l.Carried) > 0 {
		sb.WriteString("# Genesys also holds, and retainctl keeps as it is (no YAML key says it):\n")
		for _, c := range l.Carried {
			fmt.Fprintf(&sb, "#   %s: %s\n", oneLine(or(c.Path, "policy level")), oneLine(c.What))
		}
	}
	for _, e := range l.Errors {
		fmt.Fprintf(&sb, "# Genesys reports a problem with this policy: %s\n", oneLine(e))
	}
	sb.WriteString(NotInGenesys)
	sb.WriteString(render.Named(render.PolicyYAML(&p), naming.Notes))
	sb.WriteString(scheduleHint)
	return []byte(sb.String())
}

// NotInGenesys says, at the top of every exported policy, what export cannot
// know: schedules and tags live only in the YAML. Without a schedule,
// `retainctl enforce` never runs the policy.
const NotInGenesys = `# Not exported: schedule and tags are retainctl's own and Genesys does not hold them.
# Add a schedule (uncomment the one at the end of this file) or enforce never applies this
# policy to existing recordings; tags are optional.
`

// scheduleHint is a schedule to fill in, commented out, after the policy.
const scheduleHint = `# schedule: {frequency: WEEKLY, dayOfWeek: SUNDAY, timezone: UTC}   # or DAILY, or MONTHLY with dayOfMonth
# tags: []
`

// oneLine keeps text from the organisation inside its comment line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
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
