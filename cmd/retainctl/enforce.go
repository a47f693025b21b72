package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/enforce"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
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
	now, err := enforceNow(o)
	if err != nil {
		return err
	}
	repo, vs, err := loadValid(ctx, o.policies, o.rules)
	if err != nil {
		return err
	}
	if validate.HasDeny(vs) {
		_ = validate.WriteText(cmd.ErrOrStderr(), vs)
		return failErr(fmt.Errorf("the policies in %s do not validate: nothing was enforced", o.policies))
	}
	sel, err := enforce.Select(repo.Policies, now, o.only)
	if err == nil && o.only == "" && o.now == "" {
		// Catching up compares the audit log's clock with now: a replay at
		// another --now follows the schedule alone.
		sel, err = catchUp(repo, now, sel)
	}
	if err != nil {
		if o.only != "" {
			return usageErr(err)
		}
		return failErr(err)
	}
	// With no policy due, nothing is audited and the organisation is not contacted.
	res := enforceResult{rep: enforce.Report{Now: now.UTC(), Horizon: horizon(now).UTC(), DryRun: o.dryRun, Policies: enforce.NewPlan(sel, now, horizon(now)).Policies}}
	if len(sel) > 0 {
		if res, err = runJobs(cmd, o, sel, now, repo); err != nil {
			return err
		}
	}
	if err := writeEnforce(cmd.OutOrStdout(), res.rep, o.format); err != nil {
		return failErr(err)
	}
	switch {
	case res.auditErr != nil:
		return failErr(fmt.Errorf("audit: %w", res.auditErr))
	case !res.rep.OK():
		return silentExit(exitFailure)
	case res.pending > 0:
		return failErr(fmt.Errorf("%d audit events are not delivered yet: run `retainctl audit flush`", res.pending))
	}
	return nil
}

// enforceResult is a run's report and how its audit trail ended.
type enforceResult struct {
	rep      enforce.Report
	pending  int   // audit events not yet delivered to the webhook
	auditErr error // writing the audit report failed
}

func enforceNow(o enforceOptions) (time.Time, error) {
	if !oneOf(o.format, "text", "json") {
		return time.Time{}, usageErr(fmt.Errorf("--format %q: use text or json", o.format))
	}
	if o.timeout <= 0 {
		return time.Time{}, usageErr(fmt.Errorf("--timeout %s: give a positive duration such as 30m", o.timeout))
	}
	if o.now == "" {
		return time.Now(), nil
	}
	t, err := time.Parse(time.RFC3339, o.now)
	if err != nil {
		return time.Time{}, usageErr(fmt.Errorf("--now %q is not an RFC 3339 time such as 2026-11-30T12:00:00Z", o.now))
	}
	return t, nil
}

// runJobs opens the audit log, connects, runs the plan's jobs and closes
// the audit run (report file, webhook). The audit log path is relative to
// the current directory, as the settings file documents.
func runJobs(cmd *cobra.Command, o enforceOptions, sel []enforce.Selected, now time.Time, repo policy.Repo) (enforceResult, error) {
	ctx := cmd.Context()
	run, err := startAudit(ctx, cmd, repo.Settings)
	if err != nil {
		return enforceResult{}, err
	}
	client, done, err := connect(ctx, cmd, withRecorder(run))
	if err != nil {
		run.close(ctx)
		return enforceResult{}, err
	}
	defer done()
	changes, live, overlaps, err := orgState(ctx, client, repo)
	if err != nil {
		run.close(ctx)
		return enforceResult{}, failErr(err)
	}
	pl := enforce.NewPlan(enforce.Gate(sel, changes, live, overlaps), now, horizon(now))
	stderr := cmd.ErrOrStderr()
	r := &enforce.Runner{API: client, Audit: run, DryRun: o.dryRun, Timeout: o.timeout,
		Progress: enforce.NewProgress(stderr, isTerminal(stderr))}
	if useSim, _ := cmd.Flags().GetBool("sim"); useSim {
		// The simulator moves a job on per poll, not per second: poll briskly.
		r.PollInitial, r.PollMax = 20*time.Millisecond, 100*time.Millisecond
	}
	res := enforceResult{rep: r.Run(ctx, pl)}
	// Finish even when interrupted: the report and webhook must still go out.
	fctx, cancel := detached(ctx)
	defer cancel()
	_, res.pending, res.auditErr = run.finish(fctx)
	return res, nil
}

// horizon is the oldest conversation a job may reach: five years before
// the platform's clock, which a replay at an earlier --now does not move.
func horizon(now time.Time) time.Time {
	if real := time.Now(); real.After(now) {
		now = real
	}
	return enforce.Horizon(now)
}

func writeEnforce(w io.Writer, rep enforce.Report, format string) error {
	if format == "json" {
		return enforce.WriteJSON(w, rep)
	}
	return enforce.WriteText(w, rep)
}

// orgState plans the repository against the live organisation, for the
// gate, and finds where another policy keeps recordings longer than a due
// one would: the repository's policies and every live one as it is now
// (a change not yet applied still keeps what it keeps), with no tolerance
// window, since deleting a recording a day before another policy lets go of
// it is still wrong.
func orgState(ctx context.Context, client *genesys.Client, repo policy.Repo) ([]plan.Change, []genesys.Policy, []plan.Overlap, error) {
	live, err := client.ListPolicies(ctx)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("listing live policies: %w", err)
	}
	p, err := plan.Build(repo.Policies, live, repo.Settings)
	if err != nil {
		return nil, nil, nil, err
	}
	keeping := slices.Clone(repo.Policies)
	for _, l := range live {
		if lv := mapping.FromAPI(l); lv.Policy.IsEnabled() {
			keeping = append(keeping, lv.Keeps...)
		}
	}
	overlaps, _ := plan.Overlaps(keeping, 0)
	return p.Changes, live, overlaps, nil
}

// catchUp adds the policies whose last scheduled run no enforcement
// completed, as the audit log tells (a cron run GitHub dropped, or one that
// failed): a missed day must not become a missed month.
func catchUp(repo policy.Repo, now time.Time, sel []enforce.Selected) ([]enforce.Selected, error) {
	entries, _, err := audit.ReadLog(repo.Settings.Audit.Log) // none yet: no history
	if err != nil {
		return sel, fmt.Errorf("reading the audit log for past runs: %w", err)
	}
	return enforce.CatchUp(repo.Policies, now, enforce.LastRuns(entries), sel)
}
