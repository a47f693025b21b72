package plan

import "fmt"

// CeilingChange is the plan for the organisation's analytics data
// retention (settings analytics.retentionDays): how long conversation data
// is kept at all. Shortening it is destructive: older conversation data is
// deleted, and Genesys refuses to set it back to "never".
type CeilingChange struct {
	Action  Action   `json:"action"` // update or noop
	Before  int      `json:"before"` // days; 0 when never set
	After   int      `json:"after"`
	Risk    Risk     `json:"risk"`
	Reasons []string `json:"reasons"`
}

// planCeiling plans the ceiling: nil when the settings leave it alone.
func planCeiling(desired, live int) *CeilingChange {
	if desired == 0 {
		return nil
	}
	c := &CeilingChange{Action: Update, Before: live, After: desired, Risk: Review}
	switch {
	case desired == live:
		c.Action, c.Risk = Noop, Safe
		c.Reasons = []string{fmt.Sprintf("conversation data is kept %d days, as written", desired)}
	case live == 0:
		c.Risk = Destructive
		c.Reasons = []string{fmt.Sprintf("first ceiling: conversation data older than %d days is deleted, and Genesys cannot clear the ceiling once set", desired)}
	case desired < live:
		c.Risk = Destructive
		c.Reasons = []string{fmt.Sprintf("shorter, %d → %d days: conversation data between %d and %d days old is deleted", live, desired, desired, live)}
	default:
		c.Reasons = []string{fmt.Sprintf("longer, %d → %d days: conversation data is kept longer, and storage grows", live, desired)}
	}
	return c
}
