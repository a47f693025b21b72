package genesys

import (
	"context"
	"net/http"
	"net/url"
)

const (
	routeJobs      = "/api/v2/recording/jobs"
	routeJob       = routeJobs + "/{jobId}"
	routeJobFailed = routeJob + "/failedrecordings"
)

// CreateRecordingJob starts a bulk job (state PENDING). A lost answer or a
// server error is reported as ErrOutcomeUnknown: a job may exist, and since
// jobs have no name it cannot be looked up safely, so the caller decides
// (typically: list PENDING/READY jobs before trying again).
func (c *Client) CreateRecordingJob(ctx context.Context, q RecordingJobsQuery) (RecordingJob, error) {
	var j RecordingJob
	err := c.do(ctx, call{method: http.MethodPost, route: routeJobs, path: routeJobs, body: q}, &j)
	return j, err
}

// GetRecordingJob reads a job's state and progress.
func (c *Client) GetRecordingJob(ctx context.Context, id string) (RecordingJob, error) {
	var j RecordingJob
	err := c.do(ctx, call{method: http.MethodGet, route: routeJob, path: jobPath(id)}, &j)
	return j, err
}

// ExecuteRecordingJob runs a READY job (PUT {"state":"PROCESSING"}).
func (c *Client) ExecuteRecordingJob(ctx context.Context, id string) (RecordingJob, error) {
	var j RecordingJob
	body := struct {
		State string `json:"state"`
	}{JobProcessing}
	err := c.do(ctx, call{method: http.MethodPut, route: routeJob, path: jobPath(id), body: body}, &j)
	return j, err
}

// CancelRecordingJob cancels (deletes) a job that has not finished.
func (c *Client) CancelRecordingJob(ctx context.Context, id string) error {
	return c.do(ctx, call{method: http.MethodDelete, route: routeJob, path: jobPath(id)}, nil)
}

// ListRecordingJobs lists jobs, only those in state when it is not empty.
func (c *Client) ListRecordingJobs(ctx context.Context, state string) ([]RecordingJob, error) {
	var extra url.Values
	if state != "" {
		extra = url.Values{"state": {state}}
	}
	return listAll[RecordingJob](ctx, c, routeJobs, routeJobs, extra)
}

// ListFailedRecordings lists the recordings a job could not process.
func (c *Client) ListFailedRecordings(ctx context.Context, jobID string) ([]FailedRecording, error) {
	return listAll[FailedRecording](ctx, c, routeJobFailed, jobPath(jobID)+"/failedrecordings", nil)
}

func jobPath(id string) string { return routeJobs + "/" + url.PathEscape(id) }
