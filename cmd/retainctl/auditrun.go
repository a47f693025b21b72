package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/redact"
)

// auditRun is the audit side of one apply or enforce run: the durable log,
// the request statistics for the report, and the webhook, if configured.
type auditRun struct {
	log   *audit.Log
	stats audit.RequestStats
	hook  *audit.Deliverer // nil when no webhook is configured
	warn  io.Writer
}

// startAudit opens the log named in the settings and first delivers what
// earlier runs left pending, so a webhook outage is healed by the next run.
func startAudit(ctx context.Context, cmd *cobra.Command, s policy.Settings) (*auditRun, error) {
	warn := cmd.ErrOrStderr()
	masker := maskerOf(ctx)
	hook, err := webhook(masker)
	if err != nil {
		return nil, usageErr(err)
	}
	l, err := audit.Open(s.Audit.Log,
		audit.WithMasker(masker),
		audit.WithCI(audit.CIFromEnv(os.Getenv)),
		audit.WithTool("retainctl "+version),
		audit.WithOrg(orgName(cmd)),
		audit.WithWarnings(func(msg string) { fmt.Fprintln(warn, "retainctl: audit:", msg) }))
	if err != nil {
		return nil, failErr(fmt.Errorf("opening the audit log %s: %w", s.Audit.Log, err))
	}
	a := &auditRun{log: l, hook: hook, warn: warn}
	if hook != nil {
		if res, err := hook.Flush(ctx, l.Path(), l.RunID(), nil); err != nil {
			fmt.Fprintf(warn, "retainctl: audit webhook: %v (%d events pending; they are sent later)\n", err, res.Pending)
		} else if res.Delivered > 0 {
			fmt.Fprintf(warn, "retainctl: audit webhook: delivered %d events left pending by earlier runs\n", res.Delivered)
		}
	}
	return a, nil
}

// webhook returns the deliverer, or nil when RETAINCTL_AUDIT_WEBHOOK_URL is unset.
func webhook(m *redact.Masker) (*audit.Deliverer, error) {
	cfg, err := audit.WebhookFromEnv(os.Getenv)
	if errors.Is(err, audit.ErrNotConfigured) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	cfg.Masker = m
	return audit.NewDeliverer(cfg)
}

// RecordRequest feeds the Genesys client's per-request statistics to the report.
func (a *auditRun) RecordRequest(s genesys.RequestStat) { a.stats.RecordRequest(s) }

// Record appends an event durably.
func (a *auditRun) Record(ctx context.Context, e audit.Event) error { return a.log.Record(ctx, e) }

// finish prints and saves the run's report and ships the events. It
// returns the report and how many events are still waiting for the webhook.
func (a *auditRun) finish(ctx context.Context) (rep audit.Report, pending int, err error) {
	defer a.log.Close()
	runID := a.log.RunID()
	rep = audit.BuildReport(runID, a.log.Events(), a.stats.Snapshot())
	if err := rep.WriteText(a.warn); err != nil {
		return rep, 0, err
	}
	if err := audit.WriteReportFile(audit.ReportPath(a.log.Path(), runID), rep, a.log.Masker()); err != nil {
		return rep, 0, err
	}
	if a.hook == nil {
		fmt.Fprintf(a.warn, "retainctl: audit events are in %s (no %s set)\n", a.log.Path(), audit.EnvWebhookURL)
		return rep, 0, nil
	}
	res, err := a.hook.Flush(ctx, a.log.Path(), runID, &rep)
	fmt.Fprintf(a.warn, "retainctl: audit webhook: %d events delivered, %d pending\n", res.Delivered, res.Pending)
	if err != nil {
		fmt.Fprintf(a.warn, "retainctl: audit webhook: %v: run `retainctl audit flush` once the receiver is back\n", err)
	}
	return rep, res.Pending, nil
}

// close finishes the run on a path that failed before any work, still
// writing the report and shipping what was recorded.
func (a *auditRun) close(ctx context.Context) {
	fctx, cancel := detached(ctx)
	defer cancel()
	_, _, _ = a.finish(fctx)
}

// orgName says which organisation a run changes, for the audit trail: the
// API base URL (never a credential), or the simulator.
func orgName(cmd *cobra.Command) string {
	if useSim, _ := cmd.Flags().GetBool("sim"); useSim {
		state, _ := cmd.Flags().GetString("sim-state")
		return "simulated organisation (" + state + ")"
	}
	cfg, err := genesys.ConfigFromEnv(os.Getenv)
	if err != nil {
		return ""
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return ""
	}
	u.User = nil // a URL may carry credentials; the trail never does
	return u.String()
}
