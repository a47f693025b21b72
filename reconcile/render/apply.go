package render

import (
	"fmt"
	"strings"

	"github.com/retainctl/retainctl/reconcile/apply"
)

var outcomeIcon = map[apply.Outcome]string{apply.Applied: "✅", apply.Failed: "❌", apply.Skipped: "⏭️"}

// ApplyText describes an apply run for a terminal or a CI log.
func ApplyText(r apply.Result) string {
	var sb strings.Builder
	for _, c := range r.Changes {
		fmt.Fprintf(&sb, "%-8s %-7s %s%s\n", c.Outcome, c.Action, c.Name, applyDetail(c))
	}
	for _, d := range r.Drift {
		fmt.Fprintf(&sb, "drift    %s\n", d)
	}
	fmt.Fprintf(&sb, "%s\n", applyHeadline(r))
	return sb.String()
}

// ApplyMarkdown describes an apply run for the merged pull request.
func ApplyMarkdown(r apply.Result, reportSummary string) string {
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

func applyHeadline(r apply.Result) string {
	msg := fmt.Sprintf("%d of %d changes applied, %d failed, %d skipped",
		r.Count(apply.Applied), len(r.Changes), r.Failed(), r.Count(apply.Skipped))
	switch {
	case len(r.Drift) > 0:
		return msg + fmt.Sprintf("; the organisation still differs in %d policies", len(r.Drift))
	case r.Failed() == 0:
		return msg + "; the organisation matches the plan"
	}
	return msg + "; run apply again after fixing the failures: it converges without duplicates"
}

func applyDetail(c apply.ChangeResult) string {
	var parts []string
	if c.Note != "" {
		parts = append(parts, c.Note)
	}
	if c.Error != nil {
		parts = append(parts, c.Error.Message)
	}
	if len(parts) == 0 {
		return ""
	}
	return " — " + strings.Join(parts, "; ")
}
