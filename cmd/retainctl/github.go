package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/apply"
	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/github"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/render"
	"github.com/retainctl/retainctl/reconcile/validate"
)

// publishPlan writes the plan where a pull request's reviewers see it: the
// violations as annotations on the YAML lines, the whole plan in the job
// summary, and the sticky comment (summary first) on the pull request.
func publishPlan(ctx context.Context, cmd *cobra.Command, p plan.Plan) error {
	env, err := github.EnvFromOS(os.Getenv)
	if err != nil {
		return err
	}
	if err := write(cmd.OutOrStdout(), render.Validate, p.Violations, string(render.FormatGitHub)); err != nil {
		return err
	}
	md := maskerOf(ctx).String(render.Markdown(p))
	if err := github.WriteStepSummary(env.StepSummary, md); err != nil {
		return err
	}
	if env.Event.PR == nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "retainctl: event %q is not a pull request: the plan is in the job summary only\n", env.Event.Name)
		return nil
	}
	gc, err := github.NewClient(env, nil)
	if err != nil {
		return err
	}
	res, err := gc.PostPlan(ctx, github.PlanComment{
		PR: env.Event.PR.Number, Markdown: md, Fingerprint: p.Fingerprint,
		Counts:      github.Counts{Create: p.Summary.Create, Update: p.Summary.Update, Delete: p.Summary.Delete, Adopt: p.Summary.Adopt, Noop: p.Summary.Noop},
		Destructive: p.HasDestructive(),
		Blocked:     validate.HasDeny(p.Violations),
	})
	if err != nil {
		return err
	}
	reportComment(cmd, res)
	return nil
}

// publishWithoutCredentials handles a plan job that got no Genesys
// credentials. On a pull request from a fork that is GitHub's rule (forks
// get no secrets), not a failure: the validation still reaches the
// annotations and the job summary, with the reason there is no plan.
// Anywhere else it is the usage error it looks like.
func publishWithoutCredentials(ctx context.Context, cmd *cobra.Command, vs []validate.Violation, cause error) error {
	env, err := github.EnvFromOS(os.Getenv)
	if err != nil || env.Event.PR == nil || !env.Event.PR.FromFork() {
		return cause
	}
	if err := write(cmd.OutOrStdout(), render.Validate, vs, string(render.FormatGitHub)); err != nil {
		return failErr(err)
	}
	why := "this pull request comes from a fork, and GitHub gives fork workflows no secrets, so retainctl could validate the policies but not read the organisation. A maintainer can push the branch to this repository to get a plan."
	if err := github.WriteStepSummary(env.StepSummary, maskerOf(ctx).String(render.NotPlanned(why, vs))); err != nil {
		return failErr(err)
	}
	fmt.Fprintln(cmd.ErrOrStderr(), "retainctl: no plan:", why)
	return planExit(plan.Plan{Violations: vs}, false)
}

func reportComment(cmd *cobra.Command, res github.Result) {
	w := cmd.ErrOrStderr()
	if res.Skipped != "" {
		fmt.Fprintf(w, "retainctl: %s; the plan is in the job summary\n", res.Skipped)
		return
	}
	fmt.Fprintf(w, "retainctl: plan comment %s: %s\n", res.Action, res.URL)
	if res.Truncated {
		fmt.Fprintln(w, "retainctl: the comment was cut to fit GitHub's limit; the full plan is in the job summary")
	}
	if res.LabelSkipped != "" {
		fmt.Fprintf(w, "retainctl: %s\n", res.LabelSkipped)
	}
}

// mergedPR is the pull request merged as this commit, on which the plan
// apply carries out was approved.
type mergedPR struct {
	env    github.Env
	gc     *github.Client
	number int
}

func findMergedPR(ctx context.Context) (*mergedPR, error) {
	env, err := github.EnvFromOS(os.Getenv)
	if err != nil {
		return nil, usageErr(err)
	}
	gc, err := github.NewClient(env, nil)
	if err != nil {
		return nil, usageErr(err)
	}
	n, err := gc.FindMergedPR(ctx, env.SHA)
	if err != nil {
		return nil, failErr(err)
	}
	return &mergedPR{env: env, gc: gc, number: n}, nil
}

// Approve refuses a plan other than the one approved on the pull request.
func (pr *mergedPR) Approve(ctx context.Context, fresh plan.Plan) error {
	reviewed, err := pr.gc.ReviewedFingerprint(ctx, pr.number)
	if err == nil {
		err = github.CheckFingerprint(reviewed, fresh.Fingerprint)
	}
	if err != nil {
		return failErr(fmt.Errorf("pull request #%d: %w", pr.number, err))
	}
	return nil
}

// report posts the apply result as a new comment on the pull request and
// in the job summary.
func (pr *mergedPR) report(ctx context.Context, res apply.Result, rep audit.Report) error {
	var text strings.Builder
	if err := rep.WriteText(&text); err != nil {
		return err
	}
	md := maskerOf(ctx).String(render.ApplyMarkdown(res, text.String()))
	if err := github.WriteStepSummary(pr.env.StepSummary, md); err != nil {
		return err
	}
	_, err := pr.gc.PostApplyResult(ctx, pr.number, md)
	return err
}
