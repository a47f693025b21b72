package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/retainctl/retainctl/reconcile/outcome"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// ANSI colours, used only when the output is a terminal.
const (
	red    = "\x1b[31m"
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

var actionSign = map[plan.Action]string{plan.Create: "+", plan.Update: "~", plan.Adopt: ">", plan.Delete: "-"}

// planText writes the plan for a terminal, in colour if opt says so.
func planText(w io.Writer, p plan.Plan, opt Options) error {
	t := textWriter{w: w, color: opt.Color}
	t.line(bold, "retainctl plan: %s", headline(p))
	for _, v := range p.Violations {
		t.line(severityColor(v.Severity), "%s", findingLine(v))
	}
	for _, c := range changed(p) {
		t.change(c)
	}
	for _, h := range changedHolds(p) {
		t.line(riskColor(h.Risk), "\n%s %s — %s", holdSign(h), holdLine(h), h.Risk)
	}
	if c := p.Ceiling; c != nil {
		t.line(riskColor(c.Risk), "\n~ %s — %s", ceilingLine(c), c.Risk)
	}
	for _, c := range p.Changes {
		if n := Notes(c); c.Action == plan.Noop && len(n) > 0 {
			t.line("", "\n= unchanged %q", c.Name)
			t.notes(n)
		}
	}
	for _, r := range p.Unmanaged {
		t.line("", "  unmanaged (left alone): %s [%s]", r.Name, r.ID)
		t.notes(RefNotes(r))
	}
	for _, r := range p.Orphaned {
		t.line(yellow, "  managed but not in the repository (kept, prune is off): %s [%s]", r.Name, r.ID)
	}
	if denies(p) > 0 {
		// Nothing was compared: no storage, risk or fingerprint to show.
		return t.err
	}
	s := p.Storage
	risk := ""
	if s.Level != "" {
		risk = ", risk " + string(s.Level)
	}
	t.line("", "\nProjected storage: %s now → %s planned (%s)%s", gbText(s.CurrentGB), gbText(s.ProposedGB), signedGBText(s.DeltaGB), risk)
	if p.Fingerprint != "" {
		t.line("", "Fingerprint: %s", p.Fingerprint)
	}
	return t.err
}

// gbText and signedGBText are gb and signedGB for text that a person
// reads: a size that rounds to zero is 0.0 GB, never -0.0 GB.
func gbText(v float64) string { return gb(noNegativeZero(v)) }

func signedGBText(v float64) string { return signedGB(noNegativeZero(v)) }

func noNegativeZero(v float64) float64 {
	if v > -0.05 && v < 0.05 {
		return 0
	}
	return v
}

type textWriter struct {
	w     io.Writer
	color bool
	err   error
}

func (t *textWriter) line(colour, format string, args ...any) {
	if t.err != nil {
		return
	}
	s := fmt.Sprintf(format, args...)
	if t.color && colour != "" {
		s = colour + s + reset
	}
	_, t.err = fmt.Fprintln(t.w, s)
}

func (t *textWriter) change(c plan.Change) {
	t.line("", "")
	t.line(riskColor(c.Risk), "%s %s %q (%s) — %s, %s", actionSign[c.Action], c.Action, c.Name, retention(c), c.Risk, signedGBText(c.Storage.DeltaGB))
	for _, r := range c.Reasons {
		t.line("", "    • %s", r)
	}
	t.notes(Notes(c))
	for _, l := range strings.Split(strings.TrimRight(PolicyDiff(c), "\n"), "\n") {
		if strings.HasPrefix(l, "---") || strings.HasPrefix(l, "+++") || l == "" {
			continue
		}
		t.line(diffColor(l), "    %s", l)
	}
}

func (t *textWriter) notes(ns []string) {
	for _, n := range ns {
		t.line(yellow, "    ! %s", n)
	}
}

func riskColor(r plan.Risk) string {
	switch r {
	case plan.Destructive:
		return red
	case plan.Review:
		return yellow
	}
	return green
}

func severityColor(s policy.Severity) string {
	switch s {
	case policy.Deny:
		return red
	case policy.Waived:
		return ""
	}
	return yellow
}

// holdSign marks a hold's change like a policy's: + protects, - releases.
func holdSign(h plan.HoldChange) string {
	if len(h.Release) > 0 {
		return "-"
	}
	return "+"
}

func diffColor(l string) string {
	switch l[0] {
	case '+':
		return green
	case '-':
		return red
	}
	return ""
}

// applyString describes an apply run for a terminal or a CI log.
func applyString(r outcome.Apply) string {
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

func applyText(w io.Writer, r outcome.Apply, _ Options) error {
	_, err := io.WriteString(w, applyString(r))
	return err
}

// enforceText prints the run as a table, then notes and totals.
func enforceText(w io.Writer, r outcome.Enforce, _ Options) error {
	mode := ""
	if r.DryRun {
		mode = " (dry run: jobs built, counted and cancelled; nothing deleted or archived)"
	}
	fmt.Fprintf(w, "enforce at %s%s\n", r.Now.UTC().Format(time.RFC3339), mode)
	if len(r.Policies) == 0 {
		_, err := fmt.Fprintln(w, strings.TrimSpace("no policy is due: nothing to enforce\n"+notDue(r.NotDue)))
		return err
	}
	if len(r.Jobs) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "\nPOLICY\tACTION\tCREATED (INTERVAL)\tJOB\tOUTCOME\tCONVERSATIONS\tRECORDINGS\tPROCESSED\tFAILED\tSKIPPED")
		for _, j := range r.Jobs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", j.Policy, j.Action, j.Interval,
				orDash(j.JobID), j.Outcome, j.Conversations, j.Recordings, j.Processed, j.Failed, j.Skipped)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	enforceNotes(w, r)
	if !r.Horizon.IsZero() && len(r.Jobs) > 0 {
		fmt.Fprintf(w, "\nJobs reach conversations back to %s: Genesys' conversation query covers five years, so older recordings are not enforced.\n",
			r.Horizon.UTC().Format(time.DateOnly))
	}
	t := r.Totals
	held := ""
	if t.Held > 0 {
		held = fmt.Sprintf("; %d kept by legal holds", t.Held)
	}
	_, err := fmt.Fprintf(w, "\n%s: %d succeeded, %d unsuccessful; %s, %s: %d processed, %d failed, %d skipped%s\n",
		count(t.Jobs, "job", "jobs"), t.Succeeded, t.Unsuccessful, count(t.Conversations, "conversation", "conversations"),
		count(t.Recordings, "recording", "recordings"), t.Processed, t.Failed, t.Skipped, held)
	return err
}

// notDue lists the policies a run left alone and when each is due, or "".
func notDue(ps []outcome.NotDue) string {
	if len(ps) == 0 {
		return ""
	}
	var parts []string
	for _, p := range ps {
		when := "next " + p.Next
		if p.Next == "" {
			when = p.Why
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", p.Name, when))
	}
	return "not due this run: " + strings.Join(parts, "; ")
}

func enforceNotes(w io.Writer, r outcome.Enforce) {
	var notes []string
	for _, p := range r.Policies {
		if p.Missed != "" {
			notes = append(notes, fmt.Sprintf("%s: catching up on its run of %s, which no enforcement completed", p.Name, p.Missed))
		}
		if p.Forced {
			notes = append(notes, fmt.Sprintf("%s: selected by --policy (its schedule was not consulted)", p.Name))
		}
		if p.KeptDays > 0 {
			by := distinct(p.KeptFor)
			notes = append(notes, fmt.Sprintf("%s: deletes only recordings older than %d days: %s %s them that long, and Genesys keeps the longest", p.Name, p.KeptDays, strings.Join(by, ", "), plural(len(by), "keeps", "keep")))
		}
		if p.Refused != "" {
			notes = append(notes, fmt.Sprintf("%s: not enforced: %s", p.Name, p.Refused))
		} else if p.Jobs == 0 {
			notes = append(notes, fmt.Sprintf("%s: no recordings can be due (its dateRange ends after the cutoff)", p.Name))
		}
	}
	for _, j := range r.Jobs {
		if j.Error != "" {
			notes = append(notes, fmt.Sprintf("%s %s %s: %s", j.Policy, j.Action, orDash(j.JobID), j.Error))
		}
	}
	for _, n := range r.Recovered {
		notes = append(notes, "recovered "+n)
	}
	if len(r.ActiveJobs) > 0 {
		notes = append(notes, fmt.Sprintf("%s %s already active in the organisation; this run used the remaining slots",
			count(len(r.ActiveJobs), "recording job", "recording jobs"), plural(len(r.ActiveJobs), "was", "were")))
	}
	notes = append(notes, heldNotes(r)...)
	if n := notDue(r.NotDue); n != "" {
		notes = append(notes, n)
	}
	for _, e := range r.Errors {
		notes = append(notes, "error: "+e)
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
	}
	for _, n := range notes {
		fmt.Fprintln(w, "- "+n)
	}
}

// count is n and its noun: "1 job", "2 jobs".
func count(n int, one, many string) string { return fmt.Sprintf("%d %s", n, plural(n, one, many)) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// distinct keeps the first of each name, in order.
func distinct(names []string) []string {
	seen := make(map[string]bool, len(names))
	var out []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// findingLine is one finding as `file:line: severity [rule] policy:
// message`, leaving out a line or a policy it does not have.
func findingLine(v policy.Violation) string {
	subject := ""
	if v.Policy != "" {
		subject = " " + v.Policy + ":"
	}
	return fmt.Sprintf("%s: %s [%s]%s %s", where(v), v.Severity, v.Rule, subject, findingText(v))
}

// validateText prints one line per violation (findingLine), then a summary
// line.
func validateText(w io.Writer, vs []policy.Violation, _ Options) error {
	var deny, warn int
	var waived int
	for _, v := range vs {
		if _, err := fmt.Fprintln(w, findingLine(v)); err != nil {
			return err
		}
		switch v.Severity {
		case policy.Deny:
			deny++
		case policy.Waived:
			waived++
		default:
			warn++
		}
	}
	summary := fmt.Sprintf("%d error(s), %d warning(s)", deny, warn)
	if waived > 0 {
		summary += fmt.Sprintf(", %d waived", waived)
	}
	_, err := fmt.Fprintln(w, summary)
	return err
}
