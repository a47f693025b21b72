package enforce

import (
	"strings"
	"testing"
	"time"
)

func TestProgressPlainLinesAreThrottled(t *testing.T) {
	var b strings.Builder
	clock := at("2026-11-30T12:00:00Z")
	p := NewProgress(&b, false)
	p.now = func() time.Time { return clock }
	p.start([]JobSpec{{Policy: "a", Action: "DELETE"}, {Policy: "b", Action: "DELETE"}})
	p.update(0, "PENDING", 0, false) // first line
	p.update(0, "READY", 0, false)   // within 5 s: held back
	clock = clock.Add(DefaultProgressEvery)
	p.update(0, "PROCESSING", 50, false) // interval passed
	p.update(0, "FULFILLED", 100, true)  // a job ended: always shown
	p.finish()
	want := "enforce: 0/2 jobs done | a DELETE PENDING 0%\n" +
		"enforce: 0/2 jobs done | a DELETE PROCESSING 50%\n" +
		"enforce: 1/2 jobs done\n"
	if b.String() != want {
		t.Errorf("progress:\n%q\nwant\n%q", b.String(), want)
	}
}

func TestProgressTerminalRedrawsOneLine(t *testing.T) {
	var b strings.Builder
	p := NewProgress(&b, true)
	p.start([]JobSpec{{Policy: strings.Repeat("x", 200), Action: "DELETE"}})
	p.update(0, "PENDING", 0, false)
	p.update(0, "FULFILLED", 100, true)
	p.finish()
	out := b.String()
	if strings.Count(out, "\r\033[K") != 2 || !strings.HasSuffix(out, "1/1 jobs done\n") || strings.Count(out, "\n") != 1 {
		t.Errorf("terminal progress: %q", out)
	}
	for _, l := range strings.Split(out, "\r\033[K") {
		if len([]rune(l)) > ttyWidth+1 {
			t.Errorf("line wider than %d: %q", ttyWidth, l)
		}
	}
}

func TestNilProgressIsSilent(t *testing.T) {
	var p *Progress
	p.start([]JobSpec{{}})
	p.update(0, "PENDING", 0, false)
	p.finish()
}

// terminalWriter is a wrapping writer (like retainctl's masking console)
// that knows its stream is a terminal.
type terminalWriter struct{ strings.Builder }

func (*terminalWriter) Terminal() bool { return true }

func TestProgressAsksTheWriterWhetherItIsATerminal(t *testing.T) {
	var w terminalWriter
	p := NewProgress(&w, false)
	p.start([]JobSpec{{Policy: "a", Action: "DELETE"}})
	p.update(0, "PENDING", 0, false)
	p.finish()
	if !strings.HasPrefix(w.String(), "\r\033[K") {
		t.Errorf("a writer that says it is a terminal gets plain lines: %q", w.String())
	}
}
