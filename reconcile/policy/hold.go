package policy

import (
	"fmt"
	"time"
)

// HoldsDir is the directory of the policies directory that holds legal
// holds, one or more per file.
const HoldsDir = "holds"

// DateLayout is how holds and waivers write a day: 2027-03-31.
const DateLayout = time.DateOnly

// Date is a day as written (DateLayout); the loader takes it whether YAML
// reads it as text or as a timestamp.
type Date string

// Time parses the date, and reports whether it is one.
func (d Date) Time() (time.Time, bool) {
	t, err := time.Parse(DateLayout, string(d))
	return t, err == nil
}

// Hold is a legal hold: conversations whose recordings must not be deleted
// while a matter lasts. retainctl protects them with Genesys' deletion
// protection, and enforce never counts them as deleted.
type Hold struct {
	Name     string `yaml:"name" json:"name"` // the matter
	Owner    string `yaml:"owner" json:"owner"`
	Reason   string `yaml:"reason" json:"reason"`
	ReviewBy Date   `yaml:"reviewBy" json:"reviewBy"`
	// Released ends the hold: its conversations lose their protection,
	// unless another hold still claims them.
	Released bool `yaml:"released,omitempty" json:"released,omitempty"`
	// Conversations are the held conversations' ids; ConversationsFile
	// names a file of them, one per line, relative to the hold's file. The
	// loader reads the file into Conversations.
	Conversations     []string `yaml:"conversations,omitempty" json:"conversations,omitempty"`
	ConversationsFile string   `yaml:"conversationsFile,omitempty" json:"conversationsFile,omitempty"`

	// Source is filled by the loader; it is not part of the YAML.
	Source Source `yaml:"-" json:"-"`
}

// Active reports whether the hold still protects its conversations.
func (h Hold) Active() bool { return !h.Released }

// Due is the day the hold must be reviewed by, and whether reviewBy is a
// date at all.
func (h Hold) Due() (time.Time, bool) { return h.ReviewBy.Time() }

// Overdue reports whether an active hold's review day has passed at now
// (the review day itself is still in time).
func (h Hold) Overdue(now time.Time) bool {
	due, ok := h.Due()
	return h.Active() && ok && Day(now).After(due)
}

// Day is t's calendar day in UTC, the zone dates in holds and waivers are
// read in.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Claims maps each conversation an active hold names to those holds' names,
// in the order the holds were read.
func Claims(hs []Hold) map[string][]string {
	out := map[string][]string{}
	for _, h := range hs {
		if !h.Active() {
			continue
		}
		for _, id := range h.Conversations {
			out[id] = append(out[id], h.Name)
		}
	}
	return out
}

func (h Hold) String() string { return fmt.Sprintf("hold %q", h.Name) }
