package mapping

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Weekdays in Genesys' numbering: TimeSlot.day is 1 (Monday) to 7 (Sunday).
var Weekdays = []string{"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"}

// clock matches the times a slot may be written with.
var clock = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])(?:\.([0-9]{3}))?)?$`)

// CanonicalTime returns a slot time as HH:MM, HH:MM:SS or HH:MM:SS.mmm,
// without trailing zero parts; ok is false when it is not a time of day.
func CanonicalTime(s string) (string, bool) {
	m := clock.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", false
	}
	out := m[1] + ":" + m[2]
	switch {
	case m[4] != "" && m[4] != "000":
		out += ":" + or(m[3], "00") + "." + m[4]
	case m[3] != "" && m[3] != "00":
		out += ":" + m[3]
	}
	return out, true
}

// apiTime is the form Genesys documents for slot times: HH:MM:SS.mmm.
func apiTime(s string) string {
	c, _ := CanonicalTime(s)
	h, rest, _ := strings.Cut(c, ":")
	m, rest, _ := strings.Cut(rest, ":")
	sec, ms, _ := strings.Cut(rest, ".")
	return fmt.Sprintf("%s:%s:%s.%s", h, m, or(sec, "00"), or(ms, "000"))
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// canonicalTimeAllowed sorts the slots and writes their times canonically;
// no slots is no restriction.
func canonicalTimeAllowed(t *policy.TimeAllowed) *policy.TimeAllowed {
	if t == nil || len(t.Slots) == 0 {
		return nil
	}
	out := &policy.TimeAllowed{Timezone: t.Timezone, Slots: make([]policy.TimeSlot, len(t.Slots))}
	for i, s := range t.Slots {
		start, _ := CanonicalTime(s.Start)
		stop, _ := CanonicalTime(s.Stop)
		out.Slots[i] = policy.TimeSlot{Day: strings.ToUpper(s.Day), Start: or(start, s.Start), Stop: or(stop, s.Stop)}
	}
	slices.SortFunc(out.Slots, func(a, b policy.TimeSlot) int {
		if d := slices.Index(Weekdays, a.Day) - slices.Index(Weekdays, b.Day); d != 0 {
			return d
		}
		return strings.Compare(apiTime(a.Start), apiTime(b.Start))
	})
	out.Slots = slices.Compact(out.Slots)
	return out
}

// timeAllowed reads Genesys' time slots into the YAML vocabulary; nil when
// there are none, or when a slot does not read back (it is then carried).
func timeAllowed(t *model.TimeAllowed) *policy.TimeAllowed {
	if t == nil || len(t.TimeSlots) == 0 {
		return nil
	}
	out := &policy.TimeAllowed{Timezone: t.TimeZoneID}
	for _, s := range t.TimeSlots {
		start, ok1 := CanonicalTime(s.StartTime)
		stop, ok2 := CanonicalTime(s.StopTime)
		if !ok1 || !ok2 || s.Day < 1 || s.Day > 7 {
			return nil
		}
		out.Slots = append(out.Slots, policy.TimeSlot{Day: Weekdays[s.Day-1], Start: start, Stop: stop})
	}
	return canonicalTimeAllowed(out)
}

// apiTimeAllowed writes YAML time slots as Genesys' timeAllowed.
func apiTimeAllowed(t *policy.TimeAllowed) *model.TimeAllowed {
	if t == nil || len(t.Slots) == 0 {
		return nil
	}
	out := &model.TimeAllowed{TimeZoneID: t.Timezone}
	for _, s := range t.Slots {
		out.TimeSlots = append(out.TimeSlots, model.TimeSlot{
			Day: slices.Index(Weekdays, strings.ToUpper(s.Day)) + 1, StartTime: apiTime(s.Start), StopTime: apiTime(s.Stop)})
	}
	return out
}
