package enforce

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Horizon is the oldest a job's conversation query reaches when the
// platform's clock reads now. Genesys supports conversationQuery only for
// conversations up to five years old; older ones need
// agedConversationInterval, which cannot filter by media or anything else,
// so a job for one policy can never use it. A day's margin keeps clock
// skew from pushing an interval past the limit.
func Horizon(now time.Time) time.Time {
	return now.UTC().AddDate(-5, 0, 2).Truncate(24 * time.Hour)
}

func ptr[T any](v T) *T { return &v }

// JobSpec is one recording bulk job to run for a policy.
type JobSpec struct {
	Policy string                     `json:"policy"`
	Action string                     `json:"action"` // DELETE | ARCHIVE
	Query  genesys.RecordingJobsQuery `json:"query"`
}

// Refusal says why a policy's retention cannot be enforced by a job.
type Refusal struct {
	Policy string `json:"policy"`
	Reason string `json:"reason"`
}

func (r *Refusal) Error() string { return r.Policy + ": " + r.Reason }

// analyticsMedia maps an object type to the segment mediaType. A
// policy-level (interaction) policy has none: no job can enforce it.
var analyticsMedia = map[policy.ObjectType]string{
	policy.Call: "voice", policy.Chat: "chat", policy.Email: "email", policy.Message: "message",
}

// dimensions maps the filter attributes a segment predicate can express.
var dimensions = map[policy.Attribute]string{
	policy.Direction: "direction", policy.Queue: "queueId", policy.User: "userId",
	policy.Team: "teamId", policy.WrapupCode: "wrapUpCode", policy.Language: "requestedLanguageId",
}

// unsafe names the filters a conversation query cannot express: a job
// without them would cover more recordings than the policy does.
var unsafe = map[policy.Attribute]string{
	policy.Duration:              "the job query has no conversation-duration predicate",
	policy.CustomerParticipation: "the job query has no customer-participation predicate",
}

// Jobs builds the jobs that enforce p at now, reaching back no further
// than horizon (Horizon of the platform's clock): a DELETE of the matching
// recordings older than retentionPeriod days and, with archiveAfter, an
// ARCHIVE of those older than archiveAfter but not yet due for deletion.
// Each dateRange value narrows the interval (one job per range). A filter
// the query cannot express refuses the whole policy: a job must never
// select a recording the policy does not cover.
func Jobs(p policy.Policy, now, horizon time.Time) ([]JobSpec, error) {
	media, ok := analyticsMedia[p.ObjectType]
	if !ok {
		return nil, refuse(p, "objectType %q is not call, chat, email or message", p.ObjectType)
	}
	if p.TimeAllowed != nil {
		return nil, refuse(p, "it applies only in time slots, and a recording job cannot select recordings by time of day")
	}
	if p.RetentionPeriod <= 0 || p.RetentionPeriod > policy.MaxRetentionDays {
		return nil, refuse(p, "retentionPeriod %d is not between 1 and %d days", p.RetentionPeriod, policy.MaxRetentionDays)
	}
	segs, ranges, err := segmentFilters(p, media)
	if err != nil {
		return nil, err
	}
	now = now.UTC()
	deleteBefore := now.AddDate(0, 0, -int(p.RetentionPeriod))
	if !deleteBefore.After(horizon) {
		return nil, refuse(p, "its recordings are due for deletion only after %d days, beyond the five years a filtered recording job can reach", p.RetentionPeriod)
	}
	out := specs(p, genesys.JobDelete, int(p.RetentionPeriod), window{horizon, deleteBefore}, ranges, segs)
	if p.ArchiveAfter > 0 && p.ArchiveAfter < int(p.RetentionPeriod) {
		archive := window{deleteBefore, now.AddDate(0, 0, -p.ArchiveAfter)}
		out = append(out, specs(p, genesys.JobArchive, p.ArchiveAfter, archive, ranges, segs)...)
	}
	return out, nil
}

func refuse(p policy.Policy, format string, args ...any) *Refusal {
	return &Refusal{Policy: p.Name, Reason: fmt.Sprintf(format, args...)}
}

// segmentFilters turns media and filters into AND-ed segment filters, one
// per attribute, each OR-ing that attribute's values; it also returns the
// dateRange windows (nil: no dateRange filter).
func segmentFilters(p policy.Policy, media string) ([]genesys.QueryFilter, []window, error) {
	segs := []genesys.QueryFilter{orFilter("mediaType", []string{media})}
	var ranges []window
	for _, f := range p.Filters {
		vals := f.Values()
		if err := checkFilter(p, f, vals); err != nil {
			return nil, nil, err
		}
		if f.Attribute == policy.DateRange {
			ws, err := parseRanges(p, vals)
			if err != nil {
				return nil, nil, err
			}
			ranges = append(ranges, ws...)
			continue
		}
		if f.Attribute == "direction" {
			vals = lower(vals)
		}
		segs = append(segs, orFilter(dimensions[f.Attribute], vals))
	}
	return segs, ranges, nil
}

// checkFilter refuses what the query cannot express exactly: an unknown
// attribute or operator, an unsafe attribute, or an empty value (an empty
// OR would match everything).
func checkFilter(p policy.Policy, f policy.Filter, vals []string) error {
	if why, bad := unsafe[f.Attribute]; bad {
		return refuse(p, "cannot enforce the %s filter safely (%s); Genesys applies it to new recordings only", f.Attribute, why)
	}
	if _, known := dimensions[f.Attribute]; !known && f.Attribute != policy.DateRange {
		return refuse(p, "filter attribute %q cannot be expressed in a recording job query", f.Attribute)
	}
	if op := strings.ToUpper(f.Operator); op != "EQ" && op != "IN" {
		return refuse(p, "filter %s: operator %q cannot be expressed in a recording job query (EQ or IN)", f.Attribute, f.Operator)
	}
	if len(vals) == 0 {
		return refuse(p, "filter %s has no value", f.Attribute)
	}
	for _, v := range vals {
		if strings.TrimSpace(v) == "" {
			return refuse(p, "filter %s has an empty value", f.Attribute)
		}
	}
	return nil
}

func orFilter(dimension string, vals []string) genesys.QueryFilter {
	f := genesys.QueryFilter{Type: "or"}
	for _, v := range vals {
		f.Predicates = append(f.Predicates, genesys.Predicate{Type: "dimension", Dimension: dimension, Operator: "matches", Value: v})
	}
	return f
}

func lower(vals []string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.ToLower(v)
	}
	return out
}

// window is a half-open time interval [From, To).
type window struct{ From, To time.Time }

func (w window) String() string {
	return w.From.UTC().Format(time.RFC3339) + "/" + w.To.UTC().Format(time.RFC3339)
}

func (w window) intersect(o window) (window, bool) {
	r := window{later(w.From, o.From), earlier(w.To, o.To)}
	return r, r.From.Before(r.To)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func parseRanges(p policy.Policy, vals []string) ([]window, error) {
	out := make([]window, 0, len(vals))
	for _, v := range vals {
		from, to, ok := strings.Cut(v, "/")
		f, err1 := time.Parse(time.RFC3339, from)
		t, err2 := time.Parse(time.RFC3339, to)
		if !ok || err1 != nil || err2 != nil || !f.Before(t) {
			return nil, refuse(p, "dateRange %q is not start/end in RFC 3339 with start before end", v)
		}
		out = append(out, window{f, t})
	}
	return merge(out), nil
}

// merge joins overlapping windows, so no recording falls in two jobs.
func merge(ws []window) []window {
	slices.SortFunc(ws, func(a, b window) int { return a.From.Compare(b.From) })
	out := ws[:1]
	for _, w := range ws[1:] {
		last := &out[len(out)-1]
		if w.From.After(last.To) {
			out = append(out, w)
			continue
		}
		last.To = later(last.To, w.To)
	}
	return out
}

// specs makes one job per window that survives the dateRange filter (the
// whole base window when there is none); empty intersections need no job.
func specs(p policy.Policy, action string, ageDays int, base window, ranges []window, segs []genesys.QueryFilter) []JobSpec {
	ws := []window{base}
	if ranges != nil {
		ws = ws[:0]
		for _, r := range ranges {
			if w, ok := base.intersect(r); ok {
				ws = append(ws, w)
			}
		}
	}
	out := make([]JobSpec, 0, len(ws))
	for _, w := range ws {
		if !w.From.Before(w.To) {
			continue
		}
		out = append(out, JobSpec{Policy: p.Name, Action: action, Query: genesys.RecordingJobsQuery{
			Action: action,
			// ActionAge, not a fixed date, so that Genesys itself never acts on
			// a recording younger than the policy's age, whatever the interval.
			ActionAge: ageDays,
			// Screen recordings have their own retention (the policy's
			// initiateScreenRecording); the job leaves them alone rather
			// than act on them at the recordings' age (the default).
			IncludeScreenRecordings: ptr(false),
			ConversationQuery: &genesys.AsyncConversationQuery{
				Interval: w.String(), Order: "asc", OrderBy: "conversationStart", SegmentFilters: segs,
			},
		}})
	}
	return out
}
