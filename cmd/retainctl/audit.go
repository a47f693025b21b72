package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/audit/gitstore"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/redact"
)

func newAuditCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Work with the durable audit log",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newAuditFlushCmd(), newAuditVerifyCmd(), newAuditBranchCmd("publish"), newAuditBranchCmd("restore"))
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

// newAuditBranchCmd is `audit publish` or `audit restore`: the trail's
// durable home on a Git branch.
func newAuditBranchCmd(verb string) *cobra.Command {
	var policies string
	s := gitstore.Store{}
	short := map[string]string{
		"publish": "Append the audit log, its delivery records and the run reports to the audit branch",
		"restore": "Bring the audit branch's log and delivery records back before a run (a wiped cache loses nothing)",
	}[verb]
	cmd := &cobra.Command{
		Use:   verb,
		Short: short,
		Long: short + `.

The branch (--branch, default retainctl-audit) holds one folder per lineage
(--lineage: apply and enforce each keep a chain of their own). publish appends
the lines the branch lacks, in chain order, commits and pushes; a push that
loses a race with another run fetches again and retries. The branch is only
ever fast-forwarded. restore merges the branch's copy into the local files:
missing or behind, they get the branch's lines; ahead (a push that failed),
they keep theirs. Both use git plumbing: the checkout is not touched.

Exit codes: 0 done, 1 git failed, 3 bad flags or settings.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			logPath, err := auditLogPath(policies)
			if err != nil {
				return usageErr(err)
			}
			files := gitstore.TrailFiles(logPath)
			var res gitstore.Result
			if verb == "publish" {
				reports, err := gitstore.ReportFiles(logPath)
				if err != nil {
					return failErr(err)
				}
				res, err = s.Publish(cmd.Context(), append(files, reports...))
				if err != nil {
					return failErr(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "audit branch %s: %d lines appended to %s/ (%s, %d pushes)\n", s.Branch, res.Appended, s.Lineage, short7(res.Commit), res.Attempts)
				return nil
			}
			if res, err = s.Restore(cmd.Context(), files); err != nil {
				return failErr(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "audit branch %s: %d lines restored into %s (%s)\n", s.Branch, res.Appended, logPath, short7(res.Commit))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&policies, "policies", "policies", "policies directory holding retainctl.yaml (audit.log)")
	f.StringVar(&s.Branch, "branch", "retainctl-audit", "the audit branch")
	f.StringVar(&s.Remote, "remote", "origin", "the remote that holds it")
	f.StringVar(&s.Lineage, "lineage", "", "the log's folder on the branch, e.g. apply or enforce (required)")
	f.StringVar(&s.Dir, "repo", ".", "the Git checkout to work from")
	_ = cmd.MarkFlagRequired("lineage")
	return cmd
}

func short7(commit string) string {
	if len(commit) > 7 {
		return commit[:7]
	}
	if commit == "" {
		return "no branch yet"
	}
	return commit
}
