package policy

import (
	"path"
	"strings"
	"time"
)

// DefaultWaiverMaxDays is how long a waiver may run unless the settings
// say otherwise: a year, so that every exception is signed off again.
const DefaultWaiverMaxDays = 365

// Waiver is an exception to a deny rule that someone owns: while it runs,
// the rule's findings on the policies it names are reported as waived.
type Waiver struct {
	Rule    string `yaml:"rule" json:"rule"`     // a rule id, e.g. acme.min-retention
	Policy  string `yaml:"policy" json:"policy"` // a policy name or a glob of names
	Owner   string `yaml:"owner" json:"owner"`
	Reason  string `yaml:"reason" json:"reason"`
	Expires Date   `yaml:"expires" json:"expires"` // the last day it runs
}

// Ends returns the waiver's last day, and whether expires is a date.
func (w Waiver) Ends() (time.Time, bool) { return w.Expires.Time() }

// Covers reports whether the waiver names rule and policy name (a glob in
// path.Match's syntax; a malformed glob covers nothing).
func (w Waiver) Covers(rule, name string) bool {
	if w.Rule != rule {
		return false
	}
	ok, err := path.Match(w.Policy, name)
	return err == nil && ok
}

// Unwaivable reports rules no waiver may silence: a file that does not
// read, a hold that is overdue, a waiver that is itself wrong.
func Unwaivable(rule string) bool {
	for _, p := range []string{"yaml.", "file.", "hold.", "waiver."} {
		if strings.HasPrefix(rule, p) {
			return true
		}
	}
	return false
}
