// Package genesys speaks the Genesys Cloud Platform API v2: media retention
// policies, recording bulk jobs and the analytics data retention setting.
// The models live in package model, so that the pure packages can use them
// without the client; the names below keep them at hand here.
package genesys

import "github.com/retainctl/retainctl/reconcile/genesys/model"

// The Platform API models (package model).
type (
	Policy                 = model.Policy
	MediaPolicies          = model.MediaPolicies
	MediaPolicy            = model.MediaPolicy
	Conditions             = model.Conditions
	Ref                    = model.Ref
	DurationCondition      = model.DurationCondition
	TimeAllowed            = model.TimeAllowed
	TimeSlot               = model.TimeSlot
	Actions                = model.Actions
	RetentionDuration      = model.RetentionDuration
	ArchiveRetention       = model.ArchiveRetention
	DeleteRetention        = model.DeleteRetention
	PolicyErrors           = model.PolicyErrors
	PolicyErrorMessage     = model.PolicyErrorMessage
	UserParam              = model.UserParam
	Listing[T any]         = model.Listing[T]
	RecordingJobsQuery     = model.RecordingJobsQuery
	AsyncConversationQuery = model.AsyncConversationQuery
	QueryFilter            = model.QueryFilter
	Clause                 = model.Clause
	Predicate              = model.Predicate
	RecordingJob           = model.RecordingJob
	FailedRecording        = model.FailedRecording
	DataRetention          = model.DataRetention
	ErrorBody              = model.ErrorBody
	ErrorDetail            = model.ErrorDetail
	RateLimitInfo          = model.RateLimitInfo
)

// The API's constants (package model).
const (
	StorageCloudArchive = model.StorageCloudArchive

	JobDelete  = model.JobDelete
	JobArchive = model.JobArchive
	JobExport  = model.JobExport

	JobPending    = model.JobPending
	JobReady      = model.JobReady
	JobProcessing = model.JobProcessing
	JobFulfilled  = model.JobFulfilled
	JobFailed     = model.JobFailed
	JobCancelled  = model.JobCancelled
)
