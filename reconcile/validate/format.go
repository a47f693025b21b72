package validate

import (
	"io"

	"github.com/retainctl/retainctl/reconcile/render"
)

// WriteText writes the findings as validate --format text does.
//
// Deprecated: use render.Validate; this remains for callers not moved yet.
func WriteText(w io.Writer, vs []Violation) error { return write(w, vs, render.FormatText) }

// WriteGitHub writes the findings as GitHub workflow annotations.
//
// Deprecated: use render.Validate; this remains for callers not moved yet.
func WriteGitHub(w io.Writer, vs []Violation) error { return write(w, vs, render.FormatGitHub) }

func write(w io.Writer, vs []Violation, f render.Format) error {
	r, err := render.Validate.Renderer(f)
	if err != nil {
		return err
	}
	return r(w, vs, render.Options{})
}
