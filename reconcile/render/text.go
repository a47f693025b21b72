package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/retainctl/retainctl/reconcile/plan"
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

// Text writes the plan for a terminal.
func Text(w io.Writer, p plan.Plan, color bool) error {
	t := textWriter{w: w, color: color}
	t.line(bold, "retainctl plan: %s", headline(p))
	for _, v := range p.Violations {
		t.line(severityColor(v.Severity), "%s:%d: %s [%s] %s: %s", v.File, v.Line, v.Severity, v.Rule, v.Policy, v.Message)
	}
	for _, c := range changed(p) {
		t.change(c)
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
	s := p.Storage
	t.line("", "\nProjected storage: %s now → %s planned (%s), risk %s", gb(s.CurrentGB), gb(s.ProposedGB), signedGB(s.DeltaGB), s.Level)
	t.line("", "Fingerprint: %s", p.Fingerprint)
	return t.err
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
	t.line(riskColor(c.Risk), "%s %s %q (%s) — %s, %s", actionSign[c.Action], c.Action, c.Name, retention(c), c.Risk, signedGB(c.Storage.DeltaGB))
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

func severityColor(s string) string {
	if s == "deny" {
		return red
	}
	return yellow
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
