package enforce

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// The platform's deletion protection keeps a held conversation's
// recordings: a job skips them when it runs. Enforce runs no job while a
// held conversation is unprotected (run.Enforce checks), and a dry run
// counts what the holds keep, so that its numbers are what would go.

// countBatch is how many conversation ids one counting job's filter names.
// Genesys documents no limit on a filter's predicates; 50 is a cautious
// choice (inferred), and a matter of 100,000 conversations is still
// counted in MaxCountJobs jobs only when few jobs are due.
const countBatch = 50

// MaxCountJobs bounds the extra jobs a dry run creates to count what the
// holds keep; past it the dry run says the held recordings were not counted.
const MaxCountJobs = 50

// CountSpec is a dry-run job that counts the recordings of Plan.Jobs[Job]
// that the holds Holds keep: that job's query narrowed to some of their
// conversations. It is never executed.
type CountSpec struct {
	JobSpec
	Job   int
	Holds []string
}

// heldGroup is the conversations the same holds claim, so that each
// recording is counted once and for every hold that keeps it.
type heldGroup struct {
	holds []string
	ids   []string
}

// groups splits the active holds' conversations by which holds claim them.
func groups(holds []policy.Hold) []heldGroup {
	byKey := map[string]*heldGroup{}
	var keys []string
	for id, names := range policy.Claims(holds) {
		names = slices.Compact(slices.Sorted(slices.Values(names)))
		key := strings.Join(names, "\x00")
		g, ok := byKey[key]
		if !ok {
			g = &heldGroup{holds: names}
			byKey[key], keys = g, append(keys, key)
		}
		g.ids = append(g.ids, id)
	}
	slices.Sort(keys)
	out := make([]heldGroup, len(keys))
	for i, k := range keys {
		out[i] = *byKey[k]
		slices.Sort(out[i].ids)
	}
	return out
}

// Counting builds the jobs that count what the holds keep of each of
// jobs. It returns false, and no jobs, when that would take more than
// MaxCountJobs.
func Counting(jobs []JobSpec, holds []policy.Hold) ([]CountSpec, bool) {
	var out []CountSpec
	gs := groups(holds)
	for i, j := range jobs {
		for _, g := range gs {
			for batch := range slices.Chunk(g.ids, countBatch) {
				if len(out) == MaxCountJobs {
					return nil, false
				}
				out = append(out, CountSpec{JobSpec: narrowed(j, batch), Job: i, Holds: g.holds})
			}
		}
	}
	return out, true
}

// narrowed is j limited to the conversations ids: a conversation filter
// ANDed to its query, so it selects no more than j does (CheckCount).
func narrowed(j JobSpec, ids []string) JobSpec {
	cq := *j.Query.ConversationQuery
	f := genesys.QueryFilter{Type: "or"}
	for _, id := range ids {
		f.Predicates = append(f.Predicates, genesys.Predicate{Type: "dimension", Dimension: "conversationId", Operator: "matches", Value: id})
	}
	cq.ConversationFilters = append(slices.Clone(cq.ConversationFilters), f)
	j.Query.ConversationQuery = &cq
	return j
}

func countJobs(cs []CountSpec) []JobSpec {
	out := make([]JobSpec, len(cs))
	for i, c := range cs {
		out[i] = c.JobSpec
	}
	return out
}

// held takes what the counting jobs found out of the jobs' numbers and
// sums it per hold. A counting job that did not finish cleanly leaves its
// job's numbers as they were, and is a run error: the dry run's numbers
// would include recordings a hold keeps.
func (r *runState) held(jobs []Result, counts []CountSpec, found []Result) []HoldKept {
	perHold := map[string]int{}
	for i, c := range counts {
		f := found[i]
		if !f.OK() {
			r.fail(fmt.Errorf("counting what holds %s keep of %s's job failed (%s): its numbers include held recordings", strings.Join(c.Holds, ", "), c.Policy, f.Error))
			continue
		}
		j := &jobs[c.Job]
		j.Held += f.Recordings
		j.Recordings = max(0, j.Recordings-f.Recordings)
		j.Conversations = max(0, j.Conversations-f.Conversations)
		for _, h := range c.Holds {
			perHold[h] += f.Recordings
		}
	}
	var out []HoldKept
	for _, h := range slices.Sorted(maps.Keys(perHold)) {
		out = append(out, HoldKept{Hold: h, Recordings: perHold[h]})
	}
	return out
}

// CheckCount proves a counting job no wider than the job it counts for:
// its query is that job's, which passed Check, with one conversation
// filter more that names conversations by id and nothing else.
func CheckCount(count, job JobSpec) error {
	cq := count.Query.ConversationQuery
	if cq == nil || len(cq.ConversationFilters) != 1 {
		return fmt.Errorf("a counting job adds exactly one conversation filter")
	}
	f := cq.ConversationFilters[0]
	if f.Type != "or" || len(f.Clauses) > 0 || len(f.Predicates) == 0 {
		return fmt.Errorf("the counting job's conversation filter has a shape retainctl does not build")
	}
	for _, p := range f.Predicates {
		if (p.Type != "" && p.Type != "dimension") || p.Dimension != "conversationId" || p.Operator != "matches" || p.Value == "" || p.Property != "" || p.Metric != "" || len(p.Range) > 0 {
			return fmt.Errorf("the counting job's conversation filter names something other than conversation ids")
		}
	}
	rest := count
	rq := *cq
	rq.ConversationFilters = nil
	rest.Query.ConversationQuery = &rq
	if !reflect.DeepEqual(rest, job) {
		return fmt.Errorf("the counting job's query differs from its job's by more than the conversations it names")
	}
	return nil
}
