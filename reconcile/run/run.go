// Package run holds retainctl's flows: planning the repository against the
// organisation, applying a reviewed plan, enforcing retention on existing
// recordings, exporting the organisation as YAML. It owns the order of the
// steps and the rules between them — which plan is approved, when a plan is
// stale, which policies may be enforced — and takes what it works on as
// small interfaces, so that no flow knows about flags, the environment or
// HTTP, and each can be tested with fakes.
package run

import (
	"context"

	"github.com/retainctl/retainctl/reconcile/apply"
	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/enforce"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/resolve"
)

// Lister lists the organisation's media retention policies.
type Lister interface {
	ListPolicies(ctx context.Context) ([]genesys.Policy, error)
}

// Org is the organisation apply and enforce work on: the Genesys client,
// or a fake in tests.
type Org interface {
	apply.API
	enforce.JobAPI
	resolve.Lookup
}

// Recorder takes a run's audit events; an error means the event may not be
// durable, and the step it records must not go on.
type Recorder interface {
	Record(ctx context.Context, e audit.Event) error
}
