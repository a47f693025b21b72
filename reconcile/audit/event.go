// The audit event schema: what one JSON line of the journal holds.

package audit

import "time"

// Type is what an event records.
type Type string

// Event types, one per step of apply and enforce.
const (
	ApplyStarted     Type = "apply.started"
	ApplyFinished    Type = "apply.finished"
	EnforceStarted   Type = "enforce.started"
	EnforceFinished  Type = "enforce.finished"
	ChangeStarted    Type = "change.started" // written before a change is sent, so a crash mid-call still leaves a trace
	ChangeSkipped    Type = "change.skipped" // a planned change not attempted (an earlier phase failed)
	PolicyCreated    Type = "policy.created"
	PolicyUpdated    Type = "policy.updated"
	PolicyDeleted    Type = "policy.deleted"
	PolicyAdopted    Type = "policy.adopted"
	PolicyRenamed    Type = "policy.renamed"
	OverlapDetected  Type = "overlap.detected"
	OverlapMerged    Type = "overlap.merged"
	ConflictResolved Type = "conflict.resolved"
	JobCreated       Type = "job.created"
	JobReady         Type = "job.ready"
	JobExecuted      Type = "job.executed"
	JobFulfilled     Type = "job.fulfilled"
	JobFailed        Type = "job.failed"
	JobCancelled     Type = "job.cancelled"
	HoldProtected    Type = "hold.protected" // a batch of a legal hold's conversations protected from deletion
	HoldReleased     Type = "hold.released"  // a batch released: their recordings can be deleted again
	CeilingSet       Type = "ceiling.set"    // the analytics data retention changed
	FindingWaived    Type = "finding.waived" // a deny a waiver turned into a reported finding
	Error            Type = "error"
)

// eventTypes lists every event type, in lifecycle order.
var eventTypes = []Type{
	ApplyStarted, ApplyFinished, EnforceStarted, EnforceFinished,
	ChangeStarted, ChangeSkipped, PolicyCreated, PolicyUpdated, PolicyDeleted, PolicyAdopted, PolicyRenamed,
	OverlapDetected, OverlapMerged, ConflictResolved,
	JobCreated, JobReady, JobExecuted, JobFulfilled, JobFailed, JobCancelled,
	HoldProtected, HoldReleased, CeilingSet, FindingWaived,
	Error,
}

// isChange reports whether t changes a policy in the organisation.
func (t Type) isChange() bool {
	switch t {
	case PolicyCreated, PolicyUpdated, PolicyDeleted, PolicyAdopted, PolicyRenamed, OverlapMerged, ConflictResolved, ChangeSkipped,
		HoldProtected, HoldReleased, CeilingSet:
		return true
	}
	return false
}

// Outcome is how a step ended.
type Outcome string

// Outcomes.
const (
	Success Outcome = "success"
	Failure Outcome = "failure"
	Skipped Outcome = "skipped"
	DryRun  Outcome = "dry-run"
)

// Event is one audit record. Record fills ID, Time, RunID, Seq, Tool, Org and CI;
// the caller fills the rest that applies to the step.
type Event struct {
	ID    string    `json:"id"`    // UUID; receivers dedupe on it
	Time  time.Time `json:"time"`  // RFC 3339, UTC, nanoseconds
	RunID string    `json:"runId"` // one apply or enforce run
	Seq   int64     `json:"seq"`   // order within the run, from 1
	// The hash chain, across runs (see chain.go): the event's place in the
	// log, from 1; the SHA-256 of the log line before it ("sha256:<hex>",
	// absent for the log's first event); and the log's chain, the id of its
	// first chained event.
	LogSeq   int64  `json:"logSeq,omitempty"`
	PrevHash string `json:"prevHash,omitempty"`
	Chain    string `json:"chain,omitempty"`
	Type     Type   `json:"type"`            // see the Type constants
	Tool     string `json:"tool,omitempty"`  // "retainctl <version>"
	Org      string `json:"org,omitempty"`   // API base URL or region the run targets
	Actor    string `json:"actor,omitempty"` // who ran it outside CI (CI.Actor otherwise)

	Policy   string `json:"policy,omitempty"`   // policy name
	PolicyID string `json:"policyId,omitempty"` // Genesys policy id
	JobID    string `json:"jobId,omitempty"`    // Genesys recording job id
	Action   string `json:"action,omitempty"`   // plan action or job action (DELETE, ARCHIVE)
	Risk     string `json:"risk,omitempty"`     // safe | review | destructive

	PlanFingerprint string `json:"planFingerprint,omitempty"` // the reviewed plan this run applies
	// Provenance says who approved the plan an apply event carries out.
	Provenance *Provenance `json:"provenance,omitempty"`

	// A legal hold's change: the hold (its matter), its owner, and the
	// conversations of the batch.
	Hold          string   `json:"hold,omitempty"`
	Owner         string   `json:"owner,omitempty"`
	Conversations []string `json:"conversations,omitempty"`

	RequestID  string  `json:"requestId,omitempty"`  // Genesys contextId of the deciding request
	HTTPStatus int     `json:"httpStatus,omitempty"` // status of the deciding request
	LatencyMs  float64 `json:"latencyMs,omitempty"`  // time the step took
	Outcome    Outcome `json:"outcome,omitempty"`

	Before  any    `json:"before,omitempty"` // state before the step (e.g. live policy)
	After   any    `json:"after,omitempty"`  // state after it
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`

	CI *CI `json:"ci,omitempty"`
}

// CI identifies the pipeline run behind an event.
type CI struct {
	Repository     string `json:"repository,omitempty"`
	Commit         string `json:"commit,omitempty"`
	Ref            string `json:"ref,omitempty"`
	PullRequest    int    `json:"pullRequest,omitempty"`
	Actor          string `json:"actor,omitempty"`
	Workflow       string `json:"workflow,omitempty"`
	WorkflowRunURL string `json:"workflowRunUrl,omitempty"`
}

// Approval kinds: how the plan an apply carried out was approved.
const (
	ApprovedOnPullRequest = "pull-request" // apply --github: the plan approved on the merged pull request
	ApprovedPlanFile      = "plan-file"    // apply PLANFILE: whoever ran it holds the reviewed plan
	ApprovedAutomatically = "auto-approve" // apply --auto-approve: nobody reviewed it
)

// Provenance is where an applied change came from and who approved it.
type Provenance struct {
	Approval        string     `json:"approval"`                  // one of the Approved… kinds
	PullRequest     int        `json:"pullRequest,omitempty"`     // the merged pull request
	MergeCommit     string     `json:"mergeCommit,omitempty"`     // its merge commit (the pushed commit)
	Approvers       []Reviewer `json:"approvers,omitempty"`       // reviewers whose last review approves
	PlanFingerprint string     `json:"planFingerprint,omitempty"` // the plan fingerprint they approved
}

// Reviewer is one approving review: who, when, and the commit reviewed.
type Reviewer struct {
	Login       string    `json:"login"`
	SubmittedAt time.Time `json:"submittedAt,omitzero"`
	Commit      string    `json:"commit,omitempty"`
}
