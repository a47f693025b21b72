// Package render writes what the commands report — plans, apply results,
// enforcement reports, validation findings — for people and machines: text
// for terminals, markdown for pull requests, JSON for tools, workflow
// commands for GitHub's annotations. Each format has its own file; the
// registry (Plan, Apply, Enforce, Validate) says which a document has. It
// does no I/O of its own beyond the writer it is given.
package render

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// PolicyYAML renders a policy as the YAML an admin would write.
func PolicyYAML(p *policy.Policy) string {
	if p == nil {
		return ""
	}
	var sb strings.Builder
	enc := yaml.NewEncoder(&sb)
	enc.SetIndent(2)
	if err := enc.Encode(p); err != nil {
		return fmt.Sprintf("# cannot render: %v\n", err)
	}
	return sb.String()
}

// PolicyDiff is the unified diff of a change's policy, live against desired.
func PolicyDiff(c plan.Change) string {
	from, to := "live/"+c.Name, "desired/"+c.Name
	if c.RenamedFrom != "" {
		from = "live/" + c.RenamedFrom
	}
	if c.Before == nil {
		from = "/dev/null"
	}
	if c.After == nil {
		to = "/dev/null"
	}
	return UnifiedDiff(from, to, Named(PolicyYAML(c.Before), c.Names), Named(PolicyYAML(c.After), c.Names))
}

// oneLine keeps a name the organisation gave on one line: it is the
// platform's text, and a line break would let it write diff lines.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}

// Named writes the name of each id that names knows as a comment on the
// id's line of y (a policy's YAML), so a reviewer reads "Collections", not
// a UUID.
func Named(y string, names map[string]string) string {
	if len(names) == 0 {
		return y
	}
	lines := strings.Split(y, "\n")
	for i, l := range lines {
		var found []string
		for _, id := range slices.Sorted(maps.Keys(names)) {
			if strings.Contains(l, id) {
				found = append(found, oneLine(names[id]))
			}
		}
		if len(found) > 0 {
			lines[i] = l + " # " + strings.Join(found, ", ")
		}
	}
	return strings.Join(lines, "\n")
}

// headline says what the plan does in one line.
func headline(p plan.Plan) string {
	if n := denies(p); n > 0 {
		return fmt.Sprintf("Not planned: the policies have %d error(s) to fix first (listed below). Nothing was compared with the organisation.", n)
	}
	s := p.Summary
	if s.Changes() == 0 {
		return "No changes. The organisation matches the repository."
	}
	out := fmt.Sprintf("%d to create, %d to update, %d to adopt, %d to delete (%d unchanged)",
		s.Create, s.Update, s.Adopt, s.Delete, s.Noop)
	if s.Protect+s.Release > 0 {
		out += fmt.Sprintf("; legal holds: %d conversations to protect, %d to release", s.Protect, s.Release)
	}
	if s.Ceiling > 0 {
		out += fmt.Sprintf("; analytics data retention %d → %d days", p.Ceiling.Before, p.Ceiling.After)
	}
	return out
}

func denies(p plan.Plan) int {
	n := 0
	for _, v := range p.Violations {
		if v.Severity == policy.Deny {
			n++
		}
	}
	return n
}

// gb formats a size in GB, switching to TB where that reads better.
func gb(v float64) string {
	if v >= 1000 || v <= -1000 {
		return fmt.Sprintf("%.2f TB", v/1000)
	}
	return fmt.Sprintf("%.1f GB", v)
}

func signedGB(v float64) string {
	if v > 0 {
		return "+" + gb(v)
	}
	return gb(v)
}

// retention describes a change's retention, before → after when it moves.
func retention(c plan.Change) string {
	before := ""
	if c.Before != nil {
		before = dd(c.Before.RetentionPeriod)
		if slices.ContainsFunc(c.Fields, func(f plan.FieldChange) bool { return f.Field == "keepForever" }) {
			before = dd(policy.KeptForGood)
		}
	}
	switch {
	case c.After == nil:
		return before + " → deleted"
	case c.Before == nil || before == dd(c.After.RetentionPeriod):
		return dd(c.After.RetentionPeriod)
	}
	return before + " → " + dd(c.After.RetentionPeriod)
}

// dd writes a retention in days, compactly.
func dd(n policy.Retention) string {
	if n.ForGood() {
		return "for good"
	}
	return fmt.Sprintf("%d d", int(n))
}

// refRetention writes a live policy's retention.
func refRetention(r plan.LiveRef) string {
	if r.Forever {
		return dd(policy.KeptForGood)
	}
	return dd(r.Retention)
}

// changed returns the changes that are not noops.
func changed(p plan.Plan) (out []plan.Change) {
	for _, c := range p.Changes {
		if c.Action != plan.Noop {
			out = append(out, c)
		}
	}
	return out
}
