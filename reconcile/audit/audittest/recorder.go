// Package audittest holds an in-memory audit recorder for tests.
package audittest

import (
	"context"
	"sync"

	"github.com/retainctl/retainctl/reconcile/audit"
)

// Recorder keeps the events it is given, in order. Err, when set, is
// returned by every Record after keeping the event: an audit log that
// failed to make it durable. It is safe for concurrent use.
type Recorder struct {
	Err error

	mu     sync.Mutex
	events []audit.Event
}

// Record keeps e.
func (r *Recorder) Record(_ context.Context, e audit.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return r.Err
}

// Events returns every event recorded so far.
func (r *Recorder) Events() []audit.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]audit.Event(nil), r.events...)
}

// OfType returns the events of type t.
func (r *Recorder) OfType(t audit.Type) []audit.Event {
	var out []audit.Event
	for _, e := range r.Events() {
		if e.Type == t {
			out = append(out, e)
		}
	}
	return out
}

// Types counts the events by type.
func (r *Recorder) Types() map[audit.Type]int {
	m := map[audit.Type]int{}
	for _, e := range r.Events() {
		m[e.Type]++
	}
	return m
}
