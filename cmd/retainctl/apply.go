package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

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
	in, err := applyInputs(ctx, o)
	if err != nil {
		return err
	}
	var pr *mergedPR
	if o.github {
		if pr, err = findMergedPR(ctx); err != nil {
			return err
		}
	}
	run, err := startAudit(ctx, cmd, in.repo.Settings)
	if err != nil {
		return err
	}
	client, done, err := connect(ctx, cmd, withRecorder(run))
	if err != nil {
		run.close(ctx)
		return err
	}
	defer done()
	res, applyErr := applyReviewed(ctx, cmd, o, client, in, run, pr)
	fctx, cancel := detached(ctx)
	defer cancel()
	report, pending, auditErr := run.finish(fctx)
	if applyErr != nil {
		return applyErr
	}
	if err := writeApplyResult(cmd.OutOrStdout(), res, o.format); err != nil {
		return failErr(err)
	}
	if pr != nil {
		if err := pr.report(fctx, res, report); err != nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "retainctl: could not post the result on the pull request: %v\n", err)
		}
	}
	return applyExit(res, pending, auditErr)
}

// detached gives the closing steps — the audit report, the webhook, the PR
// comment — their own minute, even when the run was interrupted.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
}

// applyInput is what apply checks before it contacts anything.
type applyInput struct {
	repo policy.Repo
	file *plan.Plan // the plan file, when one was given
}

// applyInputs loads and validates the repository (its settings name the
// audit log) and the plan file, whose desired policies are input like any
// other and must pass the same rules, custom ones included.
func applyInputs(ctx context.Context, o applyOptions) (applyInput, error) {
	v, err := validate.New(ctx, o.rules)
	if err != nil {
		return applyInput{}, usageErr(err)
	}
	repo, vs, err := validateDir(ctx, v, o.policies)
	if err != nil {
		return applyInput{}, err
	}
	if validate.HasDeny(vs) {
		return applyInput{}, failErr(fmt.Errorf("the policies in %s do not validate: run `retainctl validate --policies %s`", o.policies, o.policies))
	}
	in := applyInput{repo: repo}
	if o.planFile == "" {
		return in, nil
	}
	p, err := readPlanFile(o.planFile)
	if err != nil {
		return in, err
	}
	settings := repo.Settings
	settings.Prune, settings.Conflicts = p.Settings.Prune, p.Settings.Conflicts
	vs, err = v.Validate(ctx, policy.Repo{Policies: p.Desired(), Settings: settings})
	if err != nil {
		return in, failErr(err)
	}
	if i := slices.IndexFunc(vs, func(v validate.Violation) bool { return v.Severity == validate.Deny }); i >= 0 {
		return in, failErr(fmt.Errorf("%s: the plan's policies do not validate (%s: %s)", o.planFile, vs[i].Policy, vs[i].Message))
	}
	in.file = &p
	return in, nil
}

// applyReviewed settles which plan is approved, checks that the live
// organisation still produces it, and applies it.
func applyReviewed(ctx context.Context, cmd *cobra.Command, o applyOptions, client *genesys.Client, in applyInput, run *auditRun, pr *mergedPR) (apply.Result, error) {
	live, err := client.ListPolicies(ctx)
	if err != nil {
		return apply.Result{}, failErr(fmt.Errorf("listing live policies: %w", err))
	}
	reviewed, err := approvedPlan(ctx, in, live, pr)
	if err != nil {
		// A refused apply is part of the record too: someone tried.
		refused := audit.Event{Type: audit.Error, Outcome: audit.Failure, Message: "apply refused", Error: err.Error()}
		if rerr := run.Record(context.WithoutCancel(ctx), refused); rerr != nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "retainctl: audit: %v\n", rerr)
		}
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
	if rerr := run.Record(context.WithoutCancel(ctx), finish); err == nil && rerr != nil {
		err = rerr
	}
	if err != nil {
		return res, failErr(err)
	}
	return res, nil
}

// approvedPlan returns the plan this run may apply: the plan file, if the
// organisation still produces it, or a fresh plan of the repository. With
// --github either must be the plan approved on the merged pull request.
func approvedPlan(ctx context.Context, in applyInput, live []genesys.Policy, pr *mergedPR) (plan.Plan, error) {
	p, err := freshOrFile(in, live)
	if err != nil {
		return p, err
	}
	if pr != nil {
		if err := pr.checkReviewed(ctx, p); err != nil {
			return p, err
		}
	}
	return p, nil
}

func freshOrFile(in applyInput, live []genesys.Policy) (plan.Plan, error) {
	if in.file != nil {
		return checkStale(*in.file, live)
	}
	p, err := plan.Build(in.repo.Policies, live, in.repo.Settings)
	if err != nil {
		return p, failErr(err)
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

// checkStale returns the reviewed plan if the organisation still produces
// it, and refuses it otherwise, naming what moved.
func checkStale(reviewed plan.Plan, live []genesys.Policy) (plan.Plan, error) {
	fresh, err := plan.Replan(reviewed, live)
	if err != nil {
		return reviewed, failErr(err)
	}
	if fresh.Fingerprint == reviewed.Fingerprint {
		return reviewed, nil
	}
	return reviewed, failErr(fmt.Errorf("the plan is stale: the organisation changed since it was made, so applying it would not do what was reviewed (plan %s, now %s):\n  %s\nPlan again and review the new plan",
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
