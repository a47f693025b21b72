package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/apply"
	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/render"
	"github.com/retainctl/retainctl/reconcile/validate"
)

type applyOptions struct {
	planFile, policies, rules, format string
	autoApprove, github               bool
	concurrency                       int
}

func newApplyCmd() *cobra.Command {
	var o applyOptions
	cmd := &cobra.Command{
		Use:   "apply [PLANFILE]",
		Short: "Apply a reviewed plan to the organisation",
		Long: "With PLANFILE, applies exactly that plan, after checking that the organisation still\n" +
			"produces it. Without one, plans and applies in one go, which needs --auto-approve.\n" +
			"With --github, the plan approved on the merged pull request is the approval.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.planFile = args[0]
			}
			if !oneOf(o.format, "text", "json") {
				return usageErr(fmt.Errorf("--format %q: use text or json", o.format))
			}
			if o.planFile == "" && !o.autoApprove && !o.github {
				return usageErr(errors.New("apply without a plan file changes the organisation unreviewed: pass --auto-approve, or run `retainctl plan --out plan.json` and `retainctl apply plan.json`"))
			}
			return runApply(cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.policies, "policies", "policies", "policies directory (settings, audit log location)")
	f.StringVar(&o.rules, "rules", "", "directory of extra .rego rules")
	f.StringVar(&o.format, "format", "text", "result format: text or json")
	f.BoolVar(&o.autoApprove, "auto-approve", false, "apply without a plan file")
	f.BoolVar(&o.github, "github", false, "apply the plan approved on the merged pull request and report back on it")
	f.IntVar(&o.concurrency, "concurrency", 4, "changes applied at once (all share the API rate limit)")
	addConnFlags(cmd)
	return cmd
}

func runApply(cmd *cobra.Command, o applyOptions) error {
	ctx := cmd.Context()
	settings, err := applySettings(ctx, o)
	if err != nil {
		return err
	}
	var pr *mergedPR
	if o.github {
		if pr, err = findMergedPR(ctx); err != nil {
			return err
		}
	}
	run, err := startAudit(ctx, settings.Settings, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	client, done, err := connect(ctx, cmd, withRecorder(run))
	if err != nil {
		_, _, _ = run.finish(ctx)
		return err
	}
	defer done()
	res, applyErr := applyReviewed(ctx, cmd, o, client, settings, run, pr)
	report, pending, auditErr := run.finish(ctx)
	if applyErr != nil {
		return applyErr
	}
	if err := writeApplyResult(cmd.OutOrStdout(), res, o.format); err != nil {
		return failErr(err)
	}
	if pr != nil {
		if err := pr.report(ctx, res, report); err != nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "retainctl: could not post the result on the pull request: %v\n", err)
		}
	}
	return applyExit(res, pending, auditErr)
}

// applySettings loads and validates the repository. A plan file brings its
// own desired state, but the settings (audit log) still come from the repo.
func applySettings(ctx context.Context, o applyOptions) (policy.Repo, error) {
	repo, vs, err := loadValid(ctx, o.policies, o.rules)
	if err != nil {
		return repo, err
	}
	if validate.HasDeny(vs) {
		return repo, failErr(fmt.Errorf("the policies in %s do not validate: run `retainctl validate --policies %s`", o.policies, o.policies))
	}
	return repo, nil
}

// applyReviewed settles which plan is approved, checks that the live
// organisation still produces it, and applies it.
func applyReviewed(ctx context.Context, cmd *cobra.Command, o applyOptions, client *genesys.Client, repo policy.Repo, run *auditRun, pr *mergedPR) (apply.Result, error) {
	live, err := client.ListPolicies(ctx)
	if err != nil {
		return apply.Result{}, failErr(fmt.Errorf("listing live policies: %w", err))
	}
	reviewed, err := approvedPlan(ctx, o, repo, live, pr)
	if err != nil {
		return apply.Result{}, err
	}
	if err := checkStale(ctx, reviewed, live, repo); err != nil {
		return apply.Result{}, err
	}
	if reviewed.Summary.Changes() == 0 {
		fmt.Fprintln(cmd.ErrOrStderr(), "retainctl: no changes to apply")
	}
	start := audit.Event{Type: audit.ApplyStarted, PlanFingerprint: reviewed.Fingerprint,
		Message: fmt.Sprintf("applying %d changes", reviewed.Summary.Changes())}
	if err := run.Record(ctx, start); err != nil {
		return apply.Result{}, failErr(err)
	}
	res, err := apply.Run(ctx, client, reviewed, live, apply.Options{
		Concurrency: o.concurrency, Recorder: run, Progress: progressLine(cmd.ErrOrStderr()),
	})
	finish := audit.Event{Type: audit.ApplyFinished, PlanFingerprint: reviewed.Fingerprint, Outcome: audit.Success,
		Message: fmt.Sprintf("%d changes, %d failed, %d drift", len(res.Changes), res.Failed(), len(res.Drift))}
	if err != nil || !res.OK() {
		finish.Outcome = audit.Failure
	}
	if rerr := run.Record(ctx, finish); err == nil && rerr != nil {
		err = rerr
	}
	if err != nil {
		return res, failErr(err)
	}
	return res, nil
}

// approvedPlan returns the plan this run may apply: the plan file, or a
// fresh plan of the repository (approved by --auto-approve or, with
// --github, by its fingerprint matching the merged pull request's comment).
func approvedPlan(ctx context.Context, o applyOptions, repo policy.Repo, live []genesys.Policy, pr *mergedPR) (plan.Plan, error) {
	if o.planFile != "" {
		return readPlanFile(o.planFile)
	}
	p, err := plan.Build(repo.Policies, live, repo.Settings)
	if err != nil {
		return p, failErr(err)
	}
	if pr != nil {
		if err := pr.checkReviewed(ctx, p); err != nil {
			return p, err
		}
	}
	return p, nil
}

func readPlanFile(path string) (plan.Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return plan.Plan{}, usageErr(err)
	}
	defer f.Close()
	p, err := plan.Read(f)
	if err != nil {
		return p, usageErr(fmt.Errorf("%s: %w", path, err))
	}
	if validate.HasDeny(p.Violations) {
		return p, failErr(fmt.Errorf("%s was planned from policies that do not validate: fix them and plan again", path))
	}
	return p, nil
}

// checkStale refuses a plan the organisation no longer produces, naming
// what moved, and re-validates the plan's desired policies (a plan file is
// input like any other).
func checkStale(ctx context.Context, reviewed plan.Plan, live []genesys.Policy, repo policy.Repo) error {
	v, err := validate.New(ctx, "")
	if err != nil {
		return failErr(err)
	}
	settings := repo.Settings
	settings.Prune, settings.Conflicts = reviewed.Settings.Prune, reviewed.Settings.Conflicts
	vs, err := v.Validate(ctx, policy.Repo{Policies: reviewed.Desired(), Settings: settings})
	if err != nil {
		return failErr(err)
	}
	if validate.HasDeny(vs) {
		return failErr(fmt.Errorf("the plan's policies do not validate (first: %s: %s)", vs[0].Policy, vs[0].Message))
	}
	fresh, err := plan.Replan(reviewed, live)
	if err != nil {
		return failErr(err)
	}
	if fresh.Fingerprint == reviewed.Fingerprint {
		return nil
	}
	return failErr(fmt.Errorf("the plan is stale: the organisation changed since it was made, so applying it would not do what was reviewed (plan %s, now %s):\n  %s\nPlan again and review the new plan",
		reviewed.Fingerprint, fresh.Fingerprint, strings.Join(plan.Moved(reviewed, fresh), "\n  ")))
}

func writeApplyResult(w io.Writer, res apply.Result, format string) error {
	if format == "json" {
		return writeJSON(w, res)
	}
	_, err := io.WriteString(w, render.ApplyText(res))
	return err
}

// applyExit: any failed change, drift, or undelivered audit event is a failure.
func applyExit(res apply.Result, pending int, auditErr error) error {
	switch {
	case auditErr != nil:
		return failErr(fmt.Errorf("audit: %w", auditErr))
	case !res.OK():
		return silentExit(exitFailure)
	case pending > 0:
		return failErr(fmt.Errorf("%d audit events are not delivered yet: run `retainctl audit flush`", pending))
	}
	return nil
}
