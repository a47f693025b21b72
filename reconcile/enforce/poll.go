package enforce

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/wait"
)

// Polling defaults: jobs take seconds to an hour to build (the tutorial
// polls every 2 s), so waits grow from a second to half a minute.
const (
	DefaultPollInitial = time.Second
	DefaultPollMax     = 30 * time.Second
	maxPollErrors      = 5 // consecutive failed polls before a job is given up
)

// slotLimitCode is the error detail of a create refused because the org
// already runs its two jobs: nothing was created, so it is safe to retry.
const slotLimitCode = "recording.job.concurrent.limit"

// await polls job id until done(job) or a terminal state, with exponential
// backoff that honours the API's Retry-After. Each answer goes to seen.
func (r *Runner) await(ctx context.Context, id string, done func(genesys.RecordingJob) bool, seen func(genesys.RecordingJob)) (genesys.RecordingJob, error) {
	var last genesys.RecordingJob
	wait, fails := r.pollInitial(), 0
	for {
		j, err := r.API.GetRecordingJob(ctx, id)
		switch {
		case err == nil:
			last, fails = j, 0
			seen(j)
			if done(j) || j.Terminal() {
				return j, nil
			}
		case ctx.Err() != nil:
			return last, ctx.Err()
		default:
			if fails++; fails >= maxPollErrors {
				return last, fmt.Errorf("polling job %s: %w (gave up after %d failed polls)", id, err, fails)
			}
		}
		if err := r.sleep(ctx, max(wait, retryAfter(err))); err != nil {
			return last, err
		}
		wait = min(2*wait, r.pollMax())
	}
}

// create starts a job. A create refused for the org's job limit (another
// tool's job started meanwhile) created nothing and is retried after a
// wait; any other error, ErrOutcomeUnknown included, is returned as is.
func (r *Runner) create(ctx context.Context, spec JobSpec) (genesys.RecordingJob, error) {
	wait := r.pollInitial()
	for {
		if err := ctx.Err(); err != nil {
			return genesys.RecordingJob{}, err
		}
		// Once sent, the POST runs to its answer even if the run is
		// interrupted: a job the server made but whose id was never read
		// would hold one of the org's two slots, and nobody would cancel it.
		cctx, done := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		j, err := r.API.CreateRecordingJob(cctx, spec.Query)
		done()
		if err == nil || !isSlotLimit(err) {
			return j, err
		}
		if err := r.sleep(ctx, max(wait, retryAfter(err))); err != nil {
			return j, err
		}
		wait = min(2*wait, r.pollMax())
	}
}

func isSlotLimit(err error) bool {
	var ae *genesys.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest {
		return false
	}
	for _, d := range ae.Details {
		if d.ErrorCode == slotLimitCode {
			return true
		}
	}
	return false
}

// retryAfter is the wait an API error asks for, 0 when none.
func retryAfter(err error) time.Duration {
	var ae *genesys.APIError
	if errors.As(err, &ae) {
		return ae.RetryAfter
	}
	return 0
}

func (r *Runner) pollInitial() time.Duration { return cmpOr(r.PollInitial, DefaultPollInitial) }
func (r *Runner) pollMax() time.Duration     { return cmpOr(r.PollMax, DefaultPollMax) }

func (r *Runner) sleep(ctx context.Context, d time.Duration) error {
	if r.Sleep != nil {
		return r.Sleep(ctx, d)
	}
	return wait.Sleep(ctx, d)
}

func cmpOr(v, def time.Duration) time.Duration {
	if v > 0 {
		return v
	}
	return def
}
