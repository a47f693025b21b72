package plan

import (
	"fmt"
	"slices"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// HoldChange is what a plan does to one legal hold's conversations:
// protect those not yet protected and, for a released hold, release those
// no other hold still claims. Releasing is destructive: the recordings can
// be deleted again.
type HoldChange struct {
	Name     string      `json:"name"`
	Owner    string      `json:"owner"`
	Reason   string      `json:"reason"`
	ReviewBy policy.Date `json:"reviewBy"`
	Released bool        `json:"released,omitempty"`
	// Conversations are every conversation the hold names: the stale
	// check asks the organisation about them again.
	Conversations []string `json:"conversations"`
	Protect       []string `json:"protect,omitempty"`
	Release       []string `json:"release,omitempty"`
	// StillHeld are the released hold's conversations another hold claims,
	// which stay protected.
	StillHeld []string       `json:"stillHeld,omitempty"`
	Risk      Risk           `json:"risk"`
	Reasons   []string       `json:"reasons,omitempty"`
	Source    *policy.Source `json:"source,omitempty"`
}

// Changed reports whether applying the change calls the organisation.
func (h HoldChange) Changed() bool { return len(h.Protect)+len(h.Release) > 0 }

// Hold returns the hold the change was planned from.
func (h HoldChange) Hold() policy.Hold {
	return policy.Hold{Name: h.Name, Owner: h.Owner, Reason: h.Reason, ReviewBy: h.ReviewBy, Released: h.Released,
		Conversations: h.Conversations, Source: derefSource(h.Source)}
}

// planHolds plans each hold against which of its conversations the
// organisation protects. A conversation claimed by several holds stays
// protected until every one of them is released.
func planHolds(holds []policy.Hold, protected map[string]bool) []HoldChange {
	claims := policy.Claims(holds)
	out := make([]HoldChange, 0, len(holds))
	for _, h := range holds {
		c := HoldChange{Name: h.Name, Owner: h.Owner, Reason: h.Reason, ReviewBy: h.ReviewBy, Released: h.Released,
			Conversations: slices.Compact(slices.Sorted(slices.Values(h.Conversations))), Risk: Safe}
		if h.Source.File != "" {
			src := h.Source
			c.Source = &src
		}
		for _, id := range c.Conversations {
			switch {
			case h.Active() && !protected[id]:
				c.Protect = append(c.Protect, id)
			case h.Active():
			case len(claims[id]) > 0:
				c.StillHeld = append(c.StillHeld, id)
			case protected[id]:
				c.Release = append(c.Release, id)
			}
		}
		if len(c.Release) > 0 {
			c.Risk = Destructive
		}
		c.Reasons = c.reasons()
		out = append(out, c)
	}
	return out
}

// DesiredHolds returns the holds the plan was made from.
func (p Plan) DesiredHolds() []policy.Hold {
	out := make([]policy.Hold, len(p.Holds))
	for i, h := range p.Holds {
		out[i] = h.Hold()
	}
	return out
}

// HeldConversations lists every conversation the holds name, once, for the
// question which of them the organisation protects.
func HeldConversations(holds []policy.Hold) []string {
	var ids []string
	for _, h := range holds {
		ids = append(ids, h.Conversations...)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// reasons explains the change in words, for the plan.
func (h HoldChange) reasons() []string {
	var out []string
	if n := len(h.Protect); n > 0 {
		out = append(out, fmt.Sprintf("protect %s from deletion", conversations(n)))
	}
	if n := len(h.Release); n > 0 {
		out = append(out, fmt.Sprintf("release %s: their recordings can be deleted again", conversations(n)))
	}
	if n := len(h.StillHeld); n > 0 {
		out = append(out, fmt.Sprintf("%s stay protected: another hold claims them", conversations(n)))
	}
	return out
}

func conversations(n int) string {
	if n == 1 {
		return "1 conversation"
	}
	return fmt.Sprintf("%d conversations", n)
}

func derefSource(s *policy.Source) policy.Source {
	if s == nil {
		return policy.Source{}
	}
	return *s
}

// StillClaimed refuses a reviewed plan that would release a conversation
// an active hold of holds (the repository as it is now) claims: a hold
// added since the review keeps what it claims, whatever the plan says.
func StillClaimed(p Plan, holds []policy.Hold) error {
	claims := policy.Claims(holds)
	for _, h := range p.Holds {
		for _, id := range h.Release {
			if by := claims[id]; len(by) > 0 {
				return fmt.Errorf("the plan releases conversation %s of hold %q, which hold %q of the repository now claims: plan again (the new plan keeps it protected)", id, h.Name, by[0])
			}
		}
	}
	return nil
}
