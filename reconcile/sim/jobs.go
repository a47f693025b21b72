package sim

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
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
	if !decodeBody(w, r, "RecordingJobsQuery", &q) {
		return
	}
	if fe := validateJobQuery(q, o.opts.Now()); fe != nil {
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

// validateJobQuery refuses what the platform refuses, and what the
// simulator cannot apply exactly: it never widens a job by ignoring part
// of it.
func validateJobQuery(q genesys.RecordingJobsQuery, now time.Time) *fieldError {
	switch q.Action {
	case genesys.JobExport:
		if q.IntegrationID == "" {
			return &fieldError{"integrationId", "The field [integrationId] is required for action EXPORT."}
		}
	case "":
		return &fieldError{"action", "The field [action] is required."}
	default:
		if q.IntegrationID != "" {
			return &fieldError{"integrationId", "The field [integrationId] is used only for action EXPORT."}
		}
	}
	switch {
	case q.ClearExport != nil && *q.ClearExport && q.Action != genesys.JobDelete:
		return &fieldError{"clearExport", "The field [clearExport] applies to action DELETE only."}
	case q.ActionDate != "" && q.ActionAge != 0:
		return &fieldError{"actionAge", "Provide actionDate or actionAge, not both."}
	case q.ActionAge < 0 || q.ScreenRecordingActionAge < 0:
		return &fieldError{"actionAge", "The field [actionAge] may not be negative."}
	case (q.ScreenRecordingActionAge != 0 || q.ScreenRecordingActionDate != "") && q.IncludeScreenRecordings != nil && !*q.IncludeScreenRecordings:
		return &fieldError{"includeScreenRecordings", "screenRecordingActionAge and screenRecordingActionDate need includeScreenRecordings to be true."}
	}
	_, fe := compileJob(q, now)
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
	created, _ := time.Parse(time.RFC3339, j.DateCreated)
	m, fe := compileJob(*j.RecordingJobsQuery, created) // validated at creation, unless the state file was edited
	if fe != nil {
		j.State, j.ErrorMessage = genesys.JobFailed, fe.msg
		return
	}
	convs := map[string]bool{}
	j.Matched = []string{}
	for _, rec := range m.selectFrom(o.st.recs) {
		j.Matched = append(j.Matched, rec.RecordingID)
		convs[rec.ConversationID] = true
	}
	j.State, j.Polls = genesys.JobReady, 0
	j.TotalConversations, j.TotalRecordings = len(convs), len(j.Matched)
}

// execute applies the job's action to each matched recording that is due;
// recordings not yet due are skipped, ones gone since READY have failed.
// A recording of a conversation under deletion protection is skipped by
// DELETE and ARCHIVE jobs, never deleted or archived; protection is read
// now, not at READY, so a hold placed while the job waits still applies.
// READY's totals count protected recordings all the same (inferred: no
// source says the platform's totals at READY know about protection).
// EXPORT changes no recording, so it exports protected ones (inferred too).
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
		case q.Action != genesys.JobExport && o.isProtected(rec.ConversationID):
			j.TotalSkippedRecordings++
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
	if !decodeBody(w, r, "ExecuteRecordingJobsQuery", &body) {
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
	q := r.URL.Query()
	state := q.Get("state")
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
	filters := url.Values{}
	if state != "" {
		filters.Set("state", state)
	}
	if includeTotal, set := q.Get("includeTotal"), q.Has("includeTotal"); set && strings.EqualFold(includeTotal, "false") {
		cursorPage(w, r, filters, out, size)
		return
	}
	writeJSON(w, http.StatusOK, listing(jobsPath, filters, out, size, page))
}

// cursorPage answers with includeTotal=false, as the platform recommends:
// no total and no pageCount, and the next page's cursor inside nextUri.
func cursorPage[T any](w http.ResponseWriter, r *http.Request, filters url.Values, all []T, size int) {
	from := 0
	if c := r.URL.Query().Get("cursor"); c != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(c, "c"))
		if !strings.HasPrefix(c, "c") || err != nil || n < 0 || n > len(all) {
			invalid(w, r, "cursor", fmt.Sprintf("Invalid cursor [%s].", c))
			return
		}
		from = n
	}
	to := min(from+size, len(all))
	uri := func(cursor string) string {
		q := url.Values{}
		for k, v := range filters {
			q[k] = v
		}
		q.Set("pageSize", strconv.Itoa(size))
		q.Set("includeTotal", "false")
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		return r.URL.Path + "?" + q.Encode()
	}
	body := map[string]any{"entities": all[from:to], "pageSize": size, "selfUri": uri(r.URL.Query().Get("cursor"))}
	if len(all[from:to]) == 0 {
		body["entities"] = []T{}
	}
	if to < len(all) {
		body["nextUri"] = uri("c" + strconv.Itoa(to))
	}
	writeJSON(w, http.StatusOK, body)
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
	if strings.EqualFold(r.URL.Query().Get("includeTotal"), "false") {
		cursorPage(w, r, nil, slices.Clone(j.Failed), size)
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
