package validate

import (
	"encoding/json"
	"time"

	"github.com/retainctl/retainctl/reconcile/overlap"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// input builds the one Rego input document. It uses only the types OPA
// converts directly (map[string]any, []any, scalars): anything else would go
// through a JSON round trip per value.
func input(repo policy.Repo, conflicts []overlap.Conflict, now time.Time) (map[string]any, error) {
	ps := make([]any, len(repo.Policies))
	for i, p := range repo.Policies {
		ps[i] = policyInput(p)
	}
	cs := make([]any, len(conflicts))
	for i, c := range conflicts {
		cs[i] = map[string]any{"policy": c.Policy, "other": c.Other}
	}
	settings, err := settingsInput(repo.Settings)
	if err != nil {
		return nil, err
	}
	hs := make([]any, len(repo.Holds))
	for i, h := range repo.Holds {
		hs[i] = holdInput(h)
	}
	return map[string]any{"policies": ps, "holds": hs, "settings": settings, "conflicts": cs,
		"today": policy.Day(now).Format(policy.DateLayout)}, nil
}

// holdInput is a hold without its conversations, which can number
// hundreds of thousands: rules see how many there are.
func holdInput(h policy.Hold) map[string]any {
	return map[string]any{
		"name":              h.Name,
		"owner":             h.Owner,
		"reason":            h.Reason,
		"reviewBy":          h.ReviewBy,
		"released":          h.Released,
		"conversations":     len(h.Conversations),
		"conversationsFile": h.ConversationsFile,
		"inline":            len(h.Source.Lines) > 0 && h.Source.Lines["conversations"] > 0,
		"file":              h.Source.File,
		"line":              h.Source.Line,
	}
}

func policyInput(p policy.Policy) map[string]any {
	m := map[string]any{
		"name":            p.Name,
		"description":     p.Description,
		"enabled":         p.IsEnabled(),
		"objectType":      string(p.ObjectType),
		"retentionPeriod": int(p.RetentionPeriod),
		"archiveAfter":    p.ArchiveAfter,
		"filters":         filtersInput(p.Filters),
		"tags":            stringsInput(p.Tags),
		"renamedFrom":     p.RenamedFrom,
		"file":            p.Source.File,
		"line":            p.Source.Line,
	}
	if p.Order != nil {
		m["order"] = *p.Order
	}
	if p.DailyVolumeGB != nil {
		m["dailyVolumeGB"] = *p.DailyVolumeGB
	}
	if t := p.TimeAllowed; t != nil {
		slots := make([]any, len(t.Slots))
		for i, s := range t.Slots {
			slots[i] = map[string]any{"day": s.Day, "start": s.Start, "stop": s.Stop}
		}
		m["timeAllowed"] = map[string]any{"timezone": t.Timezone, "slots": slots}
	}
	if s := p.Schedule; s != nil {
		m["schedule"] = map[string]any{"frequency": string(s.Frequency), "dayOfWeek": s.DayOfWeek, "dayOfMonth": s.DayOfMonth, "timezone": s.Timezone}
	}
	return m
}

func filtersInput(fs []policy.Filter) []any {
	out := make([]any, len(fs))
	for i, f := range fs {
		m := map[string]any{"attribute": string(f.Attribute), "operator": f.Operator, "value": f.Value}
		if f.DurationOperator != "" {
			m["durationOperator"] = f.DurationOperator
		}
		out[i] = m
	}
	return out
}

func stringsInput(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// settingsInput is the settings as their JSON contract, plus where they were
// written so rules can point at a key's line.
func settingsInput(s policy.Settings) (map[string]any, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	lines := map[string]any{}
	for k, l := range s.Lines {
		lines[k] = l
	}
	m["file"], m["lines"] = s.Source.File, lines
	return m, nil
}
