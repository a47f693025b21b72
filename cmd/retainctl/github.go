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
	env, err := githubEnv(orgFlag(cmd))
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
	res, err := gc.PostPlan(ctx, github.PlanCommentOf(env.Event.PR.Number, p, md))
	if err != nil {
		return err
	}
	for _, n := range res.Notes() {
		fmt.Fprintln(cmd.ErrOrStderr(), "retainctl:", n)
	}
	if res.Action == github.CommentSkipped {
		// Say it where the reviewers look, too.
		note := "> [!NOTE]\n> " + maskerOf(ctx).String(res.Skipped) + "\n"
		if err := github.WriteStepSummary(env.StepSummary, note); err != nil {
			return err
		}
	}
	return nil
}

// checkGitHubEnv is the check --github needs before any work: the GitHub
// Actions variables it reads, so that `plan --github` outside Actions is a
// usage error at once rather than a failure after the whole plan.
func checkGitHubEnv() error {
	if _, err := github.EnvFromOS(os.Getenv); err != nil {
		return usageErr(notInActions(err))
	}
	return nil
}

// notInActions explains a missing Actions environment.
func notInActions(err error) error {
	where := "this does not look like a GitHub Actions job (GITHUB_ACTIONS is not \"true\")"
	if os.Getenv("GITHUB_ACTIONS") == "true" {
		where = "the GitHub Actions environment is incomplete"
	}
	return fmt.Errorf("--github posts to a pull request from GitHub Actions, but %s:\n%w\nOutside Actions, leave out --github: the plan, annotations aside, is the same", where, err)
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

// findMergedPROf finds the pull request whose approved plan apply --github
// carries out, for the organisation of cmd's --org in a repository of
// several.
func findMergedPROf(ctx context.Context, cmd *cobra.Command) (*github.MergedPR, error) {
	env, err := githubEnv(orgFlag(cmd))
	if err != nil {
		return nil, usageErr(err)
	}
	gc, err := github.NewClient(env, nil)
	if err != nil {
		return nil, usageErr(err)
	}
	pr, err := gc.MergedPR(ctx)
	if err != nil {
		return nil, failErr(err)
	}
	pr.Mask = maskerOf(ctx).String
	return pr, nil
}

// reportApply posts the apply result and the audit report on the pull request.
func reportApply(ctx context.Context, pr *github.MergedPR, res apply.Result, rep audit.Report) error {
	var text strings.Builder
	if err := rep.WriteText(&text); err != nil {
		return err
	}
	return pr.Report(ctx, maskerOf(ctx).String(render.ApplyMarkdown(res, text.String())))
}

// envOrg names the organisation of a run under --github when the command
// cannot pass its --org: the reusable workflows set it with --org.
const envOrg = "RETAINCTL_ORG"

// orgFlag is cmd's --org, or empty.
func orgFlag(cmd *cobra.Command) string {
	if cmd == nil {
		return ""
	}
	org, _ := cmd.Flags().GetString(flagOrg)
	return org
}

// githubEnv reads the Actions environment for the organisation org (the
// run's --org; RETAINCTL_ORG when that is empty): its plan comment, its
// approval and its drift issue are its own.
func githubEnv(org string) (github.Env, error) {
	env, err := github.EnvFromOS(os.Getenv)
	if err != nil {
		return env, notInActions(err)
	}
	switch fromEnv := os.Getenv(envOrg); {
	case org == "":
		org = fromEnv
	case fromEnv != "" && fromEnv != org:
		return env, fmt.Errorf("--org %s but %s=%s: they name different organisations, whose plans and approvals are kept apart; set one", org, envOrg, fromEnv)
	}
	if err := github.CheckOrg(org); err != nil {
		return env, err
	}
	env.Org = org
	return env, nil
}
