package sim

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

// span is a half-open time interval [from, to).
type span struct{ from, to time.Time }

// A conversation query reaches conversations up to five years old; older
// ones are selected by agedConversationInterval, six months at most.
const (
	queryYears     = 5
	agedMaxMonths  = 6
	unsupportedMsg = "the simulator does not model %s; it refuses the job rather than ignore part of it"
)

// matcher selects the recordings a job covers.
type matcher struct {
	within              span
	startOfDay          time.Time // startOfDayIntervalMatching: started on or after this
	segment, conv       []genesys.QueryFilter
	limit               int
	descending, limited bool
}

// segmentDimensions maps the segment dimensions the simulator knows to the
// recording field they test; values compare case-insensitively, and `call`
// is read as the analytics media type `voice`.
var segmentDimensions = map[string]func(*Recording) string{
	"mediaType":           func(r *Recording) string { return r.MediaType },
	"direction":           func(r *Recording) string { return r.Direction },
	"queueId":             func(r *Recording) string { return r.QueueID },
	"userId":              func(r *Recording) string { return r.UserID },
	"teamId":              func(r *Recording) string { return r.TeamID },
	"wrapUpCode":          func(r *Recording) string { return r.WrapUpCode },
	"requestedLanguageId": func(r *Recording) string { return r.LanguageID },
}

// conversationDimensions are the conversation-level ones it knows.
var conversationDimensions = map[string]func(*Recording) string{
	"conversationId":       func(r *Recording) string { return r.ConversationID },
	"originatingDirection": func(r *Recording) string { return r.Direction },
}

// compileJob checks a job's selection and builds its matcher: exactly one
// of conversationQuery and agedConversationInterval, within their age
// limits; every filter, clause and predicate applied or refused.
func compileJob(q genesys.RecordingJobsQuery, now time.Time) (*matcher, *fieldError) {
	limit := now.UTC().AddDate(-queryYears, 0, 0)
	switch {
	case q.ConversationQuery != nil && q.AgedConversationInterval != "":
		return nil, &fieldError{"agedConversationInterval", "conversationQuery must not be provided when agedConversationInterval is provided."}
	case q.AgedConversationInterval != "":
		w, ok := parseInterval(q.AgedConversationInterval)
		switch {
		case !ok:
			return nil, &fieldError{"agedConversationInterval", fmt.Sprintf("Invalid interval [%s]: expected an ISO-8601 interval start/end.", q.AgedConversationInterval)}
		case w.to.After(w.from.AddDate(0, agedMaxMonths, 0)):
			return nil, &fieldError{"agedConversationInterval", "Interval duration must not exceed 6 months."}
		case w.to.After(limit):
			return nil, &fieldError{"agedConversationInterval", "agedConversationInterval is supported only for conversations older than 5 years; use conversationQuery."}
		}
		return &matcher{within: w}, nil
	case q.ConversationQuery == nil:
		return nil, &fieldError{"conversationQuery", "One of conversationQuery and agedConversationInterval is required."}
	}
	return compileQuery(q.ConversationQuery, limit)
}

func compileQuery(q *genesys.AsyncConversationQuery, limit time.Time) (*matcher, *fieldError) {
	w, ok := parseInterval(q.Interval)
	switch {
	case !ok:
		return nil, &fieldError{"conversationQuery.interval",
			fmt.Sprintf("Invalid interval [%s]: expected an ISO-8601 interval start/end, e.g. 2024-01-01T00:00:00.000Z/2024-02-01T00:00:00.000Z", q.Interval)}
	case w.from.Before(limit):
		return nil, &fieldError{"conversationQuery.interval",
			"conversationQuery is supported only for conversations up to 5 years old; use agedConversationInterval for older ones."}
	case len(q.EvaluationFilters) > 0 || len(q.SurveyFilters) > 0 || len(q.ResolutionFilters) > 0:
		return nil, &fieldError{"conversationQuery", fmt.Sprintf(unsupportedMsg, "evaluations, surveys or resolutions")}
	case q.Limit < 0:
		return nil, &fieldError{"conversationQuery.limit", "The field [limit] may not be negative."}
	}
	m := &matcher{within: w, segment: q.SegmentFilters, conv: q.ConversationFilters,
		limit: q.Limit, limited: q.Limit > 0, descending: q.Order == "desc"}
	if q.StartOfDayIntervalMatching != nil && *q.StartOfDayIntervalMatching {
		m.startOfDay = w.from.UTC().Truncate(24 * time.Hour)
	}
	if fe := checkFilters("conversationQuery.segmentFilters", q.SegmentFilters, segmentDimensions); fe != nil {
		return nil, fe
	}
	return m, checkFilters("conversationQuery.conversationFilters", q.ConversationFilters, conversationDimensions)
}

// checkFilters refuses a filter the simulator cannot apply exactly: no
// predicate or clause (it would match everything), a dimension it does not
// model, a metric or property predicate.
func checkFilters(base string, fs []genesys.QueryFilter, dims map[string]func(*Recording) string) *fieldError {
	for i, f := range fs {
		field := fmt.Sprintf("%s[%d]", base, i)
		if len(f.Predicates) == 0 && len(f.Clauses) == 0 {
			return &fieldError{field, "A filter needs at least one predicate or clause."}
		}
		if fe := checkPredicates(field, f.Predicates, dims); fe != nil {
			return fe
		}
		for j, c := range f.Clauses {
			cf := fmt.Sprintf("%s.clauses[%d]", field, j)
			if len(c.Predicates) == 0 {
				return &fieldError{cf + ".predicates", "The field [predicates] is required."}
			}
			if fe := checkPredicates(cf, c.Predicates, dims); fe != nil {
				return fe
			}
		}
	}
	return nil
}

func checkPredicates(base string, ps []genesys.Predicate, dims map[string]func(*Recording) string) *fieldError {
	for j, p := range ps {
		field := fmt.Sprintf("%s.predicates[%d]", base, j)
		switch {
		case p.Type != "" && p.Type != "dimension":
			return &fieldError{field + ".type", fmt.Sprintf(unsupportedMsg, p.Type+" predicates")}
		case dims[p.Dimension] == nil:
			return &fieldError{field + ".dimension", fmt.Sprintf(unsupportedMsg, "the dimension ["+p.Dimension+"]")}
		case p.Operator == "exists" || p.Operator == "notExists":
			if p.Value != "" {
				return &fieldError{field + ".value", "An " + p.Operator + " predicate takes no value."}
			}
		case p.Value == "":
			return &fieldError{field + ".value", "A matches predicate needs a value."}
		}
	}
	return nil
}

// select returns the live recordings the job covers, in query order and
// within its limit (counted in conversations).
func (m *matcher) selectFrom(recs []*Recording) []*Recording {
	var out []*Recording
	for _, r := range recs {
		if m.match(r) {
			out = append(out, r)
		}
	}
	if !m.limited {
		return out
	}
	slices.SortStableFunc(out, func(a, b *Recording) int {
		if m.descending {
			return b.CreatedAt.Compare(a.CreatedAt)
		}
		return a.CreatedAt.Compare(b.CreatedAt)
	})
	convs := map[string]bool{}
	n := 0
	for _, r := range out {
		if !convs[r.ConversationID] && len(convs) == m.limit {
			break
		}
		convs[r.ConversationID] = true
		n++
	}
	return out[:n]
}

// match reports whether r is in the interval and passes every filter; the
// filters of a list are ANDed, as in the analytics detail query.
func (m *matcher) match(r *Recording) bool {
	if r.Deleted || r.CreatedAt.Before(m.within.from) || !r.CreatedAt.Before(m.within.to) || r.CreatedAt.Before(m.startOfDay) {
		return false
	}
	for _, f := range m.segment {
		if !filterMatch(f, r, segmentDimensions) {
			return false
		}
	}
	for _, f := range m.conv {
		if !filterMatch(f, r, conversationDimensions) {
			return false
		}
	}
	return true
}

// filterMatch combines a filter's predicates and clauses with its type.
func filterMatch(f genesys.QueryFilter, r *Recording, dims map[string]func(*Recording) string) bool {
	results := make([]bool, 0, len(f.Predicates)+len(f.Clauses))
	for _, p := range f.Predicates {
		results = append(results, predicateMatch(p, r, dims))
	}
	for _, c := range f.Clauses {
		results = append(results, combine(c.Type, c.Predicates, r, dims))
	}
	return reduce(f.Type, results)
}

func combine(typ string, ps []genesys.Predicate, r *Recording, dims map[string]func(*Recording) string) bool {
	results := make([]bool, len(ps))
	for i, p := range ps {
		results[i] = predicateMatch(p, r, dims)
	}
	return reduce(typ, results)
}

func reduce(typ string, results []bool) bool {
	if typ == "or" {
		return slices.Contains(results, true)
	}
	return !slices.Contains(results, false)
}

func predicateMatch(p genesys.Predicate, r *Recording, dims map[string]func(*Recording) string) bool {
	got := dims[p.Dimension](r)
	switch p.Operator {
	case "exists":
		return got != ""
	case "notExists":
		return got == ""
	}
	if p.Dimension == "mediaType" {
		return strings.EqualFold(got, analyticsMedia(p.Value))
	}
	return strings.EqualFold(got, p.Value)
}
