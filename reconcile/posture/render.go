package posture

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// cellText says a cell for people.
func cellText(c Cell) string {
	s := "kept indefinitely (no policy)"
	if !c.Gap {
		s = fmt.Sprintf("%s (%s)", c.Days, c.By)
	}
	if c.PartialCount > 0 {
		s += "; in part: " + plan.PartialList(c.Partial, c.PartialCount)
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
	lead, body := storageNote(p)
	fmt.Fprintf(&b, "\n## Projected storage\n\n**%s**: %s\n\n", lead, md(body))
	if p.Org == "" {
		b.WriteString("| after | planned (GB) | of which gaps, kept indefinitely (GB) |\n|---|---|---|\n")
		for _, pt := range p.Storage[1:] {
			fmt.Fprintf(&b, "| %s | %.1f | %.1f |\n", yearsText(pt.Years), pt.PlannedGB+pt.GapGB, pt.GapGB)
		}
	} else {
		b.WriteString("| after | current (GB) | of which gaps (GB) | planned (GB) | of which gaps (GB) | change (GB) |\n|---|---|---|---|---|---|\n")
		for _, pt := range p.Storage[1:] {
			cur, pl := pt.CurrentGB+pt.CurrentGapGB, pt.PlannedGB+pt.GapGB
			fmt.Fprintf(&b, "| %s | %.1f | %.1f | %.1f | %.1f | %+.1f |\n", yearsText(pt.Years), cur, pt.CurrentGapGB, pl, pt.GapGB, pl-cur)
		}
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

// storageNote says what the storage compares, and on what estimates: a
// lead and the rest, both plain text.
func storageNote(p Posture) (lead, body string) {
	model := " Estimated as plan estimates storage: each policy keeps its dailyVolumeGB, else its type's whole daily volume (settings estimates), " +
		"× the type's multiplier, for its retention; a gap keeps its share of the type's volume (half per direction) every day, for ever."
	if p.Org == "" {
		return "Planned only", "made from the repository without reading the organisation " +
			"(connect with --sim or GENESYSCLOUD_* credentials to compare with its current storage)." + model
	}
	return "Current against planned", "current is " + p.Org + " as it is; planned is once the repository is applied " +
		"(with the live policies its plan leaves alone)." + model
}

func yearsText(n int) string { return fmt.Sprintf("%d %s", n, plural(n, "year")) }

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
	lead, body := storageNote(p)
	err := page.Execute(&b, map[string]any{"Lead": lead, "Body": body, "P": p, "Types": Types, "Directions": Directions, "Chart": chart(p)})
	return b.Bytes(), err
}

// bar is one stacked bar: what the policies keep, and the gaps above it.
type bar struct {
	X, Kept, Gap, KeptY, GapY, TotalY float64
	Side, Total                       string
}

type group struct {
	Bars   []bar
	LabelX float64
	Label  string
}

type chartData struct {
	Groups  []group
	Max     string
	Current bool
}

// chart lays out, per horizon, a stacked bar for current (when read) and
// one for planned, 260 px high at the largest.
func chart(p Posture) chartData {
	c := chartData{Current: p.Org != ""}
	top := 0.0
	for _, pt := range p.Storage {
		top = max(top, pt.PlannedGB+pt.GapGB, pt.CurrentGB+pt.CurrentGapGB)
	}
	c.Max = fmt.Sprintf("%.1f GB", top)
	scale := 0.0
	if top > 0 {
		scale = 260 / top
	}
	const base = 300
	mk := func(x, kept, gap float64, side string) bar {
		h1, h2 := kept*scale, gap*scale
		return bar{X: x, Kept: h1, Gap: h2, KeptY: base - h1, GapY: base - h1 - h2, TotalY: base - h1 - h2 - 4,
			Side: side, Total: fmt.Sprintf("%.0f", kept+gap)}
	}
	for i, pt := range p.Storage[1:] {
		x := 70 + float64(i)*150
		g := group{LabelX: x, Label: yearsText(pt.Years)}
		if c.Current {
			g.Bars = append(g.Bars, mk(x, pt.CurrentGB, pt.CurrentGapGB, "current"))
			x += 56
		}
		g.Bars = append(g.Bars, mk(x, pt.PlannedGB, pt.GapGB, "planned"))
		c.Groups = append(c.Groups, g)
	}
	return c
}

var page = template.Must(template.New("posture").Funcs(template.FuncMap{
	"cell": func(p Posture, t policy.ObjectType, d string) Cell { return p.Matrix[t][d] },
	"text": cellText, "approval": approvalText, "add": func(a, b float64) float64 { return a + b },
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
<p id="storage-note"><strong>{{.Lead}}</strong>: {{.Body}}</p>
<svg id="storage-chart" xmlns="http://www.w3.org/2000/svg" width="560" height="380" role="img" aria-label="projected storage at 1, 3 and 5 years{{if .Chart.Current}}, current against planned{{else}}, planned only{{end}}">
<line x1="50" y1="300" x2="540" y2="300" stroke="#333"/><line x1="50" y1="40" x2="50" y2="300" stroke="#333"/>
<text x="4" y="36" font-size="11">{{.Chart.Max}}</text><text x="30" y="304" font-size="11">0</text>
{{range .Chart.Groups}}{{range .Bars}}<g class="bar {{.Side}}"><rect class="kept" x="{{.X}}" y="{{.KeptY}}" width="50" height="{{.Kept}}" fill="{{if eq .Side "current"}}#79b{{else}}#4a7{{end}}"><title>{{.Side}}: kept by policies</title></rect>
<rect class="gap" x="{{.X}}" y="{{.GapY}}" width="50" height="{{.Gap}}" fill="#d44"><title>{{.Side}}: kept indefinitely (gaps)</title></rect>
<text x="{{.X}}" y="{{.TotalY}}" font-size="11">{{.Total}}</text><text x="{{.X}}" y="316" font-size="11">{{.Side}}</text></g>
{{end}}<text x="{{.LabelX}}" y="334">{{.Label}}</text>
{{end}}<g font-size="11">{{if .Chart.Current}}<rect x="60" y="350" width="12" height="12" fill="#79b"/><text x="76" y="360">current: kept by policies</text>{{end}}
<rect x="230" y="350" width="12" height="12" fill="#4a7"/><text x="246" y="360">planned: kept by policies</text>
<rect x="400" y="350" width="12" height="12" fill="#d44"/><text x="416" y="360">gaps: kept indefinitely</text></g>
</svg>
<table id="storage">{{if .Chart.Current}}<tr><th>after</th><th>current (GB)</th><th>of which gaps (GB)</th><th>planned (GB)</th><th>of which gaps (GB)</th></tr>
{{range slice .P.Storage 1}}<tr><td>{{.Years}} y</td><td>{{printf "%.1f" (add .CurrentGB .CurrentGapGB)}}</td><td>{{printf "%.1f" .CurrentGapGB}}</td><td>{{printf "%.1f" (add .PlannedGB .GapGB)}}</td><td>{{printf "%.1f" .GapGB}}</td></tr>{{end}}
{{else}}<tr><th>after</th><th>planned (GB)</th><th>of which gaps, kept indefinitely (GB)</th></tr>
{{range slice .P.Storage 1}}<tr><td>{{.Years}} y</td><td>{{printf "%.1f" (add .PlannedGB .GapGB)}}</td><td>{{printf "%.1f" .GapGB}}</td></tr>{{end}}
{{end}}</table>
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
