package outcome

import "time"

// JobOutcome is how one job of an enforcement run ended.
type JobOutcome string

// Job outcomes. Only JobFulfilled and JobDryRun count as success.
const (
	JobFulfilled   JobOutcome = "fulfilled"
	JobFailed      JobOutcome = "failed"      // the job ended FAILED
	JobCancelled   JobOutcome = "cancelled"   // the job ended CANCELLED by someone else
	JobDryRun      JobOutcome = "dry-run"     // READY, totals read, cancelled on purpose
	JobTimedOut    JobOutcome = "timed-out"   // --timeout passed; the job was cancelled
	JobInterrupted JobOutcome = "interrupted" // the run was stopped; the job was cancelled
	JobErrored     JobOutcome = "error"       // an API call failed; see Error
	JobNotStarted  JobOutcome = "not-started" // never created (no free job slot before the end)
)

// Job is one recording job's end.
type Job struct {
	Policy        string     `json:"policy"`
	Action        string     `json:"action"`
	Interval      string     `json:"interval"`
	JobID         string     `json:"jobId,omitempty"`
	State         string     `json:"state,omitempty"` // last state Genesys reported
	Outcome       JobOutcome `json:"outcome"`
	Conversations int        `json:"conversations"`
	Recordings    int        `json:"recordings"`
	Processed     int        `json:"processed"`
	Failed        int        `json:"failed"`
	Skipped       int        `json:"skipped"`
	// Held counts, in a dry run, the recordings legal holds keep; they are
	// not in Conversations and Recordings.
	Held       int           `json:"held,omitempty"`
	Error      string        `json:"error,omitempty"`
	Duration   time.Duration `json:"-"`
	DurationMs float64       `json:"durationMs"`
}

// OK reports whether the job did what the run asked.
func (j Job) OK() bool { return j.Outcome == JobFulfilled || j.Outcome == JobDryRun }

// Policy says what happens to one selected policy.
type Policy struct {
	Name    string `json:"name"`
	Forced  bool   `json:"forced,omitempty"`  // named by --policy, schedule ignored
	Missed  string `json:"missed,omitempty"`  // the scheduled date this run catches up on
	Jobs    int    `json:"jobs"`              // jobs built for it
	Refused string `json:"refused,omitempty"` // why it cannot be enforced by a job
	// KeptDays is set when overlapping policies (KeptFor) keep its
	// recordings longer: its DELETE job deletes only those older than that.
	KeptDays int      `json:"keptDays,omitempty"`
	KeptFor  []string `json:"keptFor,omitempty"`
}

// Totals sums a run's jobs.
type Totals struct {
	Jobs          int `json:"jobs"`
	Succeeded     int `json:"succeeded"`
	Unsuccessful  int `json:"unsuccessful"`
	Conversations int `json:"conversations"`
	Recordings    int `json:"recordings"`
	Processed     int `json:"processed"`
	Failed        int `json:"failed"`
	Skipped       int `json:"skipped"`
	Held          int `json:"held,omitempty"`
}

// TotalsOf sums jobs.
func TotalsOf(jobs []Job) Totals {
	t := Totals{Jobs: len(jobs)}
	for _, j := range jobs {
		if j.OK() {
			t.Succeeded++
		} else {
			t.Unsuccessful++
		}
		t.Conversations += j.Conversations
		t.Recordings += j.Recordings
		t.Processed += j.Processed
		t.Failed += j.Failed
		t.Skipped += j.Skipped
		t.Held += j.Held
	}
	return t
}

// Enforce is an enforcement run's outcome (`retainctl enforce --format json`).
type Enforce struct {
	Now        time.Time `json:"now"`
	Horizon    time.Time `json:"horizon"` // the oldest conversation a job reaches
	DryRun     bool      `json:"dryRun"`
	Policies   []Policy  `json:"policies"`
	Jobs       []Job     `json:"jobs"`
	Totals     Totals    `json:"totals"`
	ActiveJobs []string  `json:"activeJobsAtStart,omitempty"` // other jobs holding org slots
	// Recovered says what became of the jobs an interrupted run left open.
	Recovered []string `json:"recovered,omitempty"`
	// NotDue are the policies this run leaves alone, and when they are due.
	NotDue []NotDue `json:"notDue,omitempty"`
	// Holds says, in a dry run, how many recordings each legal hold kept
	// from the jobs; HoldsNote why they were not counted, when they were not.
	Holds     []HoldKept `json:"holds,omitempty"`
	HoldsNote string     `json:"holdsNote,omitempty"`
	Errors    []string   `json:"errors,omitempty"` // run-level problems (audit, listing)
}

// NotDue is a policy a run does not enforce: Next is its next scheduled
// date, or Why says why it never is.
type NotDue struct {
	Name string `json:"name"`
	Next string `json:"next,omitempty"`
	Why  string `json:"why,omitempty"`
}

// HoldKept is what one legal hold kept from a dry run's jobs.
type HoldKept struct {
	Hold       string `json:"hold"`
	Recordings int    `json:"recordings"`
}

// OK reports whether every job succeeded and the run had no error.
func (r Enforce) OK() bool { return len(r.Errors) == 0 && r.Totals.Unsuccessful == 0 }
