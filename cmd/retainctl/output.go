package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/retainctl/retainctl/reconcile/redact"
	"github.com/retainctl/retainctl/reconcile/render"
)

// console is one of the process's output streams as the commands see it.
// Everything written goes through the masking writer; whether the stream
// beneath is a terminal was decided on its file before wrapping, since the
// masker is no file and a check on it would always say no. Nothing gets
// past the masker: the file itself is not kept.
type console struct {
	*redact.Writer
	tty   bool // the stream is a terminal: progress is redrawn in place
	color bool // ... and colour is wanted (not NO_COLOR, --no-color or TERM=dumb)
	// pace is the requests a minute the command may make over all its
	// tokens, when it talks to Genesys (0 otherwise): progress lines say
	// when that limit, not the API, sets the pace.
	pace int
}

// newConsole wraps w, which is a terminal only if it is an *os.File on one.
func newConsole(w io.Writer, m *redact.Masker, getenv func(string) string) *console {
	f, ok := w.(*os.File)
	tty := ok && term.IsTerminal(int(f.Fd()))
	return &console{Writer: redact.NewWriter(w, m), tty: tty,
		color: tty && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"}
}

// Terminal reports whether the stream is a terminal (enforce.NewProgress
// asks this of the writer it is given).
func (c *console) Terminal() bool { return c.tty }

// streamOf is w's console, or a plain one (not a terminal) for any other writer.
func streamOf(w io.Writer) console {
	if c, ok := w.(*console); ok {
		return *c
	}
	return console{}
}

// checkFormat rejects, as a usage error, a --format the document has no
// renderer for; commands call it before they do any work.
func checkFormat[T any](k render.Kind[T], format string) error {
	if _, err := k.Renderer(render.Format(format)); err != nil {
		return usageErr(err)
	}
	return nil
}

// write renders doc in format, in colour on a terminal that wants it.
func write[T any](w io.Writer, k render.Kind[T], doc T, format string) error {
	r, err := k.Renderer(render.Format(format))
	if err != nil {
		return err
	}
	return r(w, doc, render.Options{Color: streamOf(w).color})
}

// progressLine reports apply's progress on w: on a terminal one line
// redrawn in place at every step, in CI logs a line at every tenth of the
// run or every 10 seconds, whichever comes first, and at the end. Each says
// done/total, the rate, the time left, and when the rate limit sets the pace.
func progressLine(w io.Writer) func(done, total int) {
	p := &applyProgress{w: w, c: streamOf(w), start: time.Now(), now: time.Now, every: 10 * time.Second}
	return p.step
}

type applyProgress struct {
	w     io.Writer
	c     console
	start time.Time
	now   func() time.Time
	every time.Duration

	mu        sync.Mutex
	last      time.Time // when the last CI line was printed
	lastShare int       // tenths of the run done at that line
}

func (p *applyProgress) step(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if total <= 0 {
		return
	}
	now := p.now()
	line := p.line(done, total, now.Sub(p.start))
	if p.c.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		if done >= total {
			fmt.Fprintln(p.w)
		}
		return
	}
	share := done * 10 / total
	if done < total && share == p.lastShare && now.Sub(p.last) < p.every {
		return
	}
	p.last, p.lastShare = now, share
	fmt.Fprintln(p.w, "retainctl: "+line)
}

// line is "applying: 120/500 changes, 4.9/s, about 1m18s left (paced by the
// rate limit, 300 requests/min)".
func (p *applyProgress) line(done, total int, elapsed time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "applying: %d/%d %s", done, total, plural(total, "change", "changes"))
	secs := elapsed.Seconds()
	if done == 0 || secs < 0.5 {
		return b.String()
	}
	rate := float64(done) / secs
	// The limiter lets a minute's allowance go at once, then that much a
	// minute. Each change is one request or more, so once the changes alone
	// have used most of what the limit allowed so far, it is the limit that
	// holds the run back, and the time left follows its rate.
	paced := false
	if p.c.pace > 0 {
		allowed := float64(p.c.pace) * max(elapsed.Minutes(), 1)
		if paced = float64(done) >= 0.8*allowed; paced {
			rate = min(rate, float64(p.c.pace)/60)
		}
	}
	fmt.Fprintf(&b, ", %.1f/s", float64(done)/secs)
	if done < total {
		left := time.Duration(float64(total-done) / rate * float64(time.Second))
		if left < time.Second {
			b.WriteString(", less than a second left")
		} else {
			fmt.Fprintf(&b, ", about %s left", left.Round(time.Second))
		}
	} else {
		fmt.Fprintf(&b, " in %s", elapsed.Round(100*time.Millisecond))
	}
	if paced {
		fmt.Fprintf(&b, " (paced by the rate limit, %d requests/min)", p.c.pace)
	}
	return b.String()
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
