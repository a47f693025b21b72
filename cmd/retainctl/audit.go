package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/redact"
)

func newAuditCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Work with the durable audit log",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newAuditFlushCmd(), newAuditVerifyCmd())
	return cmd
}

func newAuditFlushCmd() *cobra.Command {
	var policies string
	cmd := &cobra.Command{
		Use:   "flush",
		Short: "Deliver audit events still pending to the webhook",
		Long: `Deliver the events of the audit log (settings audit.log, relative to the
working directory) that the webhook has not acknowledged yet. Needs
RETAINCTL_AUDIT_WEBHOOK_URL and RETAINCTL_AUDIT_WEBHOOK_SECRET.

Exit codes: 0 all delivered, 1 some still pending, 3 webhook not configured
or settings invalid.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAuditFlush(cmd, policies)
		},
	}
	cmd.Flags().StringVar(&policies, "policies", "policies", "policies directory holding retainctl.yaml (audit.log)")
	return cmd
}

func runAuditFlush(cmd *cobra.Command, policiesDir string) error {
	logPath, err := auditLogPath(policiesDir)
	if err != nil {
		return usageErr(err)
	}
	cfg, err := audit.WebhookFromEnv(os.Getenv)
	if err != nil {
		return usageErr(fmt.Errorf("%w: set it (and %s) to deliver the events in %s", err, audit.EnvWebhookSecret, logPath))
	}
	cfg.Masker = redact.FromEnv(os.Getenv)
	d, err := audit.NewDeliverer(cfg)
	if err != nil {
		return usageErr(err)
	}
	if _, err := os.Stat(logPath); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(cmd.OutOrStdout(), "no audit log at %s: nothing to deliver\n", logPath)
		return nil
	}
	res, err := d.Flush(cmd.Context(), logPath, uuid.NewString(), nil)
	for _, w := range res.Warnings {
		fmt.Fprintf(cmd.ErrOrStderr(), "retainctl: audit: %s: %s\n", logPath, w)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%d delivered, %d pending (%s)\n", res.Delivered, res.Pending, logPath)
	if err != nil {
		return failErr(err)
	}
	if res.Pending > 0 {
		return silentExit(exitFailure)
	}
	return nil
}

// auditLogPath reads audit.log from the settings of dir alone: pending
// events can be delivered even while policy files are being fixed.
func auditLogPath(dir string) (string, error) {
	s, err := policy.LoadSettings(dir)
	if err != nil {
		return "", fmt.Errorf("the settings in %s are invalid: %w", dir, err)
	}
	return s.Audit.Log, nil
}
