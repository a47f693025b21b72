package main

import (
	"fmt"
	"io"
	"time"

	"github.com/retainctl/retainctl/reconcile/render"
)

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
	return r(w, doc, render.Options{Color: isColorTerminal(w)})
}

// progressLine reports "done of total" on w: every change on a terminal,
// at most every few seconds in CI logs.
func progressLine(w io.Writer) func(done, total int) {
	tty := isTerminal(w)
	var last time.Time
	return func(done, total int) {
		switch {
		case tty:
			fmt.Fprintf(w, "\rapplying: %d/%d", done, total)
			if done == total {
				fmt.Fprintln(w)
			}
		case done == total || time.Since(last) >= 5*time.Second:
			last = time.Now()
			fmt.Fprintf(w, "retainctl: applied %d of %d changes\n", done, total)
		}
	}
}
