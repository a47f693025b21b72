package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// auditRun is the audit session of one apply or enforce run; it also
// takes the Genesys client's request statistics for the report.
type auditRun struct{ *audit.Session }

// RecordRequest feeds one API attempt to the report.
func (a auditRun) RecordRequest(s genesys.RequestStat) { a.Session.RecordRequest(audit.RequestStat(s)) }

// startAudit opens the audit session of a run against t, with the log the
// settings name and the webhook the environment configures.
func startAudit(ctx context.Context, cmd *cobra.Command, s policy.Settings, t target) (auditRun, error) {
	masker := maskerOf(ctx)
	var hook *audit.Deliverer
	cfg, err := audit.WebhookFromEnv(os.Getenv)
	switch {
	case errors.Is(err, audit.ErrNotConfigured):
	case err != nil:
		return auditRun{}, usageErr(err)
	default:
		cfg.Masker = masker
		if hook, err = audit.NewDeliverer(cfg); err != nil {
			return auditRun{}, usageErr(err)
		}
	}
	sess, err := audit.StartSession(ctx, s.Audit.Log, hook, cmd.ErrOrStderr(),
		audit.WithMasker(masker), audit.WithCI(audit.CIFromEnv(os.Getenv)),
		audit.WithTool("retainctl "+version), audit.WithOrg(t.name()))
	if err != nil {
		return auditRun{}, failErr(err)
	}
	return auditRun{sess}, nil
}

// finish closes the session even when the run was interrupted: the report
// and the webhook get their own minute (detached).
func (a auditRun) finish(ctx context.Context) (audit.Report, int, error) {
	fctx, cancel := detached(ctx)
	defer cancel()
	return a.Finish(fctx)
}

// auditExit: an audit failure or undelivered events fail a run that
// otherwise succeeded.
func auditExit(pending int, auditErr error) error {
	switch {
	case auditErr != nil:
		return failErr(fmt.Errorf("audit: %w", auditErr))
	case pending > 0:
		return failErr(fmt.Errorf("%d audit events are not delivered yet: run `retainctl audit flush`", pending))
	}
	return nil
}
