package apply

import (
	"context"
	"sync"

	"github.com/retainctl/retainctl/reconcile/audit"
)

// trail is the run's audit log and its latch: it keeps the first failure
// to record, and a run whose trail failed starts no more changes, because
// an unrecorded change is worse than a missing one. Events are still sent
// after a failure (the outcomes of changes in flight, the skipped phases):
// whatever the recorder still takes is kept.
type trail struct {
	rec Recorder

	mu  sync.Mutex
	err error
}

// record sends e to the recorder and latches its failure.
func (t *trail) record(ctx context.Context, e audit.Event) error {
	err := t.rec.Record(ctx, e)
	if err != nil {
		t.mu.Lock()
		defer t.mu.Unlock()
		if t.err == nil {
			t.err = err
		}
	}
	return err
}

// failed returns the first failure to record, nil while there was none.
func (t *trail) failed() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}
