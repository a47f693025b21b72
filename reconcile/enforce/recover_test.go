package enforce

import (
	"reflect"
	"testing"

	"github.com/retainctl/retainctl/reconcile/audit"
)

// A job is open from its creation until an event says it ended.
func TestOpenJobs(t *testing.T) {
	ev := func(typ audit.Type, job string) audit.Entry {
		return audit.Entry{Event: audit.Event{Type: typ, JobID: job, Policy: "P", Action: "DELETE", RunID: "r"}}
	}
	entries := []audit.Entry{
		ev(audit.JobCreated, "a"), ev(audit.JobCreated, "b"), ev(audit.JobReady, "b"), ev(audit.JobCreated, "c"),
		ev(audit.JobFulfilled, "a"), ev(audit.JobCancelled, "c"), ev(audit.EnforceFinished, ""),
	}
	if got := OpenJobs(entries); !reflect.DeepEqual(got, []OpenJob{{ID: "b", Policy: "P", Action: "DELETE", RunID: "r"}}) {
		t.Errorf("open jobs %+v", got)
	}
}
