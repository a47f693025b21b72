package main

import (
	"context"
	"errors"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/render"
	"github.com/retainctl/retainctl/reconcile/run"
	"github.com/retainctl/retainctl/reconcile/validate"
)

type planOptions struct {
	policies, rules, out, format, now string
	detailedExitCode, github          bool
}

func newPlanCmd() *cobra.Command {
	var o planOptions
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what apply would change in the organisation, with risk and storage",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(render.Plan, o.format); err != nil {
				return err
			}
			if o.github {
				if err := checkGitHubEnv(); err != nil {
					return err
				}
			}
			if o.github && o.format == "json" {
				// --github writes annotations on stdout, which would break the document.
				return usageErr(errors.New("--github writes workflow annotations on stdout: with it, get the JSON plan with --out FILE instead of --format json"))
			}
			return runPlan(cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.policies, "policies", "policies", "policies directory")
	f.StringVar(&o.rules, "rules", "", "directory of extra .rego rules")
	f.StringVar(&o.out, "out", "", "also write the plan document (JSON) to this file")
	f.StringVar(&o.format, "format", "text", "output format: text, markdown or json")
	f.BoolVar(&o.detailedExitCode, "detailed-exitcode", false, "exit 2 when there are changes, 0 when there are none")
	f.BoolVar(&o.github, "github", false, "post the plan on the pull request and the job summary (GitHub Actions)")
	addNowFlag(f, &o.now)
	addConnFlags(cmd)
	return cmd
}

func runPlan(cmd *cobra.Command, o planOptions) error {
	ctx := cmd.Context()
	repo, vs, err := loadValidNow(ctx, o.policies, o.rules, o.now)
	if err != nil {
		return err
	}
	p := plan.Plan{Version: plan.Version, Violations: vs, Changes: []plan.Change{}}
	if !validate.HasDeny(vs) {
		if p, err = planRepo(ctx, cmd, repo); err != nil {
			if o.github && errors.Is(err, genesys.ErrNoCredentials) {
				return publishWithoutCredentials(ctx, cmd, vs, err)
			}
			return err
		}
		p.Violations = append(vs, p.Violations...)
	}
	if err := writePlan(cmd.OutOrStdout(), p, o.format); err != nil {
		return failErr(err)
	}
	if o.out != "" {
		if err := plan.WriteFile(o.out, p, maskerOf(ctx).Bytes); err != nil {
			return failErr(err)
		}
	}
	if o.github {
		if err := publishPlan(ctx, cmd, p); err != nil {
			return failErr(err)
		}
	}
	return planExit(p, o.detailedExitCode)
}

// loadValid loads and validates the policies directory, judging holds and
// waivers as of now (the clock when zero). Violations are returned for the
// caller to show; only an unusable directory is an error.
func loadValid(ctx context.Context, dir, rules string, now time.Time) (policy.Repo, []validate.Violation, error) {
	v, err := validate.New(ctx, rules)
	if err != nil {
		return policy.Repo{}, nil, usageErr(err)
	}
	if !now.IsZero() {
		v = v.At(now)
	}
	return validateDir(ctx, v, dir)
}

func validateDir(ctx context.Context, v *validate.Validator, dir string) (policy.Repo, []validate.Violation, error) {
	repo, vs, err := v.ValidateDir(ctx, dir)
	if err != nil {
		return repo, nil, usageErr(err)
	}
	return repo, vs, nil
}

// planRepo diffs the repository against the organisation.
func planRepo(ctx context.Context, cmd *cobra.Command, repo policy.Repo) (plan.Plan, error) {
	client, done, err := connect(ctx, cmd)
	if err != nil {
		return plan.Plan{}, err
	}
	defer done()
	p, err := run.Plan(ctx, client, repo)
	if err != nil {
		return plan.Plan{}, failErr(err)
	}
	return p, nil
}

func writePlan(w io.Writer, p plan.Plan, format string) error {
	return write(w, render.Plan, p, format)
}

// planExit maps the plan to its exit code.
func planExit(p plan.Plan, detailed bool) error {
	switch {
	case validate.HasDeny(p.Violations):
		return silentExit(exitFailure)
	case detailed && p.Summary.Changes() > 0:
		return silentExit(exitChanges)
	}
	return nil
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
