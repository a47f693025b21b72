package enforce

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/audit/audittest"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/genesys/genesystest"
)

// fakeJobs is an org without other jobs whose jobs are READY when first
// polled and FULFILLED once executed.
func fakeJobs() *genesystest.Fake {
	var mu sync.Mutex
	made, executed := 0, map[string]bool{}
	job := func(id string) genesys.RecordingJob {
		if executed[id] {
			return genesys.RecordingJob{ID: id, State: genesys.JobFulfilled}
		}
		return genesys.RecordingJob{ID: id, State: genesys.JobReady}
	}
	return &genesystest.Fake{
		ListRecordingJobsFunc: func(context.Context, string) ([]genesys.RecordingJob, error) { return nil, nil },
		CreateRecordingJobFunc: func(context.Context, genesys.RecordingJobsQuery) (genesys.RecordingJob, error) {
			mu.Lock()
			defer mu.Unlock()
			made++
			return genesys.RecordingJob{ID: fmt.Sprintf("job-%d", made), State: genesys.JobPending}, nil
		},
		GetRecordingJobFunc: func(_ context.Context, id string) (genesys.RecordingJob, error) {
			mu.Lock()
			defer mu.Unlock()
			return job(id), nil
		},
		ExecuteRecordingJobFunc: func(_ context.Context, id string) (genesys.RecordingJob, error) {
			mu.Lock()
			defer mu.Unlock()
			executed[id] = true
			return genesys.RecordingJob{ID: id, State: genesys.JobProcessing}, nil
		},
		CancelRecordingJobFunc: func(context.Context, string) error { return nil },
	}
}

// gatedAudit fails every event of policy "bad", and holds the first event
// of policy "good" until release is closed, saying so on waiting.
type gatedAudit struct {
	audittest.Recorder
	waiting, release chan struct{}
	once             sync.Once
}

func (g *gatedAudit) Record(ctx context.Context, e audit.Event) error {
	switch e.Policy {
	case "bad":
		return errors.New("disk full")
	case "good":
		g.once.Do(func() { close(g.waiting); <-g.release })
	}
	return g.Recorder.Record(ctx, e)
}

// One Runner runs two plans at once; the audit failure of one must not
// stop the other.
func TestConcurrentRunsKeepTheirOwnState(t *testing.T) {
	rec := &gatedAudit{waiting: make(chan struct{}), release: make(chan struct{})}
	r := &Runner{API: fakeJobs(), Audit: rec, Sleep: noSleep}
	plan := func(name string) Plan {
		return Plan{Jobs: []JobSpec{{Policy: name, Action: genesys.JobDelete}}}
	}
	good := make(chan Report)
	go func() { good <- r.Run(context.Background(), plan("good")) }()
	<-rec.waiting // the good run is under way
	bad := r.Run(context.Background(), plan("bad"))
	close(rec.release)

	if bad.OK() || len(bad.Errors) == 0 {
		t.Errorf("the run whose audit failed reports no error: %+v", bad)
	}
	if rep := <-good; !rep.OK() || rep.Jobs[0].Outcome != Fulfilled {
		t.Errorf("the other run was hurt by it: errors %v, jobs %+v", rep.Errors, rep.Jobs)
	}
}

// TestTwoJobsInFlightWheneverTwoAreDue: a job that ends frees its slot for
// the next at once, however long the other job runs. Job 2 runs until all
// the others have ended, so jobs 3 to 6 must each start while it runs,
// beside it, one after another; a runner that waited for both jobs of a
// pair to end would wait for job 2 until Runner.Timeout stopped the run.
func TestTwoJobsInFlightWheneverTwoAreDue(t *testing.T) {
	var mu sync.Mutex
	made, ended := 0, 0
	executed, active := map[string]bool{}, map[string]bool{}
	var activeAtCreate []int // the other jobs active when each was created
	api := &genesystest.Fake{
		ListRecordingJobsFunc: func(context.Context, string) ([]genesys.RecordingJob, error) { return nil, nil },
		CreateRecordingJobFunc: func(context.Context, genesys.RecordingJobsQuery) (genesys.RecordingJob, error) {
			mu.Lock()
			defer mu.Unlock()
			made++
			id := fmt.Sprintf("job-%d", made)
			activeAtCreate = append(activeAtCreate, len(active))
			active[id] = true
			return genesys.RecordingJob{ID: id, State: genesys.JobPending}, nil
		},
		GetRecordingJobFunc: func(_ context.Context, id string) (genesys.RecordingJob, error) {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case !executed[id]:
				return genesys.RecordingJob{ID: id, State: genesys.JobReady}, nil
			case id == "job-2" && ended < 5:
				return genesys.RecordingJob{ID: id, State: genesys.JobProcessing}, nil
			}
			if active[id] {
				delete(active, id)
				ended++
			}
			return genesys.RecordingJob{ID: id, State: genesys.JobFulfilled}, nil
		},
		ExecuteRecordingJobFunc: func(_ context.Context, id string) (genesys.RecordingJob, error) {
			mu.Lock()
			defer mu.Unlock()
			executed[id] = true
			return genesys.RecordingJob{ID: id, State: genesys.JobProcessing}, nil
		},
		CancelRecordingJobFunc: func(context.Context, string) error { return nil },
	}
	var jobs []JobSpec
	for i := range 6 {
		jobs = append(jobs, JobSpec{Policy: fmt.Sprintf("p%d", i), Action: genesys.JobDelete})
	}
	r := &Runner{API: api, Audit: &audittest.Recorder{}, Sleep: noSleep, Timeout: 10 * time.Second}
	if rep := r.Run(context.Background(), Plan{Jobs: jobs}); !rep.OK() {
		t.Fatalf("report: %+v", rep)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(activeAtCreate) != 6 || ended != 6 {
		t.Fatalf("%d jobs created, %d ended", len(activeAtCreate), ended)
	}
	for i, n := range activeAtCreate[2:] {
		if n != 1 {
			t.Errorf("job %d was created with %d other jobs active, want 1, job 2 (all: %v)", i+3, n, activeAtCreate)
		}
	}
}
