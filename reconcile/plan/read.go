package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxPlanBytes bounds a plan file; 10,000 policies plan to a few MiB.
const maxPlanBytes = 64 << 20

// Read decodes a plan document strictly and checks that it is whole: a
// known version, well-formed changes, and a fingerprint that matches them.
func Read(r io.Reader) (Plan, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxPlanBytes+1))
	if err != nil {
		return Plan{}, err
	}
	if len(data) > maxPlanBytes {
		return Plan{}, fmt.Errorf("plan file is larger than %d MiB", maxPlanBytes>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return Plan{}, fmt.Errorf("not a retainctl plan document: %w", err)
	}
	if dec.More() {
		return Plan{}, errors.New("not a retainctl plan document: extra data after the plan")
	}
	if p.Version != Version {
		return Plan{}, fmt.Errorf("plan format version %d; this retainctl reads version %d: plan again with this version", p.Version, Version)
	}
	for i, c := range p.Changes {
		if err := c.check(); err != nil {
			return Plan{}, fmt.Errorf("change %d (%q): %w", i+1, c.Name, err)
		}
	}
	if got := Fingerprint(p); got != p.Fingerprint {
		return Plan{}, fmt.Errorf("the plan's changes do not match its fingerprint (%s): the file was edited or is incomplete; plan again", p.Fingerprint)
	}
	return p, nil
}

// check makes sure a change carries what applying its action needs.
func (c Change) check() error {
	needs := func(ok bool, what string) error {
		if !ok {
			return fmt.Errorf("a %s change needs %s", c.Action, what)
		}
		return nil
	}
	switch c.Action {
	case Create:
		return needs(c.After != nil && c.After.Name == c.Name, "an after state with its name")
	case Update, Adopt, Noop:
		return needs(c.ID != "" && c.Before != nil && c.After != nil && c.After.Name == c.Name, "an id, a before and an after state")
	case Delete:
		return needs(c.ID != "" && c.Before != nil && c.After == nil, "an id and a before state only")
	}
	return fmt.Errorf("unknown action %q", c.Action)
}
