// Package genesystest holds a fake of the Genesys API for tests: each
// method calls the function of the same name, which the test sets; one it
// leaves nil answers an error naming it, so a test that reaches a call it
// did not expect fails.
package genesystest

import (
	"context"
	"fmt"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

// Fake implements the Genesys API that apply, enforce and the flows use.
type Fake struct {
	ListPoliciesFunc       func(ctx context.Context) ([]genesys.Policy, error)
	FindPoliciesByNameFunc func(ctx context.Context, name string) ([]genesys.Policy, error)
	CreatePolicyFunc       func(ctx context.Context, p genesys.Policy) (genesys.Policy, error)
	UpdatePolicyFunc       func(ctx context.Context, id string, p genesys.Policy) (genesys.Policy, error)
	DeletePolicyFunc       func(ctx context.Context, id string) error

	CreateRecordingJobFunc  func(ctx context.Context, q genesys.RecordingJobsQuery) (genesys.RecordingJob, error)
	GetRecordingJobFunc     func(ctx context.Context, id string) (genesys.RecordingJob, error)
	ExecuteRecordingJobFunc func(ctx context.Context, id string) (genesys.RecordingJob, error)
	CancelRecordingJobFunc  func(ctx context.Context, id string) error
	ListRecordingJobsFunc   func(ctx context.Context, state string) ([]genesys.RecordingJob, error)

	ProtectedConversationsFunc func(ctx context.Context, ids []string) ([]string, error)
	SetDeletionProtectionFunc  func(ctx context.Context, protect bool, ids []string) error

	FindByNameFunc func(ctx context.Context, kind genesys.Kind, name string) ([]genesys.Entity, error)
	NamesOfFunc    func(ctx context.Context, kind genesys.Kind, ids []string) (map[string]string, error)

	GetDataRetentionFunc func(ctx context.Context) (genesys.DataRetention, error)
	PutDataRetentionFunc func(ctx context.Context, days int) (genesys.DataRetention, error)
}

func unset(name string) error {
	return fmt.Errorf("genesystest: %s called, but the test set no %sFunc", name, name)
}

func (f *Fake) ListPolicies(ctx context.Context) ([]genesys.Policy, error) {
	if f.ListPoliciesFunc == nil {
		return nil, unset("ListPolicies")
	}
	return f.ListPoliciesFunc(ctx)
}

func (f *Fake) FindPoliciesByName(ctx context.Context, name string) ([]genesys.Policy, error) {
	if f.FindPoliciesByNameFunc == nil {
		return nil, unset("FindPoliciesByName")
	}
	return f.FindPoliciesByNameFunc(ctx, name)
}

func (f *Fake) CreatePolicy(ctx context.Context, p genesys.Policy) (genesys.Policy, error) {
	if f.CreatePolicyFunc == nil {
		return genesys.Policy{}, unset("CreatePolicy")
	}
	return f.CreatePolicyFunc(ctx, p)
}

func (f *Fake) UpdatePolicy(ctx context.Context, id string, p genesys.Policy) (genesys.Policy, error) {
	if f.UpdatePolicyFunc == nil {
		return genesys.Policy{}, unset("UpdatePolicy")
	}
	return f.UpdatePolicyFunc(ctx, id, p)
}

func (f *Fake) DeletePolicy(ctx context.Context, id string) error {
	if f.DeletePolicyFunc == nil {
		return unset("DeletePolicy")
	}
	return f.DeletePolicyFunc(ctx, id)
}

func (f *Fake) CreateRecordingJob(ctx context.Context, q genesys.RecordingJobsQuery) (genesys.RecordingJob, error) {
	if f.CreateRecordingJobFunc == nil {
		return genesys.RecordingJob{}, unset("CreateRecordingJob")
	}
	return f.CreateRecordingJobFunc(ctx, q)
}

func (f *Fake) GetRecordingJob(ctx context.Context, id string) (genesys.RecordingJob, error) {
	if f.GetRecordingJobFunc == nil {
		return genesys.RecordingJob{}, unset("GetRecordingJob")
	}
	return f.GetRecordingJobFunc(ctx, id)
}

func (f *Fake) ExecuteRecordingJob(ctx context.Context, id string) (genesys.RecordingJob, error) {
	if f.ExecuteRecordingJobFunc == nil {
		return genesys.RecordingJob{}, unset("ExecuteRecordingJob")
	}
	return f.ExecuteRecordingJobFunc(ctx, id)
}

func (f *Fake) CancelRecordingJob(ctx context.Context, id string) error {
	if f.CancelRecordingJobFunc == nil {
		return unset("CancelRecordingJob")
	}
	return f.CancelRecordingJobFunc(ctx, id)
}

func (f *Fake) ListRecordingJobs(ctx context.Context, state string) ([]genesys.RecordingJob, error) {
	if f.ListRecordingJobsFunc == nil {
		return nil, unset("ListRecordingJobs")
	}
	return f.ListRecordingJobsFunc(ctx, state)
}

func (f *Fake) ProtectedConversations(ctx context.Context, ids []string) ([]string, error) {
	if f.ProtectedConversationsFunc == nil {
		return nil, unset("ProtectedConversations")
	}
	return f.ProtectedConversationsFunc(ctx, ids)
}

func (f *Fake) SetDeletionProtection(ctx context.Context, protect bool, ids []string) error {
	if f.SetDeletionProtectionFunc == nil {
		return unset("SetDeletionProtection")
	}
	return f.SetDeletionProtectionFunc(ctx, protect, ids)
}

func (f *Fake) GetDataRetention(ctx context.Context) (genesys.DataRetention, error) {
	if f.GetDataRetentionFunc == nil {
		return genesys.DataRetention{}, unset("GetDataRetention")
	}
	return f.GetDataRetentionFunc(ctx)
}

func (f *Fake) PutDataRetention(ctx context.Context, days int) (genesys.DataRetention, error) {
	if f.PutDataRetentionFunc == nil {
		return genesys.DataRetention{}, unset("PutDataRetention")
	}
	return f.PutDataRetentionFunc(ctx, days)
}

func (f *Fake) FindByName(ctx context.Context, kind genesys.Kind, name string) ([]genesys.Entity, error) {
	if f.FindByNameFunc == nil {
		return nil, unset("FindByName")
	}
	return f.FindByNameFunc(ctx, kind, name)
}

func (f *Fake) NamesOf(ctx context.Context, kind genesys.Kind, ids []string) (map[string]string, error) {
	if f.NamesOfFunc == nil {
		return nil, unset("NamesOf")
	}
	return f.NamesOfFunc(ctx, kind, ids)
}
