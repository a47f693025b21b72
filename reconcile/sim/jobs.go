package sim

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

const jobsPath = "/api/v2/recording/jobs"

// maxActiveJobs is the API's limit on jobs pending or processing per org.
const maxActiveJobs = 2

// clientUserID is the user the simulated OAuth client acts as.
const clientUserID = "0c0ffee0-5151-4d1d-9b1a-000000000001"

// job is a recording bulk job with the simulator's bookkeeping.
type job struct {
	genesys.RecordingJob
	Polls   int                       `json:"polls"`   // GETs seen in the current state
	Matched []string                  `json:"matched"` // recording ids, fixed when READY
	Failed  []genesys.FailedRecording `json:"failed"`
}

func (o *Org) createJob(w http.ResponseWriter, r *http.Request) {
	var q genesys.RecordingJobsQuery
	if !decodeBody(w, r, &q) {
		return
	}
	if fe := validateJobQuery(q); fe != nil {
		invalid(w, r, fe.field, fe.msg)
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.activeJobs() >= maxActiveJobs {
		writeError(w, r, http.StatusBadRequest, "bad.request",
			fmt.Sprintf("An organization may have at most %d recording jobs in pending or processing state; wait for one to finish or cancel it.", maxActiveJobs),
			genesys.ErrorDetail{ErrorCode: "recording.job.concurrent.limit"})
		return
	}
	id := o.ids.next()
	j := &job{RecordingJob: genesys.RecordingJob{
		ID: id, State: genesys.JobPending, RecordingJobsQuery: &q,
		DateCreated: stamp(o.opts.Now()), User: &genesys.Ref{ID: clientUserID},
		FailedRecordings: jobsPath + "/" + id + "/failedrecordings", SelfURI: jobsPath + "/" + id,
	}}
	o.st.Jobs = append(o.st.Jobs, j)
	if o.saveFailed(w, r) {
		return
	}
	writeJSON(w, http.StatusAccepted, j.RecordingJob)
}

func validateJobQuery(q genesys.RecordingJobsQuery) *fieldError {
	switch q.Action {
	case genesys.JobDelete, genesys.JobArchive:
	case genesys.JobExport:
		if q.IntegrationID == "" {
			return &fieldError{"integrationId", "The field [integrationId] is required for action EXPORT."}
		}
	default:
		return enumError("action", q.Action, []string{genesys.JobArchive, genesys.JobDelete, genesys.JobExport})
	}
	if q.ActionDate != "" {
		if _, err := time.Parse(time.RFC3339, q.ActionDate); err != nil {
			return &fieldError{"actionDate", fmt.Sprintf("Invalid date [%s]: expected ISO-8601.", q.ActionDate)}
		}
	}
	if q.ActionAge < 0 {
		return &fieldError{"actionAge", "The field [actionAge] may not be negative."}
	}
	_, fe := compileQuery(q.ConversationQuery)
	return fe
}

// getJob answers a job's state. Each GET moves a running job one step:
// PENDING turns READY after JobPolls GETs, PROCESSING advances
// percentProgress and ends FULFILLED after JobPolls GETs. Polling, not
// wall time, drives it, so tests and demos are deterministic.
func (o *Org) getJob(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	j := o.jobAt(w, r)
	if j == nil {
		return
	}
	if o.advance(j) && o.saveFailed(w, r) {
		return
	}
	writeJSON(w, http.StatusOK, j.RecordingJob)
}

// advance moves j one poll forward and reports whether it changed. Call with o.mu held.
func (o *Org) advance(j *job) bool {
	switch j.State {
	case genesys.JobPending:
		j.Polls++
		if j.Polls >= o.opts.JobPolls {
			o.ready(j)
		}
	case genesys.JobProcessing:
		j.Polls++
		j.PercentProgress = min(100, 100*j.Polls/o.opts.JobPolls)
		if j.Polls >= o.opts.JobPolls {
			o.execute(j)
		}
	default:
		return false
	}
	return true
}

// ready fixes the job's recordings and totals.
func (o *Org) ready(j *job) {
	m, _ := compileQuery(j.RecordingJobsQuery.ConversationQuery) // validated at creation
	convs := map[string]bool{}
	j.Matched = []string{}
	for _, rec := range o.st.recs {
		if m.match(rec) {
			j.Matched = append(j.Matched, rec.RecordingID)
			convs[rec.ConversationID] = true
		}
	}
	j.State, j.Polls = genesys.JobReady, 0
	j.TotalConversations, j.TotalRecordings = len(convs), len(j.Matched)
}

// execute applies the job's action to each matched recording that is due;
// recordings not yet due are skipped, ones gone since READY have failed.
func (o *Org) execute(j *job) {
	q := j.RecordingJobsQuery
	byID := make(map[string]*Recording, len(o.st.recs))
	for _, rec := range o.st.recs {
		byID[rec.RecordingID] = rec
	}
	now := o.opts.Now()
	j.Failed = []genesys.FailedRecording{}
	for _, id := range j.Matched {
		rec := byID[id]
		switch {
		case rec == nil || rec.Deleted:
			j.TotalFailedRecordings++
			j.Failed = append(j.Failed, genesys.FailedRecording{
				Conversation: genesys.Ref{ID: conversationOf(rec)}, Recording: genesys.Ref{ID: id}})
		case !due(q, rec, now):
			j.TotalSkippedRecordings++
		default:
			switch q.Action {
			case genesys.JobDelete:
				rec.Deleted = true
			case genesys.JobArchive:
				rec.Archived = true
			}
			j.TotalProcessedRecordings++
		}
	}
	j.State, j.PercentProgress, j.Polls = genesys.JobFulfilled, 100, 0
}

func conversationOf(r *Recording) string {
	if r == nil {
		return ""
	}
	return r.ConversationID
}

// due reports whether the action applies to rec now: at actionDate, or
// actionAge days after the recording was made, or at once.
func due(q *genesys.RecordingJobsQuery, rec *Recording, now time.Time) bool {
	if q.ActionDate != "" {
		t, _ := time.Parse(time.RFC3339, q.ActionDate)
		return !t.After(now)
	}
	if q.ActionAge > 0 {
		return !rec.CreatedAt.AddDate(0, 0, q.ActionAge).After(now)
	}
	return true
}

func (o *Org) executeJob(w http.ResponseWriter, r *http.Request) {
	var body struct {
		State string `json:"state"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.State != genesys.JobProcessing {
		invalid(w, r, "state", fmt.Sprintf("Value [%s] is not valid for field [state]. Allowable values are: PROCESSING", body.State))
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	j := o.jobAt(w, r)
	if j == nil {
		return
	}
	if j.State != genesys.JobReady {
		writeError(w, r, http.StatusBadRequest, "bad.request",
			fmt.Sprintf("The job is %s; only a READY job can be executed.", j.State))
		return
	}
	j.State, j.Polls, j.PercentProgress = genesys.JobProcessing, 0, 0
	if o.saveFailed(w, r) {
		return
	}
	writeJSON(w, http.StatusOK, j.RecordingJob)
}

func (o *Org) cancelJob(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	j := o.jobAt(w, r)
	if j == nil {
		return
	}
	if j.Terminal() {
		writeError(w, r, http.StatusBadRequest, "bad.request",
			fmt.Sprintf("The job is already %s and cannot be cancelled.", j.State))
		return
	}
	j.State = genesys.JobCancelled
	if o.saveFailed(w, r) {
		return
	}
	w.WriteHeader(http.StatusOK)
}

var jobStates = []string{genesys.JobFulfilled, genesys.JobPending, genesys.JobReady, genesys.JobProcessing, genesys.JobCancelled, genesys.JobFailed}

func (o *Org) listJobs(w http.ResponseWriter, r *http.Request) {
	size, page, ok := paging(w, r)
	if !ok {
		return
	}
	state := r.URL.Query().Get("state")
	if state != "" && !slices.Contains(jobStates, state) {
		invalid(w, r, "state", fmt.Sprintf("Value [%s] is not valid for field [state].", state))
		return
	}
	o.mu.Lock()
	var out []genesys.RecordingJob
	for _, j := range o.st.Jobs {
		if state == "" || j.State == state {
			out = append(out, j.RecordingJob)
		}
	}
	o.mu.Unlock()
	filters := map[string][]string{}
	if state != "" {
		filters["state"] = []string{state}
	}
	writeJSON(w, http.StatusOK, listing(jobsPath, filters, out, size, page))
}

func (o *Org) listFailed(w http.ResponseWriter, r *http.Request) {
	size, page, ok := paging(w, r)
	if !ok {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	j := o.jobAt(w, r)
	if j == nil {
		return
	}
	writeJSON(w, http.StatusOK, listing(j.FailedRecordings, nil, slices.Clone(j.Failed), size, page))
}

// jobAt returns the job the request's path names, or answers 404 and
// returns nil. Call with o.mu held.
func (o *Org) jobAt(w http.ResponseWriter, r *http.Request) *job {
	j := o.findJob(r.PathValue("jobId"))
	if j == nil {
		notFound(w, r)
	}
	return j
}

// findJob returns the job with id, or nil. Call with o.mu held.
func (o *Org) findJob(id string) *job {
	for _, j := range o.st.Jobs {
		if j.ID == id {
			return j
		}
	}
	return nil
}

// activeJobs counts jobs that hold one of the org's slots. Call with o.mu held.
func (o *Org) activeJobs() int {
	n := 0
	for _, j := range o.st.Jobs {
		if !j.Terminal() {
			n++
		}
	}
	return n
}
