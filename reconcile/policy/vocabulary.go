package policy

import "strconv"

// The vocabulary of policies and settings, in one place. rego/data.json and
// the JSON Schemas repeat parts of it for the rules and editors;
// vocabulary_test.go proves that they agree with these tables.

// ObjectType is the media a policy covers.
type ObjectType string

// Object types. "sms" is accepted in YAML as an alias of message and
// normalised by the loader.
const (
	Call        ObjectType = "call"
	Chat        ObjectType = "chat"
	Email       ObjectType = "email"
	Message     ObjectType = "message"
	Interaction ObjectType = "interaction" // Genesys' policy-level conditions and actions: read, never written
	SMS         ObjectType = "sms"
)

// ObjectTypes are the object types, in canonical order.
var ObjectTypes = []ObjectType{Call, Chat, Email, Message, Interaction}

// Frequency is how often `retainctl enforce` applies a policy's schedule.
type Frequency string

// Schedule frequencies.
const (
	Daily   Frequency = "DAILY"
	Weekly  Frequency = "WEEKLY"
	Monthly Frequency = "MONTHLY"
)

// Frequencies are the schedule frequencies.
var Frequencies = []Frequency{Daily, Weekly, Monthly}

// Strategy says how overlapping policies are reported and a conflict on
// create is resolved.
type Strategy string

// Conflict strategies.
const (
	MergeMax     Strategy = "merge-max" // warn, and on a 409 keep the longer retention
	StrategyWarn Strategy = "warn"
	StrategyFail Strategy = "fail"
)

// Strategies are the conflict strategies.
var Strategies = []Strategy{MergeMax, StrategyWarn, StrategyFail}

// Severity is how much a finding matters.
type Severity string

// Severities of a Violation.
const (
	Deny Severity = "deny" // fails validation (exit 1)
	Warn Severity = "warn" // reported, does not fail
	// Waived is a deny that a running waiver turns into a reported finding.
	Waived Severity = "waived"
)

// Attribute is what a filter narrows the conversations by.
type Attribute string

// Filter attributes, in canonical order.
const (
	Direction             Attribute = "direction"
	Queue                 Attribute = "queue"
	User                  Attribute = "user"
	Team                  Attribute = "team"
	WrapupCode            Attribute = "wrapupCode"
	Language              Attribute = "language"
	CustomerParticipation Attribute = "customerParticipation"
	Duration              Attribute = "duration"
	DateRange             Attribute = "dateRange"
)

// FilterSpec is one filter attribute: the operators it takes, the object
// types it applies to, and the Genesys condition it is written to.
type FilterSpec struct {
	Attribute   Attribute
	Operators   []string
	ObjectTypes []ObjectType
	Condition   string
}

var (
	allMedia  = []ObjectType{Call, Chat, Email, Message, Interaction}
	eqIn      = []string{"EQ", "IN"}
	durations = []string{"OVER", "UNDER", "BETWEEN"}
)

// Filters is the filter table, in canonical attribute order.
var Filters = []FilterSpec{
	{Direction, eqIn, []ObjectType{Call, Interaction}, "directions"},
	{Queue, eqIn, allMedia, "forQueues"},
	{User, eqIn, allMedia, "forUsers"},
	{Team, eqIn, allMedia, "teams"},
	{WrapupCode, eqIn, allMedia, "wrapupCodes"},
	{Language, eqIn, []ObjectType{Call, Chat, Email, Message}, "languages"},
	{CustomerParticipation, []string{"EQ"}, []ObjectType{Email, Message, Interaction}, "customerParticipation"},
	{Duration, durations, []ObjectType{Call, Chat, Interaction}, "duration"},
	{DateRange, eqIn, allMedia, "dateRanges"},
}

// AttributeRank orders attributes as Filters does; unknown ones go last.
func AttributeRank(a Attribute) int {
	for i, f := range Filters {
		if f.Attribute == a {
			return i
		}
	}
	return len(Filters)
}

// Retention is how many days recordings are kept. KeptForGood stands for
// "never deleted" where a number is needed (comparing retentions, the
// effective retention of overlapping policies): longer than any retention
// a policy may set, so the longest retention still wins.
type Retention int

// KeptForGood is the retention of recordings that are never deleted.
const KeptForGood Retention = 1 << 30

// ForGood reports whether r keeps recordings for good.
func (r Retention) ForGood() bool { return r >= KeptForGood }

// String says r for people: "kept for good", "1 day", "90 days".
func (r Retention) String() string {
	switch {
	case r.ForGood():
		return "kept for good"
	case r == 1:
		return "1 day"
	}
	return strconv.Itoa(int(r)) + " days"
}
