package render

import (
	"fmt"
	"io"
	"strings"
)

// Format is an output format, the value of a command's --format.
type Format string

// Formats, one file each.
const (
	FormatText     Format = "text"
	FormatMarkdown Format = "markdown"
	FormatJSON     Format = "json"
	FormatGitHub   Format = "github" // workflow-command annotations
)

// Options is what a renderer needs besides its document.
type Options struct {
	Color bool // text: the writer is a terminal that wants colour
}

// Renderer writes one document in one format.
type Renderer[T any] func(w io.Writer, doc T, opt Options) error

// Kind is a kind of document and the formats it is written in, in the
// order a usage error lists them.
type Kind[T any] struct{ entries []entry[T] }

type entry[T any] struct {
	format Format
	render Renderer[T]
}

func kind[T any](es ...entry[T]) Kind[T] { return Kind[T]{es} }

func as[T any](f Format, r Renderer[T]) entry[T] { return entry[T]{f, r} }

// The registry: every document the commands write, with the formats their
// --format accepts. Adding a format is a file and a line here.
var (
	Plan     = kind(as(FormatText, planText), as(FormatMarkdown, planMarkdown), as(FormatJSON, planJSON))
	Apply    = kind(as(FormatText, applyText), as(FormatJSON, applyJSON))
	Enforce  = kind(as(FormatText, enforceText), as(FormatJSON, enforceJSON))
	Validate = kind(as(FormatText, validateText), as(FormatJSON, validateJSON), as(FormatGitHub, validateGitHub))
)

// Formats lists the formats k is written in.
func (k Kind[T]) Formats() []Format {
	fs := make([]Format, len(k.entries))
	for i, e := range k.entries {
		fs[i] = e.format
	}
	return fs
}

// Renderer returns k's renderer for f. The error is the usage message of
// every command's --format, naming the formats k has.
func (k Kind[T]) Renderer(f Format) (Renderer[T], error) {
	for _, e := range k.entries {
		if e.format == f {
			return e.render, nil
		}
	}
	return nil, fmt.Errorf("--format %q: use %s", f, list(k.Formats()))
}

// list joins formats as a sentence does: "a, b or c".
func list(fs []Format) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
