package policy

import (
	"fmt"
	"strings"
)

// Problem is something wrong with the files of a policies directory, found
// while loading them. The validator reports problems as deny violations with
// the same rule ids.
type Problem struct {
	Rule    string // e.g. yaml.syntax, yaml.unknown-key, policy.duplicate-name
	Message string
	File    string
	Line    int
	Column  int
	Policy  string // the policy's name, when known
}

func (p Problem) String() string {
	loc := p.File
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, p.Line)
		if p.Column > 0 {
			loc = fmt.Sprintf("%s:%d", loc, p.Column)
		}
	}
	return fmt.Sprintf("%s: [%s] %s", loc, p.Rule, p.Message)
}

// LoadError lists every problem found in a policies directory. Load returns
// it together with the policies that did load, so rules can still run on them.
type LoadError struct {
	Problems []Problem
}

func (e *LoadError) Error() string {
	const shown = 5
	var b strings.Builder
	fmt.Fprintf(&b, "%d problem(s) in the policy files", len(e.Problems))
	for i, p := range e.Problems {
		if i == shown {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Problems)-shown)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Violation is one validation finding (the contract of validate --format
// json), carried in plans too. It lives here, with the desired state, so that
// what carries findings need not depend on the rules engine.
type Violation struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Policy   string   `json:"policy"`
	// Waiver is the waiver that turned a deny into this waived finding.
	Waiver *Waiver `json:"waiver,omitempty"`
	// Key, when a rule names the policy key a finding is about
	// ("retentionPeriod", "filters[1].value"), is resolved to Line.
	Key string `json:"-"`
}
