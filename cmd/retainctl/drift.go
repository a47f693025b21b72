package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/github"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/render"
	"github.com/retainctl/retainctl/reconcile/validate"
)

type driftOptions struct {
	policies, rules, now string
	github               bool
}

// newDriftCmd is the scheduled drift check: plan main against the
// organisation, and with --github keep an issue open while they differ.
func newDriftCmd() *cobra.Command {
	var o driftOptions
	cmd := &cobra.Command{
		Use:   "drift",
		Short: "Check whether the organisation still matches the policies; with --github, keep an issue open while it does not",
		Long: "Plans the policies against the organisation, as `plan` does, and prints the plan. Changes are\n" +
			"drift: the organisation no longer is what the policies say. With --github (a scheduled\n" +
			"workflow), the plan also goes to the job summary, and an issue labelled \"retainctl: drift\"\n" +
			"is opened, or the one opened before updated, listing it; when the drift is gone, that issue\n" +
			"is closed with a note. Each organisation (--org) has its own issue.\n\n" +
			"Exit status: 0 no drift, 1 errors in the policies or a failure, 2 drift, 3 usage error.",
		Example: "  retainctl drift --sim\n  retainctl drift --github --org eu",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.github {
				if err := checkGitHubEnv(); err != nil {
					return err
				}
			}
			return runDrift(cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.policies, "policies", "policies", "policies directory")
	f.StringVar(&o.rules, "rules", "", "directory of extra .rego rules")
	f.BoolVar(&o.github, "github", false, "write the job summary and open, update or close the drift issue (GitHub Actions, issues: write)")
	addNowFlag(f, &o.now)
	addConnFlags(cmd)
	return cmd
}

func runDrift(cmd *cobra.Command, o driftOptions) error {
	ctx := cmd.Context()
	repo, vs, err := loadValidNow(ctx, o.policies, o.rules, o.now)
	if err != nil {
		return err
	}
	if validate.HasDeny(vs) {
		// Main does not validate: that is no drift of the organisation,
		// and the issue is left as it is.
		if err := write(cmd.OutOrStdout(), render.Validate, vs, "text"); err != nil {
			return failErr(err)
		}
		return failErr(fmt.Errorf("the policies in %s do not validate, so there is no plan to compare the organisation with; the drift issue is left as it is", o.policies))
	}
	p, err := planRepo(ctx, cmd, repo)
	if err != nil {
		return err
	}
	p.Violations = append(vs, p.Violations...)
	if err := writePlan(cmd.OutOrStdout(), p, "text"); err != nil {
		return failErr(err)
	}
	drift := p.Summary.Changes() > 0
	if o.github {
		if err := reportDrift(cmd, p, drift); err != nil {
			return failErr(err)
		}
	}
	if drift {
		return silentExit(exitChanges)
	}
	return nil
}

// reportDrift writes the job summary and the drift issue, masked.
func reportDrift(cmd *cobra.Command, p plan.Plan, drift bool) error {
	ctx := cmd.Context()
	env, err := githubEnv(orgFlag(cmd))
	if err != nil {
		return err
	}
	mask := maskerOf(ctx).String
	md := mask(render.Markdown(p))
	where := "the organisation"
	if env.Org != "" {
		where = "organisation " + env.Org
	}
	head := fmt.Sprintf("No drift: %s matches the policies on main.\n\n", where)
	if drift {
		head = fmt.Sprintf("**Drift:** %s differs from the policies on main. The plan below is what `retainctl apply` would change to make it match again. "+
			"If the change in the organisation was meant, open a pull request that puts it in the policies; otherwise re-run the apply workflow, or apply a reviewed plan.\n\n", where)
	}
	if u := env.RunURL(); u != "" {
		head += fmt.Sprintf("Checked by [the drift check](%s).\n\n", u)
	}
	if err := github.WriteStepSummary(env.StepSummary, head+md); err != nil {
		return err
	}
	gc, err := github.NewClient(env, nil)
	if err != nil {
		return err
	}
	res, err := gc.ReportDrift(ctx, drift, head+md)
	if err != nil {
		return err
	}
	fmt.Fprintln(cmd.ErrOrStderr(), "retainctl:", mask(res.Note()))
	if drift {
		fmt.Fprintf(cmd.OutOrStdout(), "::error title=Drift::%s differs from main; see the drift issue and the job summary\n", where)
	} else {
		fmt.Fprintf(cmd.OutOrStdout(), "::notice title=No drift::%s matches main\n", where)
	}
	return nil
}
