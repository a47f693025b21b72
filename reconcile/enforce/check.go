package enforce

import (
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Check proves that a job selects nothing its policy does not cover: it
// reads the query back, independently of how Jobs built it, and refuses
// one that could reach a recording outside the scope (another medium, a
// value no filter names, an interval outside the dateRanges or the five
// years a query reaches) or one younger than minAge days.
func Check(q genesys.RecordingJobsQuery, scope policy.Policy, minAge int, now, horizon time.Time) error {
	switch {
	case q.AgedConversationInterval != "":
		return fmt.Errorf("agedConversationInterval selects every conversation of its interval: no policy's job may use it")
	case q.ConversationQuery == nil:
		return fmt.Errorf("the job has no conversation query")
	case q.ActionDate != "" || q.ActionAge < minAge:
		return fmt.Errorf("the job acts at age %d days (date %q); the policy allows no less than %d days", q.ActionAge, q.ActionDate, minAge)
	case q.IncludeScreenRecordings == nil || *q.IncludeScreenRecordings || q.ScreenRecordingActionAge != 0 || q.ScreenRecordingActionDate != "":
		return fmt.Errorf("the job would act on screen recordings, which keep their own retention")
	case isSet(q.IncludeRecordingsWithSensitiveData) || isSet(q.ClearExport) || q.IntegrationID != "":
		return fmt.Errorf("the job sets options retainctl does not send")
	}
	cq := q.ConversationQuery
	if len(cq.ConversationFilters) > 0 || len(cq.EvaluationFilters) > 0 || len(cq.SurveyFilters) > 0 || len(cq.ResolutionFilters) > 0 || cq.StartOfDayIntervalMatching != nil {
		return fmt.Errorf("the job query has filters retainctl does not build")
	}
	if err := checkInterval(cq.Interval, scope, minAge, now, horizon); err != nil {
		return err
	}
	got, err := constraints(cq.SegmentFilters)
	if err != nil {
		return err
	}
	want, err := scopeConstraints(scope)
	if err != nil {
		return err
	}
	for dim, allowed := range want {
		vals, ok := got[dim]
		if !ok {
			return fmt.Errorf("the job does not filter by %s, which the policy does", dim)
		}
		for v := range vals {
			if !allowed[v] {
				return fmt.Errorf("the job selects %s %q, which the policy does not cover", dim, v)
			}
		}
	}
	return nil
}

func isSet(b *bool) bool { return b != nil && *b }

// checkInterval requires the interval to lie within the query horizon,
// end no later than minAge days ago, and fall inside one of the scope's
// dateRanges when it has any.
func checkInterval(interval string, scope policy.Policy, minAge int, now, horizon time.Time) error {
	w, ok := parseWindow(interval)
	if !ok {
		return fmt.Errorf("the job interval %q is not start/end in RFC 3339", interval)
	}
	if w.From.Before(horizon) {
		return fmt.Errorf("the job interval %s starts before the five years a conversation query reaches", interval)
	}
	if w.To.After(now.UTC().AddDate(0, 0, -minAge)) {
		return fmt.Errorf("the job interval %s reaches conversations younger than %d days", interval, minAge)
	}
	var ranges []window
	for _, f := range scope.Filters {
		if f.Attribute != policy.DateRange {
			continue
		}
		for _, v := range f.Values() {
			if r, ok := parseWindow(v); ok {
				ranges = append(ranges, r)
			}
		}
		if !covered(w, ranges) {
			return fmt.Errorf("the job interval %s is not inside the policy's dateRanges", interval)
		}
	}
	return nil
}

// covered reports whether the ranges, together, cover all of w.
func covered(w window, ranges []window) bool {
	for at := w.From; at.Before(w.To); {
		next := at
		for _, r := range ranges {
			if !r.From.After(at) && r.To.After(next) {
				next = r.To
			}
		}
		if !next.After(at) {
			return false
		}
		at = next
	}
	return true
}

func parseWindow(s string) (window, bool) {
	from, to, ok := strings.Cut(s, "/")
	f, err1 := time.Parse(time.RFC3339, from)
	t, err2 := time.Parse(time.RFC3339, to)
	return window{f, t}, ok && err1 == nil && err2 == nil && f.Before(t)
}

// constraints reads segment filters as the value set each dimension is
// limited to. Only the shapes Jobs builds are understood: an "or" of
// matches on one dimension, or an "and" of one; filters on one dimension
// intersect. Anything else could widen the selection and is refused.
func constraints(fs []genesys.QueryFilter) (map[string]map[string]bool, error) {
	out := map[string]map[string]bool{}
	for i, f := range fs {
		if len(f.Clauses) > 0 || len(f.Predicates) == 0 || (f.Type != "or" && len(f.Predicates) > 1) || (f.Type != "or" && f.Type != "and") {
			return nil, fmt.Errorf("segment filter %d has a shape retainctl does not build", i)
		}
		dim, vals := "", map[string]bool{}
		for _, p := range f.Predicates {
			if (p.Type != "" && p.Type != "dimension") || (p.Operator != "" && p.Operator != "matches") || p.Value == "" || (dim != "" && p.Dimension != dim) {
				return nil, fmt.Errorf("segment filter %d has a predicate retainctl does not build", i)
			}
			dim = p.Dimension
			vals[normalise(dim, p.Value)] = true
		}
		if prev, ok := out[dim]; ok {
			maps.DeleteFunc(vals, func(v string, _ bool) bool { return !prev[v] })
		}
		out[dim] = vals
	}
	return out, nil
}

// scopeConstraints is what every job of scope must be limited to.
func scopeConstraints(scope policy.Policy) (map[string]map[string]bool, error) {
	media, ok := analyticsMedia[scope.ObjectType]
	if !ok {
		return nil, fmt.Errorf("objectType %q has no job media type", scope.ObjectType)
	}
	out := map[string]map[string]bool{"mediaType": {media: true}}
	for _, f := range scope.Filters {
		if f.Attribute == policy.DateRange {
			continue
		}
		dim, ok := dimensions[f.Attribute]
		if !ok {
			return nil, fmt.Errorf("the policy's %s filter has no job dimension", f.Attribute)
		}
		vals := map[string]bool{}
		for _, v := range f.Values() {
			vals[normalise(dim, v)] = true
		}
		out[dim] = vals
	}
	return out, nil
}

// normalise compares the case-insensitive dimensions in lower case, with
// Genesys' policy media name for calls read as the analytics one.
func normalise(dim, v string) string {
	switch dim {
	case "mediaType":
		if v = strings.ToLower(v); v == "call" {
			return "voice"
		}
		return v
	case "direction":
		return strings.ToLower(v)
	}
	return v
}
