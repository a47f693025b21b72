package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/enforce"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/render"
	"github.com/retainctl/retainctl/reconcile/run"
	"github.com/retainctl/retainctl/reconcile/validate"
)

type enforceOptions struct {
	policies, rules, now, only, format string
	dryRun                             bool
	timeout                            time.Duration
}

func newEnforceCmd() *cobra.Command {
	var o enforceOptions
	cmd := &cobra.Command{
		Use:   "enforce",
		Short: "Apply due policies' retention to existing recordings with recording bulk jobs",
		Long: `Genesys retention policies only act on new recordings. Enforce runs, for every
policy whose schedule falls on today (in the policy's timezone), a DELETE
recording job for the recordings older than its retentionPeriod that match its
media and filters, and an ARCHIVE job when archiveAfter is set. At most two jobs
run at once (the organisation's limit, minus jobs already active).

--policy NAME enforces that one policy whatever its schedule. --dry-run builds
the jobs, reports what they would touch and cancels them.

Exit status: 0 when every job was fulfilled (or nothing was due), 1 when the
policies do not validate or a job failed, was cancelled or timed out, 3 for a
usage error (bad --now, unknown --policy).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runEnforce(cmd, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.policies, "policies", "policies", "directory of policy YAML files")
	f.StringVar(&o.rules, "rules", "", "directory of extra .rego rules")
	f.BoolVar(&o.dryRun, "dry-run", false, "build and count the jobs, then cancel them: nothing is deleted")
	f.StringVar(&o.now, "now", "", "run as if it were this RFC 3339 time (schedules and cutoffs); default: the clock")
	f.StringVar(&o.only, "policy", "", "enforce only this policy, regardless of its schedule")
	f.DurationVar(&o.timeout, "timeout", enforce.DefaultTimeout, "give up (and cancel running jobs) after this long")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	addConnFlags(cmd)
	return cmd
}

func runEnforce(cmd *cobra.Command, o enforceOptions) error {
	ctx := cmd.Context()
	at, err := enforceWhen(o)
	if err != nil {
		return err
	}
	repo, vs, err := loadValid(ctx, o.policies, o.rules, time.Time{})
	if err != nil {
		return err
	}
	if validate.HasDeny(vs) {
		_ = write(cmd.ErrOrStderr(), render.Validate, vs, string(render.FormatText))
		return failErr(fmt.Errorf("the policies in %s do not validate: nothing was enforced", o.policies))
	}
	sel, err := run.Select(repo, at, o.only, auditHistory{path: repo.Settings.Audit.Log})
	switch {
	case err != nil && o.only != "":
		return usageErr(err)
	case err != nil:
		return failErr(err)
	}
	// With no policy due, nothing is audited and the organisation is not contacted.
	rep, pending, auditErr := run.Preview(sel, at), 0, error(nil)
	rep.DryRun = o.dryRun
	if len(sel) > 0 {
		if rep, pending, auditErr, err = runJobs(cmd, o, repo, sel, at); err != nil {
			return err
		}
	}
	if o.only == "" {
		rep.NotDue = enforce.Waiting(repo.Policies, sel, at.Now)
	}
	if err := writeEnforce(cmd.OutOrStdout(), rep, o.format); err != nil {
		return failErr(err)
	}
	if auditErr == nil && !rep.OK() {
		return silentExit(exitFailure)
	}
	return auditExit(pending, auditErr)
}

// enforceWhen reads --now (a replay) or the clock.
func enforceWhen(o enforceOptions) (run.When, error) {
	if err := checkFormat(render.Enforce, o.format); err != nil {
		return run.When{}, err
	}
	if o.timeout <= 0 {
		return run.When{}, usageErr(fmt.Errorf("--timeout %s: give a positive duration such as 30m", o.timeout))
	}
	var replay *time.Time
	if t, err := parseNow(o.now); err != nil {
		return run.When{}, err
	} else if !t.IsZero() {
		replay = &t
	}
	at, err := run.At(time.Now(), replay, o.dryRun)
	if err != nil {
		return run.When{}, usageErr(fmt.Errorf("--now %s is in the future: %w", o.now, err))
	}
	return at, nil
}

// runJobs opens the audit session, connects, runs the due policies' jobs
// and closes the session (report file, webhook). The audit log path is
// relative to the current directory, as the settings file documents.
func runJobs(cmd *cobra.Command, o enforceOptions, repo policy.Repo, sel []enforce.Selected, at run.When) (enforce.Report, int, error, error) {
	ctx := cmd.Context()
	t, err := targetOf(cmd)
	if err != nil {
		return enforce.Report{}, 0, nil, err
	}
	audits, err := startAudit(ctx, cmd, repo.Settings, t)
	if err != nil {
		return enforce.Report{}, 0, nil, err
	}
	client, done, err := t.connect(ctx, audits)
	if err != nil {
		_, _, _ = audits.finish(ctx)
		return enforce.Report{}, 0, nil, err
	}
	defer done()
	stderr := cmd.ErrOrStderr()
	r := &enforce.Runner{API: client, Audit: audits, DryRun: o.dryRun, Timeout: o.timeout,
		Progress: enforce.NewProgress(stderr, isTerminal(stderr))}
	if t.simState != "" {
		// The simulator moves a job on per poll, not per second: poll briskly.
		r.PollInitial, r.PollMax = 20*time.Millisecond, 100*time.Millisecond
	}
	rep, err := run.Enforce(ctx, client, repo, sel, at, r, auditHistory{path: repo.Settings.Audit.Log, org: t.name()})
	if err != nil {
		_, _, _ = audits.finish(ctx)
		return rep, 0, nil, failErr(err)
	}
	// Finish even when interrupted: the report and webhook must still go out.
	_, pending, auditErr := audits.finish(ctx)
	return rep, pending, auditErr, nil
}

func writeEnforce(w io.Writer, rep enforce.Report, format string) error {
	return write(w, render.Enforce, rep, format)
}

// auditHistory reads from the audit log when each policy's enforcement last
// completed, and which jobs org's runs left open (none yet: no history).
type auditHistory struct{ path, org string }

func (h auditHistory) LastRuns() (map[string]time.Time, error) {
	entries, _, err := audit.ReadLog(h.path)
	if err != nil {
		return nil, err
	}
	return enforce.LastRuns(entries), nil
}

func (h auditHistory) OpenJobs() ([]enforce.OpenJob, error) {
	entries, _, err := audit.ReadLog(h.path)
	if err != nil {
		return nil, err
	}
	return enforce.OpenJobs(entries, h.org), nil
}
