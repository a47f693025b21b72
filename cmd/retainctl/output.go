package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// writeJSON writes v as one indented JSON document.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
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
