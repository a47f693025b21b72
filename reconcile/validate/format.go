package validate

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteText prints one line per violation, `file:line: severity [rule]
// policy: message`, then a summary line.
func WriteText(w io.Writer, vs []Violation) error {
	var deny, warn int
	for _, v := range vs {
		loc := v.File
		if v.Line > 0 {
			loc = fmt.Sprintf("%s:%d", v.File, v.Line)
		}
		subject := ""
		if v.Policy != "" {
			subject = " " + v.Policy + ":"
		}
		if _, err := fmt.Fprintf(w, "%s: %s [%s]%s %s\n", loc, v.Severity, v.Rule, subject, v.Message); err != nil {
			return err
		}
		if v.Severity == Deny {
			deny++
		} else {
			warn++
		}
	}
	_, err := fmt.Fprintf(w, "%d error(s), %d warning(s)\n", deny, warn)
	return err
}

// WriteJSON writes {"violations":[...]}, always with an array.
func WriteJSON(w io.Writer, vs []Violation) error {
	if vs == nil {
		vs = []Violation{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Violations []Violation `json:"violations"`
	}{vs})
}

// WriteGitHub writes GitHub Actions workflow commands (::error / ::warning),
// which annotate the YAML lines of a pull request.
func WriteGitHub(w io.Writer, vs []Violation) error {
	for _, v := range vs {
		cmd := "error"
		if v.Severity == Warn {
			cmd = "warning"
		}
		props := []string{}
		if v.File != "" {
			props = append(props, "file="+escapeProperty(v.File))
			if v.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", v.Line))
			}
		}
		props = append(props, "title="+escapeProperty(v.Rule))
		msg := v.Message
		if v.Policy != "" {
			msg = v.Policy + ": " + msg
		}
		if _, err := fmt.Fprintf(w, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(msg)); err != nil {
			return err
		}
	}
	return nil
}

// escapeData follows actions/toolkit: % first, then CR and LF.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
