package posture

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// cellText says a cell for people.
func cellText(c Cell) string {
	s := "kept indefinitely (no policy)"
	if !c.Gap {
		s = fmt.Sprintf("%s (%s)", c.Days, c.By)
	}
	if len(c.Partial) > 0 {
		s += "; in part: " + strings.Join(c.Partial, ", ")
	}
	return s
}

// md escapes text for a markdown table cell.
func md(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;", "`", "'", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`)
	return r.Replace(s)
}

// Markdown renders p.
func Markdown(p Posture) string {
	var b strings.Builder
	b.WriteString("# Retention posture\n\n## Coverage\n\n| object type |")
	for _, d := range Directions {
		fmt.Fprintf(&b, " %s |", d)
	}
	b.WriteString("\n|---|" + strings.Repeat("---|", len(Directions)) + "\n")
	for _, t := range Types {
		fmt.Fprintf(&b, "| %s |", t)
		for _, d := range Directions {
			fmt.Fprintf(&b, " %s |", md(cellText(p.Matrix[t][d])))
		}
		b.WriteString("\n")
	}
	if len(p.Gaps) > 0 {
		fmt.Fprintf(&b, "\n**Gaps: recordings no enabled policy covers are kept indefinitely by the platform:** %s.\n", strings.Join(p.Gaps, ", "))
	} else {
		b.WriteString("\nNo gaps: every object type and direction is covered.\n")
	}
	b.WriteString("\n## Projected storage\n\n| after | kept by policies (GB) | kept indefinitely by gaps (GB) |\n|---|---|---|\n")
	for _, pt := range p.Storage[1:] {
		fmt.Fprintf(&b, "| %d %s | %.1f | %.1f |\n", pt.Years, plural(pt.Years, "year"), pt.PlannedGB, pt.GapGB)
	}
	b.WriteString("\n## Legal holds\n\n")
	if len(p.Holds) == 0 {
		b.WriteString("None active.\n")
	} else {
		b.WriteString("| hold | owner | review by | conversations |\n|---|---|---|---|\n")
		for _, h := range p.Holds {
			fmt.Fprintf(&b, "| %s | %s | %s | %d |\n", md(h.Name), md(h.Owner), md(string(h.ReviewBy)), len(h.Conversations))
		}
	}
	b.WriteString("\n## Waivers\n\n")
	if len(p.Waivers) == 0 {
		b.WriteString("None.\n")
	} else {
		b.WriteString("| rule | policy | owner | expires | reason |\n|---|---|---|---|---|\n")
		for _, w := range p.Waivers {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", md(w.Rule), md(w.Policy), md(w.Owner), md(string(w.Expires)), md(w.Reason))
		}
	}
	b.WriteString("\n## Last changes\n\n")
	if len(p.Changes) == 0 {
		b.WriteString("None in the audit log.\n")
	} else {
		b.WriteString("| time (UTC) | change | target | outcome | approved |\n|---|---|---|---|---|\n")
		for _, c := range p.Changes {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", c.Time, md(c.Type), md(c.Target), md(c.Outcome), md(approvalText(c)))
		}
	}
	return b.String()
}

func approvalText(c Change) string {
	switch {
	case c.PR > 0 && len(c.Approvers) > 0:
		return fmt.Sprintf("#%d by %s", c.PR, strings.Join(c.Approvers, ", "))
	case c.PR > 0:
		return fmt.Sprintf("#%d, no approving review", c.PR)
	case c.Approval != "":
		return c.Approval
	}
	return "not recorded"
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

// HTML renders p as one self-contained page: no script, no external asset,
// the chart an inline SVG; html/template escapes every name.
func HTML(p Posture) ([]byte, error) {
	var b bytes.Buffer
	err := page.Execute(&b, map[string]any{"P": p, "Types": Types, "Directions": Directions, "Chart": chart(p.Storage)})
	return b.Bytes(), err
}

type bar struct {
	X, Planned, Gap, PlannedY, GapY float64
	Label                           string
}

type chartData struct {
	Bars []bar
	Max  float64
}

// chart lays out one stacked bar per point, 300 px high at the largest.
func chart(ps []Point) chartData {
	var c chartData
	for _, p := range ps {
		c.Max = max(c.Max, p.PlannedGB+p.GapGB)
	}
	scale := 0.0
	if c.Max > 0 {
		scale = 300 / c.Max
	}
	for i, p := range ps {
		h1, h2 := p.PlannedGB*scale, p.GapGB*scale
		c.Bars = append(c.Bars, bar{X: 60 + float64(i)*110, Planned: h1, Gap: h2, PlannedY: 320 - h1, GapY: 320 - h1 - h2,
			Label: fmt.Sprintf("%d %s", p.Years, plural(p.Years, "year"))})
	}
	return c
}

var page = template.Must(template.New("posture").Funcs(template.FuncMap{
	"cell": func(p Posture, t policy.ObjectType, d string) Cell { return p.Matrix[t][d] },
	"text": cellText, "approval": approvalText,
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Retention posture</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .6em}td.gap{background:#fdd;font-weight:bold}</style>
</head><body>
<h1>Retention posture</h1>
<h2>Coverage</h2>
<table id="coverage"><tr><th>object type</th>{{range .Directions}}<th>{{.}}</th>{{end}}</tr>
{{range $t := .Types}}<tr><th>{{$t}}</th>{{range $d := $.Directions}}{{$c := cell $.P $t $d}}<td{{if $c.Gap}} class="gap"{{end}}>{{text $c}}</td>{{end}}</tr>
{{end}}</table>
{{if .P.Gaps}}<p id="gaps"><strong>Gaps: recordings no enabled policy covers are kept indefinitely by the platform:</strong> {{range $i, $g := .P.Gaps}}{{if $i}}, {{end}}{{$g}}{{end}}.</p>{{else}}<p id="gaps">No gaps.</p>{{end}}
<h2>Projected storage</h2>
<svg id="storage-chart" xmlns="http://www.w3.org/2000/svg" width="520" height="360" role="img" aria-label="projected storage">
{{range .Chart.Bars}}<rect x="{{.X}}" y="{{.PlannedY}}" width="60" height="{{.Planned}}" fill="#4a7"><title>kept by policies</title></rect>
<rect x="{{.X}}" y="{{.GapY}}" width="60" height="{{.Gap}}" fill="#d44"><title>kept indefinitely (gaps)</title></rect>
<text x="{{.X}}" y="345">{{.Label}}</text>
{{end}}</svg>
<table><tr><th>after</th><th>kept by policies (GB)</th><th>kept indefinitely by gaps (GB)</th></tr>
{{range .P.Storage}}<tr><td>{{.Years}} y</td><td>{{printf "%.1f" .PlannedGB}}</td><td>{{printf "%.1f" .GapGB}}</td></tr>{{end}}</table>
<h2>Legal holds</h2>
{{if .P.Holds}}<table><tr><th>hold</th><th>owner</th><th>review by</th><th>conversations</th></tr>
{{range .P.Holds}}<tr><td>{{.Name}}</td><td>{{.Owner}}</td><td>{{.ReviewBy}}</td><td>{{len .Conversations}}</td></tr>{{end}}</table>{{else}}<p>None active.</p>{{end}}
<h2>Waivers</h2>
{{if .P.Waivers}}<table><tr><th>rule</th><th>policy</th><th>owner</th><th>expires</th><th>reason</th></tr>
{{range .P.Waivers}}<tr><td>{{.Rule}}</td><td>{{.Policy}}</td><td>{{.Owner}}</td><td>{{.Expires}}</td><td>{{.Reason}}</td></tr>{{end}}</table>{{else}}<p>None.</p>{{end}}
<h2>Last changes</h2>
{{if .P.Changes}}<table><tr><th>time (UTC)</th><th>change</th><th>target</th><th>outcome</th><th>approved</th></tr>
{{range .P.Changes}}<tr><td>{{.Time}}</td><td>{{.Type}}</td><td>{{.Target}}</td><td>{{.Outcome}}</td><td>{{approval .}}</td></tr>{{end}}</table>{{else}}<p>None in the audit log.</p>{{end}}
</body></html>
`))
