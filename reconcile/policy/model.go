// Package policy is retainctl's desired state: the retention policies and the
// settings that an organisation keeps as YAML in Git (docs/policy-reference.md).
package policy

import (
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // the IANA database, so schedules do not depend on the host
)

// MaxRetentionDays bounds retentionPeriod (100 years; the same bound is in
// rego/data.json): date arithmetic on a larger number could wrap around.
const MaxRetentionDays = 36500

// Source says where a policy was written, for messages that point at it.
type Source struct {
	File string `json:"file"`
	Line int    `json:"line"`
	// Lines holds the line of each key the policy writes, by path
	// ("retentionPeriod", "schedule.dayOfWeek", "filters[1].value"), so that
	// a finding points at the offending line rather than the policy's first.
	Lines map[string]int `json:"-"`
}

// LineOf returns the line of key, or of the policy when key is not written.
func (s Source) LineOf(key string) int {
	if l, ok := s.Lines[key]; ok {
		return l
	}
	return s.Line
}

// Policy is one desired media retention policy, as written in YAML.
type Policy struct {
	Name            string     `yaml:"name" json:"name"`
	Description     string     `yaml:"description,omitempty" json:"description,omitempty"`
	Enabled         *bool      `yaml:"enabled,omitempty" json:"enabled,omitempty"`
	ObjectType      ObjectType `yaml:"objectType" json:"objectType"`
	RetentionPeriod Retention  `yaml:"retentionPeriod" json:"retentionPeriod"`
	ArchiveAfter    int        `yaml:"archiveAfter,omitempty" json:"archiveAfter,omitempty"`
	Order           *int       `yaml:"order,omitempty" json:"order,omitempty"`
	Schedule        *Schedule  `yaml:"schedule,omitempty" json:"schedule,omitempty"`
	Filters         []Filter   `yaml:"filters,omitempty" json:"filters,omitempty"`
	// TimeAllowed limits the policy to weekly time slots (Genesys'
	// timeAllowed); no recording job can select by time of day, so a
	// policy with slots is never enforced on existing recordings.
	TimeAllowed   *TimeAllowed `yaml:"timeAllowed,omitempty" json:"timeAllowed,omitempty"`
	Tags          []string     `yaml:"tags,omitempty" json:"tags,omitempty"`
	DailyVolumeGB *float64     `yaml:"dailyVolumeGB,omitempty" json:"dailyVolumeGB,omitempty"`
	RenamedFrom   string       `yaml:"renamedFrom,omitempty" json:"renamedFrom,omitempty"`

	// Source is filled by the loader; it is not part of the YAML.
	Source Source `yaml:"-" json:"-"`
}

// Location returns the schedule's timezone (UTC when empty).
func (s Schedule) Location() (*time.Location, error) {
	loc, err := LoadZone(s.Timezone)
	if err != nil {
		return nil, fmt.Errorf("schedule.timezone %w", err)
	}
	return loc, nil
}

// LoadZone loads an IANA timezone (UTC when empty) from the embedded
// database. "Local" is refused: it would depend on the machine CI happens
// to run on.
func LoadZone(name string) (*time.Location, error) {
	switch name {
	case "":
		return time.UTC, nil
	case "Local":
		return nil, errors.New(`"Local" depends on the machine; name an IANA zone such as UTC or Europe/London`)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%q is not an IANA time zone name such as UTC, Europe/London or America/New_York", name)
	}
	return loc, nil
}

// IsEnabled reports the effective enabled flag (default true).
func (p Policy) IsEnabled() bool { return p.Enabled == nil || *p.Enabled }

// Schedule says when `retainctl enforce` applies the policy's retention to
// recordings that already exist (Genesys policies are not retroactive).
type Schedule struct {
	Frequency  Frequency `yaml:"frequency" json:"frequency"`
	DayOfWeek  string    `yaml:"dayOfWeek,omitempty" json:"dayOfWeek,omitempty"`   // WEEKLY: MONDAY..SUNDAY
	DayOfMonth int       `yaml:"dayOfMonth,omitempty" json:"dayOfMonth,omitempty"` // MONTHLY: 1..31
	Timezone   string    `yaml:"timezone,omitempty" json:"timezone,omitempty"`     // IANA name; default UTC
}

// TimeAllowed is a weekly set of time slots in one timezone.
type TimeAllowed struct {
	Timezone string     `yaml:"timezone,omitempty" json:"timezone,omitempty"` // IANA name
	Slots    []TimeSlot `yaml:"slots" json:"slots"`
}

// TimeSlot is a window on one day of the week, start before stop, as
// HH:MM, HH:MM:SS or HH:MM:SS.mmm.
type TimeSlot struct {
	Day   string `yaml:"day" json:"day"` // MONDAY..SUNDAY
	Start string `yaml:"start" json:"start"`
	Stop  string `yaml:"stop" json:"stop"`
}

// Filter narrows the conversations a policy covers. Value is a scalar or a
// list as written in YAML; Values gives it as a list of strings.
type Filter struct {
	Attribute Attribute `yaml:"attribute" json:"attribute"`
	Operator  string    `yaml:"operator" json:"operator"`
	Value     any       `yaml:"value" json:"value"`
	// DurationOperator is Genesys' durationOperator of a duration filter,
	// carried verbatim: Genesys documents no values for it.
	DurationOperator string `yaml:"durationOperator,omitempty" json:"durationOperator,omitempty"`
}

// Settings is the optional retainctl.yaml in the policies directory.
type Settings struct {
	LicenseTier string    `yaml:"licenseTier,omitempty" json:"licenseTier"`
	Prune       bool      `yaml:"prune,omitempty" json:"prune"`
	Conflicts   Conflicts `yaml:"conflicts,omitempty" json:"conflicts"`
	Estimates   Estimates `yaml:"estimates,omitempty" json:"estimates"`
	Audit       Audit     `yaml:"audit,omitempty" json:"audit"`
	Limits      Limits    `yaml:"limits,omitempty" json:"limits"`
	API         API       `yaml:"api,omitempty" json:"api"`
	Analytics   Analytics `yaml:"analytics,omitempty" json:"analytics"`
	// Organisation, in a repository of several (orgs/<name>/), says where
	// this one is; Include names directories of shared policies.
	Organisation *Organisation `yaml:"organisation,omitempty" json:"organisation,omitempty"`
	Include      []string      `yaml:"include,omitempty" json:"include,omitempty"`
	Waivers      []Waiver      `yaml:"waivers,omitempty" json:"waivers"`
	// WaiverMaxDays bounds how far ahead a waiver may expire.
	WaiverMaxDays int `yaml:"waiverMaxDays,omitempty" json:"waiverMaxDays"`

	// Source is the settings file, when there is one.
	Source Source `yaml:"-" json:"-"`
	// Lines gives the line of each key written in the settings file, by
	// dotted path (e.g. "conflicts.strategy"), for messages.
	Lines map[string]int `yaml:"-" json:"-"`
}

// LineOf returns the line of a key written in the settings file (a dotted
// path such as "waivers[1]"), or 1.
func (s Settings) LineOf(key string) int {
	if l, ok := s.Lines[key]; ok {
		return l
	}
	return 1
}

// Conflicts says how overlapping policies are reported.
type Conflicts struct {
	Strategy   Strategy `yaml:"strategy,omitempty" json:"strategy"`
	WindowDays int      `yaml:"windowDays,omitempty" json:"windowDays"`
}

// Estimates feeds the storage projections of a plan.
type Estimates struct {
	DailyVolumeGB map[ObjectType]float64 `yaml:"dailyVolumeGB,omitempty" json:"dailyVolumeGB"`
	Multipliers   map[ObjectType]float64 `yaml:"multipliers,omitempty" json:"multipliers"`
	RiskTB        RiskTB                 `yaml:"riskTB,omitempty" json:"riskTB"`
}

// RiskTB holds the projected-storage thresholds, in TB, for MEDIUM and HIGH.
type RiskTB struct {
	Medium float64 `yaml:"medium,omitempty" json:"medium"`
	High   float64 `yaml:"high,omitempty" json:"high"`
}

// Limits bound what a policies directory may hold, so that a pull request
// cannot make validation run out of time or memory. Raise them here for a
// repository that really is that large.
type Limits struct {
	MaxFiles    int `yaml:"maxFiles,omitempty" json:"maxFiles"`
	MaxBytes    int `yaml:"maxBytes,omitempty" json:"maxBytes"` // all policy files together
	MaxPolicies int `yaml:"maxPolicies,omitempty" json:"maxPolicies"`
}

// LimitCeiling is as far as a settings file may raise the limits: it sits
// in the directory it limits, so the pull request under review could raise
// them too. The loader never goes past it; validation refuses a setting
// above it.
var LimitCeiling = Limits{MaxFiles: 100_000, MaxBytes: 2 << 30, MaxPolicies: 1_000_000}

// Capped returns l with each limit at most LimitCeiling's.
func (l Limits) Capped() Limits {
	return Limits{MaxFiles: min(l.MaxFiles, LimitCeiling.MaxFiles), MaxBytes: min(l.MaxBytes, LimitCeiling.MaxBytes),
		MaxPolicies: min(l.MaxPolicies, LimitCeiling.MaxPolicies)}
}

// Analytics is the organisation's analytics data retention: the ceiling on
// how long conversation data is kept at all. RetentionDays 0 leaves it as
// it is.
type Analytics struct {
	RetentionDays int `yaml:"retentionDays,omitempty" json:"retentionDays,omitempty"`
}

// Audit says where the durable audit log lives.
type Audit struct {
	Log string `yaml:"log,omitempty" json:"log"`
}

// DefaultSettings returns the defaults docs/policy-reference.md documents.
func DefaultSettings() Settings {
	return Settings{
		LicenseTier: "ENTERPRISE",
		Conflicts:   Conflicts{Strategy: MergeMax, WindowDays: 15},
		Estimates: Estimates{
			DailyVolumeGB: map[ObjectType]float64{Call: 2.5, Chat: 0.4, Email: 0.8, Message: 0.1, Interaction: 3.0},
			Multipliers:   map[ObjectType]float64{Call: 1.2, Chat: 0.8, Email: 1.5, Message: 0.3, Interaction: 1.0},
			RiskTB:        RiskTB{Medium: 20, High: 50},
		},
		Audit:         Audit{Log: "audit/retainctl-audit.jsonl"},
		Limits:        Limits{MaxFiles: 10_000, MaxBytes: 256 << 20, MaxPolicies: 100_000},
		API:           DefaultAPI(),
		WaiverMaxDays: DefaultWaiverMaxDays,
	}
}

// Repo is everything the loader read from a policies directory.
type Repo struct {
	Dir      string
	Policies []Policy
	Holds    []Hold
	Settings Settings
}

// Values returns the filter's value as a list of strings, whether it was
// written as a scalar or a list.
func (f Filter) Values() []string {
	switch v := f.Value.(type) {
	case nil:
		return nil
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			out = append(out, scalarString(x))
		}
		return out
	case []string:
		return v
	default:
		return []string{scalarString(v)}
	}
}

func scalarString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}
