package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/apply"
	"github.com/retainctl/retainctl/reconcile/github"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/render"
	"github.com/retainctl/retainctl/reconcile/run"
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
			if err := checkFormat(render.Apply, o.format); err != nil {
				return err
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
	req, err := applyRequest(ctx, o)
	if err != nil {
		return err
	}
	var pr *github.MergedPR
	if o.github {
		if pr, err = findMergedPROf(ctx, cmd); err != nil {
			return err
		}
		req.Approver = pr
	}
	t, err := targetOf(cmd)
	if err != nil {
		return err
	}
	audits, err := startAudit(ctx, cmd, req.Repo.Settings, t)
	if err != nil {
		return err
	}
	client, done, err := t.connect(ctx, audits)
	if err != nil {
		_, _, _ = audits.finish(ctx)
		return err
	}
	defer done()
	req.Audit, req.Progress = audits, progressLine(cmd.ErrOrStderr())
	applied, applyErr := run.Apply(ctx, client, req)
	switch {
	case applyErr == nil && applied.AlreadyApplied:
		fmt.Fprintf(cmd.ErrOrStderr(), "retainctl: already applied: the organisation already is what plan %s makes it; nothing to do\n", applied.Plan.Fingerprint)
	case applyErr == nil && applied.Plan.Summary.Changes() == 0:
		fmt.Fprintln(cmd.ErrOrStderr(), "retainctl: no changes to apply")
	}
	// What changed comes before the audit summary: it is what a reader looks for.
	var writeErr error
	if applyErr == nil {
		writeErr = writeApplyResult(cmd.OutOrStdout(), applied.Result, o.format)
	}
	report, pending, auditErr := audits.finish(ctx)
	if applyErr != nil {
		return failErr(applyErr)
	}
	if writeErr != nil {
		return failErr(writeErr)
	}
	if pr != nil {
		fctx, cancel := detached(ctx)
		defer cancel()
		if err := reportApply(fctx, pr, applied.Result, report); err != nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "retainctl: could not post the result on the pull request: %v\n", err)
		}
	}
	if auditErr == nil && !applied.Result.OK() {
		return silentExit(exitFailure)
	}
	return auditExit(pending, auditErr)
}

// detached gives the closing steps — the audit report, the webhook, the PR
// comment — their own minute, even when the run was interrupted.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
}

// applyRequest loads and validates the repository (its settings name the
// audit log) and the plan file, whose desired policies are input like any
// other and must pass the same rules, custom ones included. Nothing is
// contacted yet.
func applyRequest(ctx context.Context, o applyOptions) (run.ApplyRequest, error) {
	v, err := validate.New(ctx, o.rules)
	if err != nil {
		return run.ApplyRequest{}, usageErr(err)
	}
	repo, vs, err := validateDir(ctx, v, o.policies)
	if err != nil {
		return run.ApplyRequest{}, err
	}
	if validate.HasDeny(vs) {
		return run.ApplyRequest{}, failErr(fmt.Errorf("the policies in %s do not validate: run `retainctl validate --policies %s`", o.policies, o.policies))
	}
	req := run.ApplyRequest{Repo: repo, Findings: vs, Concurrency: o.concurrency}
	if o.planFile == "" {
		return req, nil
	}
	p, err := plan.ReadFile(o.planFile)
	if err != nil {
		return req, usageErr(err)
	}
	if err := plan.Blocked(p); err != nil {
		return req, failErr(fmt.Errorf("%s: %w; fix that and plan again", o.planFile, err))
	}
	settings := repo.Settings
	settings.Prune, settings.Conflicts = p.Settings.Prune, p.Settings.Conflicts
	vs, err = v.Validate(ctx, policy.Repo{Policies: p.Desired(), Holds: p.DesiredHolds(), Settings: settings})
	if err != nil {
		return req, failErr(err)
	}
	if i := slices.IndexFunc(vs, func(v validate.Violation) bool { return v.Severity == validate.Deny }); i >= 0 {
		return req, failErr(fmt.Errorf("%s: the plan's policies do not validate (%s: %s)", o.planFile, vs[i].Policy, vs[i].Message))
	}
	req.File, req.Findings = &p, vs
	return req, nil
}

func writeApplyResult(w io.Writer, res apply.Result, format string) error {
	return write(w, render.Apply, res, format)
}
