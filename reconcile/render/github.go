package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// validateGitHub writes GitHub Actions workflow commands (::error /
// ::warning), which annotate the YAML lines of a pull request: validate
// --format github, and plan --github for the plan's violations.
func validateGitHub(w io.Writer, vs []policy.Violation, _ Options) error {
	for _, v := range vs {
		if _, err := fmt.Fprintln(w, annotation(v)); err != nil {
			return err
		}
	}
	return nil
}

func annotation(v policy.Violation) string {
	cmd := "error"
	switch v.Severity {
	case policy.Warn:
		cmd = "warning"
	case policy.Waived:
		cmd = "notice"
	}
	var props []string
	if v.File != "" {
		props = append(props, "file="+escapeProperty(v.File))
		if v.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", v.Line))
		}
	}
	props = append(props, "title="+escapeProperty(v.Rule))
	msg := findingText(v)
	if v.Policy != "" {
		msg = v.Policy + ": " + msg
	}
	return fmt.Sprintf("::%s %s::%s", cmd, strings.Join(props, ","), escapeData(msg))
}

// escapeData follows actions/toolkit: % first, then CR and LF.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
