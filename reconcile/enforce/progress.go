package enforce

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// DefaultProgressEvery is how often a non-terminal progress line is printed.
const DefaultProgressEvery = 5 * time.Second

// Progress shows the run on a stream (stderr): on a terminal one line
// redrawn in place, elsewhere (CI logs) a plain line every few seconds. A
// nil *Progress is silent.
type Progress struct {
	w     io.Writer
	tty   bool
	every time.Duration
	now   func() time.Time

	mu    sync.Mutex
	jobs  []jobLine
	last  time.Time
	shown string
}

type jobLine struct {
	label, state string
	pct          int
	done         bool
}

// NewProgress writes progress to w; tty says w is a terminal. A writer
// that wraps the real stream (retainctl's secret-masking console) is no
// *os.File, so w may also say so itself, with a Terminal() bool method.
func NewProgress(w io.Writer, tty bool) *Progress {
	if t, ok := w.(interface{ Terminal() bool }); ok && t.Terminal() {
		tty = true
	}
	return &Progress{w: w, tty: tty, every: DefaultProgressEvery, now: time.Now}
}

func (p *Progress) start(specs []JobSpec) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.jobs = make([]jobLine, len(specs))
	for i, s := range specs {
		p.jobs[i] = jobLine{label: s.Policy + " " + s.Action, state: "waiting"}
	}
}

// update notes job i's state; done marks it ended.
func (p *Progress) update(i int, state string, pct int, done bool) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if i < 0 || i >= len(p.jobs) {
		return
	}
	j := &p.jobs[i]
	if state != "" {
		j.state = state
	}
	j.pct, j.done = pct, j.done || done
	p.draw(done)
}

// draw prints the line: always on a terminal, in a log only when a job
// ended or the interval passed. Call with p.mu held.
func (p *Progress) draw(force bool) {
	line := p.line()
	if line == p.shown {
		return
	}
	now := p.now()
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", clip(line, ttyWidth))
	} else if force || now.Sub(p.last) >= p.every {
		fmt.Fprintln(p.w, line)
	} else {
		return
	}
	p.shown, p.last = line, now
}

func (p *Progress) line() string {
	done := 0
	var active []string
	for _, j := range p.jobs {
		switch {
		case j.done:
			done++
		case j.state != "waiting":
			active = append(active, fmt.Sprintf("%s %s %d%%", j.label, j.state, j.pct))
		}
	}
	s := fmt.Sprintf("enforce: %d/%d jobs done", done, len(p.jobs))
	if len(active) > 0 {
		s += " | " + strings.Join(active, " | ")
	}
	return s
}

func (p *Progress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.shown != "" {
		fmt.Fprintln(p.w) // leave the last redrawn line in place
	}
}

// ttyWidth keeps the redrawn line on one row of a usual terminal, since a
// wrapped line cannot be redrawn with \r.
const ttyWidth = 120

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
