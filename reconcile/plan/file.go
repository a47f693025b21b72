package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// WriteFile writes the plan document atomically, so that a reader never
// sees half a plan. A plan file is applied as it is, so a secret in it
// cannot be masked away: mask returns the document with the secrets it
// knows replaced, and a document it changes is refused.
func WriteFile(path string, p Plan, mask func([]byte) []byte) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if !bytes.Equal(mask(b), b) {
		return fmt.Errorf("%s not written: the plan would contain a secret (a credential or a RETAINCTL_MASK value) in a policy's fields; remove it from the policy YAML", path)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".plan-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ReadFile reads and checks the plan document at path (Read).
func ReadFile(path string) (Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return Plan{}, err
	}
	defer f.Close()
	p, err := Read(f)
	if err != nil {
		return p, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// StaleError is a reviewed plan the organisation no longer produces.
type StaleError struct {
	Reviewed, Fresh string   // fingerprints
	Moved           []string // what differs, one line per policy
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("the plan is stale: the organisation changed since it was made, so applying it would not do what was reviewed (plan %s, now %s):\n  %s\nPlan again and review the new plan",
		e.Reviewed, e.Fresh, strings.Join(e.Moved, "\n  "))
}

// ErrAlreadyApplied is a reviewed plan with nothing left to do: the
// organisation already is what it makes it.
var ErrAlreadyApplied = errors.New("already applied")

// AlreadyAppliedError is a reviewed plan whose every change the
// organisation already shows: an earlier apply of it (or the same change
// made some other way) got there first. Applying it again would do
// nothing; it is not stale.
type AlreadyAppliedError struct {
	Fingerprint string
	Changes     int
}

func (e *AlreadyAppliedError) Error() string {
	return fmt.Sprintf("already applied: the organisation already is what plan %s makes it (its %d change(s) are in place), so there is nothing left to do", e.Fingerprint, e.Changes)
}

func (e *AlreadyAppliedError) Unwrap() error { return ErrAlreadyApplied }

// CheckStale returns nil when the organisation, as listed, still produces
// the reviewed plan and nothing live blocks it; an *AlreadyAppliedError
// when the reviewed plan made changes and the organisation now needs none
// of them; a *StaleError naming what moved; or the blocking finding. The
// fingerprint does not cover findings, so they are judged afresh: a field
// appearing on a live policy since the review blocks the plan even though
// its changes are the same.
func CheckStale(reviewed Plan, live Live) error {
	fresh, err := Replan(reviewed, live)
	if err != nil {
		return err
	}
	if fresh.Fingerprint != reviewed.Fingerprint {
		if fresh.Summary.Changes() == 0 && reviewed.Summary.Changes() > 0 {
			return &AlreadyAppliedError{Fingerprint: reviewed.Fingerprint, Changes: reviewed.Summary.Changes()}
		}
		return &StaleError{Reviewed: reviewed.Fingerprint, Fresh: fresh.Fingerprint, Moved: Moved(reviewed, fresh)}
	}
	return Blocked(fresh)
}

// Blocked returns the first deny finding of p as an error, or nil: a plan
// with one is shown to reviewers but never applied.
func Blocked(p Plan) error {
	for _, v := range p.Violations {
		if v.Severity == policy.Deny {
			return fmt.Errorf("the plan is blocked: %s (%s): %s", v.Policy, v.Rule, v.Message)
		}
	}
	return nil
}
