package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/retainctl/retainctl/reconcile/outcome"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

var (
	riskIcon    = map[plan.Risk]string{plan.Safe: "🟢", plan.Review: "🟡", plan.Destructive: "🔴"}
	outcomeIcon = map[outcome.ChangeOutcome]string{outcome.ChangeApplied: "✅", outcome.ChangeFailed: "❌", outcome.ChangeSkipped: "⏭️"}
)

// planMarkdown writes Markdown, which stays a string for the pull request
// comment and job summary: they mask secrets in it before posting.
func planMarkdown(w io.Writer, p plan.Plan, _ Options) error {
	_, err := io.WriteString(w, Markdown(p))
	return err
}

// Markdown renders the plan for a pull request in the order a reviewer
// needs it, so that a cut at any line boundary (GitHub's comment limit)
// drops details, never what decides the review: the destructive changes,
// the errors, the changes table (destructive first, then review, then
// safe) and the storage line come first; warnings are capped, and the
// details of each change follow in the same order as the table.
//
// A plan that validation errors stopped shows the findings only: there is
// no storage, no fingerprint and nothing apply could run.
func Markdown(p plan.Plan) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "## retainctl plan\n\n**%s**\n\n", headline(p))
	if denies(p) > 0 && len(p.Changes) == 0 {
		mdViolations(&sb, p)
		return sb.String()
	}
	mdDestructive(&sb, p)
	mdFindings(&sb, "Errors", errorsOf(p.Violations))
	mdSummaryTable(&sb, p)
	mdStorage(&sb, p)
	mdFindings(&sb, "Warnings", warningsOf(p.Violations))
	mdGuards(&sb, p)
	mdStorageChart(&sb, p)
	mdOverlaps(&sb, p)
	mdLeftAlone(&sb, p)
	mdDetails(&sb, p)
	fmt.Fprintf(&sb, "\n<sub>Plan fingerprint `%s`: it covers what this plan changes, not the policies it leaves alone. "+
		"On merge, apply plans main again and carries out the plan only if it is this one (or every change in it was approved like this).</sub>\n", p.Fingerprint)
	return sb.String()
}

// maxWarnings caps the warnings a comment lists: the rest are annotations
// on their lines, and in `retainctl validate`.
const maxWarnings = 20

// NotPlanned explains, for a pull request, why no plan could be made, with
// the validation findings that could still be computed.
func NotPlanned(why string, vs []policy.Violation) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "## retainctl plan\n\n**Not planned:** %s\n\n", mdEscape(why))
	if len(vs) == 0 {
		sb.WriteString("The policies validate.\n")
	}
	mdViolations(&sb, plan.Plan{Violations: vs})
	return sb.String()
}

// ApplyMarkdown describes an apply run for the merged pull request.
func ApplyMarkdown(r outcome.Apply, reportSummary string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "## retainctl apply\n\n**%s**\n\n", applyHeadline(r))
	if len(r.Changes) > 0 {
		sb.WriteString("| | Policy | Action | Risk | Outcome |\n|---|---|---|---|---|\n")
		for _, c := range r.Changes {
			fmt.Fprintf(&sb, "| %s | %s | %s | %s | %s |\n", outcomeIcon[c.Outcome], mdEscape(c.Name), c.Action, c.Risk, mdEscape(string(c.Outcome)+applyDetail(c)))
		}
		sb.WriteString("\n")
	}
	for _, d := range r.Drift {
		fmt.Fprintf(&sb, "- ⚠️ drift: %s\n", mdEscape(d))
	}
	if reportSummary != "" {
		fmt.Fprintf(&sb, "\n<details><summary>Audit report</summary>\n\n```\n%s```\n</details>\n", fence(reportSummary))
	}
	fmt.Fprintf(&sb, "\n<sub>Applied plan `%s`.</sub>\n", r.Fingerprint)
	return sb.String()
}

func mdDestructive(sb *strings.Builder, p plan.Plan) {
	var lines []string
	for _, c := range p.Changes {
		if c.Risk == plan.Destructive {
			lines = append(lines, fmt.Sprintf("> - **%s** (%s): %s", mdEscape(c.Name), c.Action, mdEscape(strings.Join(c.Reasons, "; "))))
		}
	}
	for _, h := range p.Holds {
		if h.Risk == plan.Destructive {
			lines = append(lines, fmt.Sprintf("> - **hold %s** (release): %s", mdEscape(h.Name), mdEscape(strings.Join(h.Reasons, "; "))))
		}
	}
	if c := p.Ceiling; c != nil && c.Risk == plan.Destructive {
		lines = append(lines, "> - **analytics data retention**: "+mdEscape(strings.Join(c.Reasons, "; ")))
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(sb, "> [!CAUTION]\n> **%d destructive change(s)**: recordings may be deleted sooner or stop being kept. Review each one.\n>\n%s\n\n", len(lines), strings.Join(lines, "\n"))
}

// mdViolations lists the errors, then the warnings: what NotPlanned and a
// plan that validation stopped show.
func mdViolations(sb *strings.Builder, p plan.Plan) {
	if len(p.Violations) > 0 {
		mdFindings(sb, "Validation", append(errorsOf(p.Violations), warningsOf(p.Violations)...))
	}
}

func errorsOf(vs []policy.Violation) (out []policy.Violation) {
	for _, v := range vs {
		if v.Severity == policy.Deny {
			out = append(out, v)
		}
	}
	return out
}

func warningsOf(vs []policy.Violation) (out []policy.Violation) {
	for _, v := range vs {
		if v.Severity != policy.Deny {
			out = append(out, v)
		}
	}
	return out
}

// mdFindings writes a table of findings: every error (each one blocks the
// plan), at most maxWarnings of the others.
func mdFindings(sb *strings.Builder, title string, vs []policy.Violation) {
	if len(vs) == 0 {
		return
	}
	fmt.Fprintf(sb, "### %s\n\n| | Rule | Where | Policy | Message |\n|---|---|---|---|---|\n", title)
	shown, more := 0, 0
	for _, v := range vs {
		icon := "⚠️"
		switch v.Severity {
		case policy.Deny:
			icon = "❌"
		case policy.Waived:
			icon = "🏳️"
		}
		if v.Severity != policy.Deny {
			if shown == maxWarnings {
				more++
				continue
			}
			shown++
		}
		fmt.Fprintf(sb, "| %s | %s | %s | %s | %s |\n", icon, code(v.Rule), code(where(v)), mdEscape(v.Policy), mdEscape(findingText(v)))
	}
	if more > 0 {
		fmt.Fprintf(sb, "\n… and %d more warning(s): each is an annotation on its line (Files changed), and `retainctl validate` lists them all.\n", more)
	}
	sb.WriteString("\n")
}

// mdGuards lists the legal holds' protections and releases and the
// analytics ceiling.
func mdGuards(sb *strings.Builder, p plan.Plan) {
	hs := changedHolds(p)
	if len(hs) == 0 && p.Ceiling == nil {
		return
	}
	sb.WriteString("### Legal holds and the analytics ceiling\n\n| | Hold | Owner | Review by | Protect | Release | |\n|---|---|---|---|---|---|---|\n")
	for _, h := range hs {
		fmt.Fprintf(sb, "| %s | %s | %s | %s | %d | %d | %s |\n", riskIcon[h.Risk], mdEscape(h.Name), mdEscape(h.Owner), mdEscape(string(h.ReviewBy)),
			len(h.Protect), len(h.Release), mdEscape(strings.Join(h.Reasons, "; ")))
	}
	if n := heldUnchanged(p); n > 0 {
		fmt.Fprintf(sb, "\n%s already protected as written.\n", count(n, "hold", "holds"))
	}
	if c := p.Ceiling; c != nil {
		fmt.Fprintf(sb, "\n%s **Analytics data retention** (%s): %s\n", riskIcon[c.Risk], c.Risk, mdEscape(strings.Join(c.Reasons, "; ")))
	}
	sb.WriteString("\n")
}

// byRisk returns the changes that are not noops, destructive first, then
// review, then safe, in plan order within each.
func byRisk(p plan.Plan) []plan.Change {
	var out []plan.Change
	for _, r := range []plan.Risk{plan.Destructive, plan.Review, plan.Safe} {
		for _, c := range changed(p) {
			if c.Risk == r {
				out = append(out, c)
			}
		}
	}
	return out
}

func mdSummaryTable(sb *strings.Builder, p plan.Plan) {
	cs := byRisk(p)
	if len(cs) == 0 {
		return
	}
	sb.WriteString("| | Policy | Action | Risk | Retention | Projected storage | Δ storage |\n|---|---|---|---|---|---|---|\n")
	for _, c := range cs {
		fmt.Fprintf(sb, "| %s | %s | %s | %s | %s | %s | %s |\n",
			riskIcon[c.Risk], mdEscape(c.Name), c.Action, c.Risk, retention(c),
			gb(c.Storage.ProposedGB), signedGB(c.Storage.DeltaGB))
	}
	sb.WriteString("\n")
}

// mdStorage is the storage line. Its level is the storage's own, beside
// the changes' risk: a destructive change can lower storage.
func mdStorage(sb *strings.Builder, p plan.Plan) {
	s := p.Storage
	fmt.Fprintf(sb, "**Projected storage:** %s now → %s planned (%s), storage level **%s**.\n\n", gb(s.CurrentGB), gb(s.ProposedGB), signedGB(s.DeltaGB), s.Level)
}

// mdStorageChart draws the storage per object type.
func mdStorageChart(sb *strings.Builder, p plan.Plan) {
	s := p.Storage
	if len(s.ByType) == 0 {
		return
	}
	// Mermaid renders in GitHub comments; a bar per object type and side
	// reads at a glance, where two overlaid series would not.
	var labels, values []string
	for _, t := range s.ByType {
		labels = append(labels, fmt.Sprintf("%q, %q", t.ObjectType+" now", t.ObjectType+" planned"))
		values = append(values, fmt.Sprintf("%.2f, %.2f", t.CurrentGB/1000, t.ProposedGB/1000))
	}
	fmt.Fprintf(sb, "```mermaid\nxychart-beta\n  title \"Projected storage per object type (TB)\"\n  x-axis [%s]\n  y-axis \"TB\"\n  bar [%s]\n```\n\n",
		strings.Join(labels, ", "), strings.Join(values, ", "))
}

func mdOverlaps(sb *strings.Builder, p plan.Plan) {
	if len(p.Overlaps) == 0 {
		return
	}
	sb.WriteString("### Overlaps\n\nGenesys keeps a recording for the longest retention of every policy that matches it.\n\n| Policy | Overlaps | Effective retention | |\n|---|---|---|---|\n")
	for _, o := range p.Overlaps {
		note := ""
		if o.Shadowed {
			note = "shadowed: its own retention never applies"
		}
		fmt.Fprintf(sb, "| %s (%s) | %s (%s) | %s | %s |\n", mdEscape(o.Policy), dd(o.Retention), mdEscape(o.With), dd(o.WithRetention), dd(o.Effective), note)
	}
	sb.WriteString("\n")
}

func mdLeftAlone(sb *strings.Builder, p plan.Plan) {
	if len(p.Unmanaged) > 0 {
		fmt.Fprintf(sb, "<details><summary>%s (never touched)</summary>\n\n", count(len(p.Unmanaged), "unmanaged live policy", "unmanaged live policies"))
		for _, r := range p.Unmanaged {
			fmt.Fprintf(sb, "- %s (%s, %s, %s)\n", mdEscape(r.Name), code(r.ID), mdEscape(r.Media), refRetention(r))
			for _, n := range RefNotes(r) {
				fmt.Fprintf(sb, "  - ⚠️ %s\n", mdEscape(n))
			}
		}
		sb.WriteString("\nRun `retainctl export` to bring them into the repository.\n</details>\n\n")
	}
	if len(p.Orphaned) > 0 {
		fmt.Fprintf(sb, "<details><summary>%s the repository (kept: prune is off)</summary>\n\n", count(len(p.Orphaned), "managed policy left", "managed policies left"))
		for _, r := range p.Orphaned {
			fmt.Fprintf(sb, "- %s (%s)\n", mdEscape(r.Name), code(r.ID))
		}
		sb.WriteString("\n</details>\n\n")
	}
}

func mdDetails(sb *strings.Builder, p plan.Plan) {
	for _, c := range byRisk(p) {
		fmt.Fprintf(sb, "<details><summary>%s <b>%s</b> %s — %s</summary>\n\n", riskIcon[c.Risk], c.Action, mdEscape(c.Name), c.Risk)
		if c.Source != nil {
			fmt.Fprintf(sb, "Defined in %s.\n\n", code(fmt.Sprintf("%s:%d", c.Source.File, c.Source.Line)))
		}
		for _, r := range c.Reasons {
			fmt.Fprintf(sb, "- %s\n", mdEscape(r))
		}
		for _, n := range Notes(c) {
			fmt.Fprintf(sb, "- ⚠️ %s\n", mdEscape(n))
		}
		fmt.Fprintf(sb, "\n```diff\n%s```\n\n</details>\n\n", fence(PolicyDiff(c)))
	}
	var same []string
	for _, c := range p.Changes {
		if c.Action == plan.Noop {
			same = append(same, "- "+mdEscape(c.Name))
			for _, n := range Notes(c) {
				same = append(same, "  - ⚠️ "+mdEscape(n))
			}
		}
	}
	if len(same) > 0 {
		fmt.Fprintf(sb, "<details><summary>%s</summary>\n\n%s\n\n</details>\n", count(len(same), "unchanged policy", "unchanged policies"), strings.Join(same, "\n"))
	}
}

// mdEscaper makes user text (policy names, messages, values from the
// organisation) plain text in a pull request: no table break, no HTML or
// character reference (&#64; would still be an @), no link, bare URL
// (GitHub links http://, https:// and www. on its own), image or emphasis,
// no code span, and no @-mention that would notify someone (a zero-width
// space follows the @, and breaks the URLs).
var mdEscaper = strings.NewReplacer(
	"|", `\|`, "<", "&lt;", ">", "&gt;", "&", "&amp;", "\n", " ", "\r", " ",
	`\`, `\\`, "`", "\\`", "[", `\[`, "]", `\]`, "*", `\*`, "_", `\_`, "~", `\~`, "@", "@\u200b",
	"://", ":\u200b//", "www.", "www\u200b.",
)

func mdEscape(s string) string { return mdEscaper.Replace(s) }

// code writes s as an inline code span that its content cannot close: the
// fence is one backtick longer than any run of backticks in s. Inside a
// table a pipe is still escaped, as GitHub requires.
func code(s string) string {
	s = strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(s)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence, pad := strings.Repeat("`", longest+1), ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

// fence keeps a diff from closing its code fence early.
func fence(s string) string { return strings.ReplaceAll(s, "```", "`\u200b``") }
