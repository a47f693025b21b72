// Package model holds the Genesys Cloud Platform API v2 models retainctl
// reads and writes: media retention policies, recording bulk jobs, the
// analytics data retention setting, list envelopes and errors. Field names
// follow the official SDKs' models (platformclientv2 188, the JavaScript
// SDK 262). It is pure: the client in package genesys does the talking.
package model

import (
	"encoding/json"
	"reflect"
)

// Policy is a media retention policy as the API sends and takes it.
type Policy struct {
	ID            string         `json:"id,omitempty"`
	Name          string         `json:"name"`
	ModifiedDate  string         `json:"modifiedDate,omitempty"`
	CreatedDate   string         `json:"createdDate,omitempty"`
	Order         *int           `json:"order,omitempty"`
	Description   string         `json:"description,omitempty"`
	Enabled       *bool          `json:"enabled,omitempty"`
	MediaPolicies *MediaPolicies `json:"mediaPolicies,omitempty"`
	Conditions    *Conditions    `json:"conditions,omitempty"`
	Actions       *Actions       `json:"actions,omitempty"`
	PolicyErrors  *PolicyErrors  `json:"policyErrors,omitempty"`
	SelfURI       string         `json:"selfUri,omitempty"`

	// Unknown lists the JSON paths of fields the answer held that this
	// model lacks: a policy with any is never changed or used to delete.
	Unknown []string `json:"-"`
}

// UnmarshalJSON decodes a policy and records the fields it did not know.
func (p *Policy) UnmarshalJSON(data []byte) error {
	type plain Policy
	var v plain
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*p = Policy(v)
	p.Unknown = unknownFields(data, reflect.TypeFor[plain]())
	return nil
}

// MediaPolicies holds the conditions and actions per media type.
type MediaPolicies struct {
	CallPolicy    *MediaPolicy `json:"callPolicy,omitempty"`
	ChatPolicy    *MediaPolicy `json:"chatPolicy,omitempty"`
	EmailPolicy   *MediaPolicy `json:"emailPolicy,omitempty"`
	MessagePolicy *MediaPolicy `json:"messagePolicy,omitempty"`
}

// MediaPolicy is one media type's part of a policy.
type MediaPolicy struct {
	Actions    *Actions    `json:"actions,omitempty"`
	Conditions *Conditions `json:"conditions,omitempty"`
}

// Conditions is the union of PolicyConditions and the per-media condition
// models; which fields a media type accepts is checked by validation.
type Conditions struct {
	ForUsers              []Ref              `json:"forUsers,omitempty"`
	Directions            []string           `json:"directions,omitempty"` // INBOUND | OUTBOUND
	DateRanges            []string           `json:"dateRanges,omitempty"` // ISO-8601 intervals
	MediaTypes            []string           `json:"mediaTypes,omitempty"` // CALL | CHAT (top level only)
	ForQueues             []Ref              `json:"forQueues,omitempty"`
	Duration              *DurationCondition `json:"duration,omitempty"`
	WrapupCodes           []Ref              `json:"wrapupCodes,omitempty"`
	Languages             []Ref              `json:"languages,omitempty"`
	TimeAllowed           *TimeAllowed       `json:"timeAllowed,omitempty"`
	Teams                 []Ref              `json:"teams,omitempty"`
	CustomerParticipation string             `json:"customerParticipation,omitempty"` // YES | NO
}

// Ref is an entity reference; conditions carry objects, not bare ids.
type Ref struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	SelfURI string `json:"selfUri,omitempty"`
}

// DurationCondition matches conversations by their length.
type DurationCondition struct {
	DurationTarget   string `json:"durationTarget,omitempty"` // DURATION | DURATION_RANGE
	DurationOperator string `json:"durationOperator,omitempty"`
	DurationRange    string `json:"durationRange,omitempty"`
	DurationMode     string `json:"durationMode,omitempty"` // Between | Over | Under
}

// TimeAllowed restricts a policy to time slots.
type TimeAllowed struct {
	TimeSlots  []TimeSlot `json:"timeSlots,omitempty"`
	TimeZoneID string     `json:"timeZoneId,omitempty"`
	Empty      bool       `json:"empty,omitempty"`
}

// TimeSlot is a daily window; Day is 1 (Monday) to 7 (Sunday).
type TimeSlot struct {
	StartTime string `json:"startTime,omitempty"`
	StopTime  string `json:"stopTime,omitempty"`
	Day       int    `json:"day,omitempty"`
}

// Actions says what happens to matching recordings. Only the retention part
// is managed by retainctl; the evaluation and survey assignments are kept as
// raw JSON so that an update never drops what someone set in the UI.
type Actions struct {
	RetainRecording                *bool              `json:"retainRecording,omitempty"`
	DeleteRecording                *bool              `json:"deleteRecording,omitempty"`
	AlwaysDelete                   *bool              `json:"alwaysDelete,omitempty"`
	RetentionDuration              *RetentionDuration `json:"retentionDuration,omitempty"`
	AssignEvaluations              json.RawMessage    `json:"assignEvaluations,omitempty"`
	AssignMeteredEvaluations       json.RawMessage    `json:"assignMeteredEvaluations,omitempty"`
	AssignMeteredAssignmentByAgent json.RawMessage    `json:"assignMeteredAssignmentByAgent,omitempty"`
	AssignCalibrations             json.RawMessage    `json:"assignCalibrations,omitempty"`
	AssignSurveys                  json.RawMessage    `json:"assignSurveys,omitempty"`
	MediaTranscriptions            json.RawMessage    `json:"mediaTranscriptions,omitempty"`
	InitiateScreenRecording        json.RawMessage    `json:"initiateScreenRecording,omitempty"`
	IntegrationExport              json.RawMessage    `json:"integrationExport,omitempty"`
}

// RetentionDuration holds when recordings are archived and deleted.
type RetentionDuration struct {
	ArchiveRetention *ArchiveRetention `json:"archiveRetention,omitempty"`
	DeleteRetention  *DeleteRetention  `json:"deleteRetention,omitempty"`
}

// ArchiveRetention moves recordings to cheaper storage after Days.
type ArchiveRetention struct {
	Days          int    `json:"days,omitempty"`
	StorageMedium string `json:"storageMedium,omitempty"` // CLOUDARCHIVE is the only value
}

// DeleteRetention deletes recordings after Days.
type DeleteRetention struct {
	Days int `json:"days,omitempty"`
}

// StorageCloudArchive is the only storage medium the API accepts.
const StorageCloudArchive = "CLOUDARCHIVE"

// PolicyErrors lists problems Genesys found with a policy.
type PolicyErrors struct {
	PolicyErrorMessages []PolicyErrorMessage `json:"policyErrorMessages,omitempty"`
}

// PolicyErrorMessage is one such problem.
type PolicyErrorMessage struct {
	StatusCode        int             `json:"statusCode,omitempty"`
	UserMessage       json.RawMessage `json:"userMessage,omitempty"`
	UserParamsMessage string          `json:"userParamsMessage,omitempty"`
	ErrorCode         string          `json:"errorCode,omitempty"`
	CorrelationID     string          `json:"correlationId,omitempty"`
	InsertDate        string          `json:"insertDate,omitempty"`
	UserParams        []UserParam     `json:"userParams,omitempty"`
}

// UserParam is one parameter of a policy error's message.
type UserParam struct {
	Key   string `json:"key,omitempty"`
	Value string `json:"value,omitempty"`
}

// Listing is the API's paged list envelope.
type Listing[T any] struct {
	Entities    []T    `json:"entities"`
	PageSize    int    `json:"pageSize"`
	PageNumber  int    `json:"pageNumber"`
	Total       int    `json:"total"`
	PageCount   int    `json:"pageCount"`
	FirstURI    string `json:"firstUri,omitempty"`
	PreviousURI string `json:"previousUri,omitempty"`
	NextURI     string `json:"nextUri,omitempty"`
	LastURI     string `json:"lastUri,omitempty"`
	SelfURI     string `json:"selfUri,omitempty"`
}

// Recording job actions and states (RecordingJobsQuery.action, RecordingJob.state).
const (
	JobDelete  = "DELETE"
	JobArchive = "ARCHIVE"
	JobExport  = "EXPORT"

	JobPending    = "PENDING"
	JobReady      = "READY"
	JobProcessing = "PROCESSING"
	JobFulfilled  = "FULFILLED"
	JobFailed     = "FAILED"
	JobCancelled  = "CANCELLED"
)

// RecordingJobsQuery is the body that creates a recording bulk job.
type RecordingJobsQuery struct {
	Action                             string                  `json:"action"`
	ActionDate                         string                  `json:"actionDate,omitempty"`
	ActionAge                          int                     `json:"actionAge,omitempty"`
	IntegrationID                      string                  `json:"integrationId,omitempty"`
	IncludeRecordingsWithSensitiveData *bool                   `json:"includeRecordingsWithSensitiveData,omitempty"`
	IncludeScreenRecordings            *bool                   `json:"includeScreenRecordings,omitempty"`
	IncludePolicyBasedRecordings       *bool                   `json:"includePolicyBasedRecordings,omitempty"`
	IncludeSnippetRecordings           *bool                   `json:"includeSnippetRecordings,omitempty"`
	ScreenRecordingActionDate          string                  `json:"screenRecordingActionDate,omitempty"`
	ScreenRecordingActionAge           int                     `json:"screenRecordingActionAge,omitempty"`
	ClearExport                        *bool                   `json:"clearExport,omitempty"`
	ConversationQuery                  *AsyncConversationQuery `json:"conversationQuery,omitempty"`
	// AgedConversationInterval selects conversations older than five years
	// (at most six months per job); it excludes ConversationQuery and so
	// cannot filter by media or anything else.
	AgedConversationInterval string `json:"agedConversationInterval,omitempty"`
}

// AsyncConversationQuery selects conversations by interval and filters, as
// the analytics conversation detail query does. It covers conversations up
// to five years old.
type AsyncConversationQuery struct {
	Interval                   string          `json:"interval"` // ISO-8601 start/end
	ConversationFilters        []QueryFilter   `json:"conversationFilters,omitempty"`
	SegmentFilters             []QueryFilter   `json:"segmentFilters,omitempty"`
	EvaluationFilters          json.RawMessage `json:"evaluationFilters,omitempty"`
	SurveyFilters              json.RawMessage `json:"surveyFilters,omitempty"`
	ResolutionFilters          json.RawMessage `json:"resolutionFilters,omitempty"`
	Order                      string          `json:"order,omitempty"`
	OrderBy                    string          `json:"orderBy,omitempty"`
	Limit                      int             `json:"limit,omitempty"`
	StartOfDayIntervalMatching *bool           `json:"startOfDayIntervalMatching,omitempty"`
}

// QueryFilter combines its predicates and clauses with "and" or "or"; it
// is the shape of both segment and conversation filters.
type QueryFilter struct {
	Type       string      `json:"type"`
	Clauses    []Clause    `json:"clauses,omitempty"`
	Predicates []Predicate `json:"predicates,omitempty"`
}

// Clause combines predicates with "and" or "or" inside a filter.
type Clause struct {
	Type       string      `json:"type"`
	Predicates []Predicate `json:"predicates"`
}

// Predicate matches one dimension: for segments mediaType (voice, chat,
// email, message), direction (inbound, outbound), queueId, userId, teamId,
// wrapUpCode, requestedLanguageId.
type Predicate struct {
	Type      string          `json:"type,omitempty"` // dimension | property | metric
	Dimension string          `json:"dimension,omitempty"`
	Property  string          `json:"property,omitempty"`
	Metric    string          `json:"metric,omitempty"`
	Operator  string          `json:"operator,omitempty"` // matches | exists | notExists
	Value     string          `json:"value,omitempty"`
	Range     json.RawMessage `json:"range,omitempty"`
}

// RecordingJob is a recording bulk job and its progress.
type RecordingJob struct {
	ID                       string              `json:"id"`
	State                    string              `json:"state"`
	RecordingJobsQuery       *RecordingJobsQuery `json:"recordingJobsQuery,omitempty"`
	DateCreated              string              `json:"dateCreated,omitempty"`
	TotalConversations       int                 `json:"totalConversations"`
	TotalRecordings          int                 `json:"totalRecordings"`
	TotalSkippedRecordings   int                 `json:"totalSkippedRecordings"`
	TotalFailedRecordings    int                 `json:"totalFailedRecordings"`
	TotalProcessedRecordings int                 `json:"totalProcessedRecordings"`
	PercentProgress          int                 `json:"percentProgress"`
	ErrorMessage             string              `json:"errorMessage,omitempty"`
	FailedRecordings         string              `json:"failedRecordings,omitempty"`
	User                     *Ref                `json:"user,omitempty"`
	SelfURI                  string              `json:"selfUri,omitempty"`
}

// Terminal reports whether the job can no longer change state.
func (j RecordingJob) Terminal() bool {
	return j.State == JobFulfilled || j.State == JobFailed || j.State == JobCancelled
}

// FailedRecording names a recording a job could not process.
type FailedRecording struct {
	Conversation Ref `json:"conversation"`
	Recording    Ref `json:"recording"`
}

// DataRetention is the organisation's analytics data retention setting.
type DataRetention struct {
	RetentionDays int    `json:"retentionDays"`
	DateCreated   string `json:"dateCreated,omitempty"`
	DateModified  string `json:"dateModified,omitempty"`
}

// ErrorBody is the API's error document.
type ErrorBody struct {
	Message   string         `json:"message"`
	Code      string         `json:"code"`
	Status    int            `json:"status"`
	ContextID string         `json:"contextId,omitempty"`
	Details   []ErrorDetail  `json:"details"`
	Errors    []ErrorBody    `json:"errors"`
	Limit     *RateLimitInfo `json:"limit,omitempty"`
}

// ErrorDetail points at the field an error is about.
type ErrorDetail struct {
	ErrorCode  string `json:"errorCode,omitempty"`
	FieldName  string `json:"fieldName,omitempty"`
	EntityID   string `json:"entityId,omitempty"`
	EntityName string `json:"entityName,omitempty"`
}

// RateLimitInfo names the limit a 429 hit, when the API says.
type RateLimitInfo struct {
	Key       string `json:"key,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Value     int    `json:"value,omitempty"`
}
