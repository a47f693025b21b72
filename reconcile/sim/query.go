package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

// matcher selects the recordings a job's conversationQuery covers.
type matcher struct {
	from, to time.Time
	filters  []genesys.QueryFilter
}

// dimensions maps the segment dimensions the simulator knows to the
// recording field they test; mediaType and direction compare case-insensitively.
var dimensions = map[string]func(*Recording) string{
	"mediaType":           func(r *Recording) string { return r.MediaType },
	"direction":           func(r *Recording) string { return r.Direction },
	"queueId":             func(r *Recording) string { return r.QueueID },
	"userId":              func(r *Recording) string { return r.UserID },
	"teamId":              func(r *Recording) string { return r.TeamID },
	"wrapUpCode":          func(r *Recording) string { return r.WrapUpCode },
	"requestedLanguageId": func(r *Recording) string { return r.LanguageID },
}

// compileQuery checks a job query and builds its matcher.
func compileQuery(q *genesys.AsyncConversationQuery) (*matcher, *fieldError) {
	if q == nil {
		return nil, &fieldError{"conversationQuery", "The field [conversationQuery] is required."}
	}
	start, end, ok := strings.Cut(q.Interval, "/")
	from, err1 := time.Parse(time.RFC3339, start)
	to, err2 := time.Parse(time.RFC3339, end)
	if !ok || err1 != nil || err2 != nil || !from.Before(to) {
		return nil, &fieldError{"conversationQuery.interval",
			fmt.Sprintf("Invalid interval [%s]: expected an ISO-8601 interval start/end, e.g. 2024-01-01T00:00:00.000Z/2024-02-01T00:00:00.000Z", q.Interval)}
	}
	for i, f := range q.SegmentFilters {
		field := fmt.Sprintf("conversationQuery.segmentFilters[%d]", i)
		if f.Type != "and" && f.Type != "or" {
			return nil, &fieldError{field + ".type", fmt.Sprintf("Value [%s] is not valid for field [type]. Allowable values are: and, or", f.Type)}
		}
		for j, p := range f.Predicates {
			pf := fmt.Sprintf("%s.predicates[%d]", field, j)
			if _, known := dimensions[p.Dimension]; !known {
				return nil, &fieldError{pf + ".dimension", fmt.Sprintf("Unknown dimension [%s].", p.Dimension)}
			}
			if p.Operator != "" && p.Operator != "matches" {
				return nil, &fieldError{pf + ".operator", fmt.Sprintf("Operator [%s] is not supported by the simulator; use matches.", p.Operator)}
			}
		}
	}
	return &matcher{from: from, to: to, filters: q.SegmentFilters}, nil
}

// match reports whether r is in the interval and passes every filter.
func (m *matcher) match(r *Recording) bool {
	if r.Deleted || r.CreatedAt.Before(m.from) || !r.CreatedAt.Before(m.to) {
		return false
	}
	for _, f := range m.filters {
		if !filterMatch(f, r) {
			return false
		}
	}
	return true
}

func filterMatch(f genesys.QueryFilter, r *Recording) bool {
	if len(f.Predicates) == 0 {
		return true
	}
	for _, p := range f.Predicates {
		hit := strings.EqualFold(dimensions[p.Dimension](r), analyticsMedia(p.Value))
		if p.Dimension != "mediaType" {
			hit = strings.EqualFold(dimensions[p.Dimension](r), p.Value)
		}
		if hit && f.Type == "or" {
			return true
		}
		if !hit && f.Type == "and" {
			return false
		}
	}
	return f.Type == "and"
}
