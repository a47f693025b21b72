// Command retainctl keeps Genesys Cloud recording retention policies in Git:
// it validates, plans, applies and enforces them from CI.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/agnivade/levenshtein"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/retainctl/retainctl/reconcile/redact"
)

// Exit codes (README, "Commands").
const (
	exitOK      = 0
	exitFailure = 1
	exitChanges = 2
	exitUsage   = 3
)

// exitError carries an exit code up to main; its message, if any, is printed.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErr marks err as a usage or input error (exit 3).
func usageErr(err error) error { return &exitError{code: exitUsage, err: err} }

// failErr marks err as a failure (exit 1).
func failErr(err error) error { return &exitError{code: exitFailure, err: err} }

// silentExit ends the command with code and no further message.
func silentExit(code int) error { return &exitError{code: code} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// The first signal asks the command to wind up (cancel jobs,
		// save the simulator's state); a second one ends the process at
		// once, as the signal's default would.
		<-ctx.Done()
		stop()
	}()
	os.Exit(execute(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// execute runs one command line and returns its exit code. Everything it
// prints passes through a masker, so that no secret from the environment
// reaches a log, whatever prints it; comments, summaries, plan files and the
// audit trail use the same masker (maskerOf).
//
// Whether a stream is a terminal is decided here, on the real file beneath
// the masker (see console), so that colour and redrawn progress lines work.
func execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if orgOf(args) == allOrgs {
		return executeEach(ctx, args, stdout, stderr)
	}
	masker := redact.FromEnv(os.Getenv)
	out, errOut := newConsole(stdout, masker, os.Getenv), newConsole(stderr, masker, os.Getenv)
	defer out.Flush()
	defer errOut.Flush()
	root := newRootCmd()
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if err := applyOrg(cmd); err != nil {
			return err
		}
		if off, _ := cmd.Flags().GetBool("no-color"); off {
			out.color, errOut.color = false, false
		}
		if cmd.Flags().Lookup(flagRate) != nil {
			if api, err := pacingOf(cmd); err == nil {
				errOut.pace = api.RequestsPerMinute * api.TokenPool
			}
		}
		return nil
	}
	root.SetArgs(args)
	root.SetOut(out)
	root.SetErr(errOut)
	return exitCode(root.ExecuteContext(context.WithValue(ctx, maskerKey{}, masker)), errOut)
}

type maskerKey struct{}

// maskerOf returns the run's masker: the secrets from the environment and
// every token obtained since. Whatever leaves the process goes through it.
func maskerOf(ctx context.Context) *redact.Masker {
	if m, ok := ctx.Value(maskerKey{}).(*redact.Masker); ok {
		return m
	}
	return redact.FromEnv(os.Getenv)
}

// exitCode prints err, if it has a message, and maps it to an exit code.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "retainctl:", ee.err)
		}
		return ee.code
	}
	// Anything cobra itself rejects (unknown flag or command) is a usage error.
	fmt.Fprintln(stderr, "retainctl:", err)
	return exitUsage
}

// teachArgs gives every command an arguments check that says what the
// command takes instead of cobra's "unknown command", and points a stray
// directory at --policies, the flag that was meant.
func teachArgs(c *cobra.Command) {
	for _, sub := range c.Commands() {
		teachArgs(sub)
	}
	if c.HasParent() && c.HasSubCommands() && !c.Runnable() {
		// A group such as `audit`: cobra would print its help and exit 0
		// for a misspelt subcommand.
		c.SuggestionsMinimumDistance = 2
		c.Args = cobra.ArbitraryArgs // RunE answers them
		c.RunE = func(cmd *cobra.Command, args []string) error {
			var names []string
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() {
					names = append(names, sub.Name())
				}
			}
			msg := fmt.Sprintf("%s needs a command: %s", cmd.CommandPath(), strings.Join(names, ", "))
			if len(args) > 0 {
				msg = fmt.Sprintf("unknown command %q for %s", args[0], cmd.CommandPath())
				if near := cmd.SuggestionsFor(args[0]); len(near) > 0 {
					msg += "; did you mean " + strings.Join(near, " or ") + "?"
				}
			}
			return usageErr(errors.New(msg))
		}
		return
	}
	check := c.Args
	if check == nil || c.HasSubCommands() {
		return
	}
	c.Args = func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err == nil {
			return nil
		}
		most := 0
		for most < 3 && check(cmd, make([]string, most+1)) == nil {
			most++
		}
		msg := fmt.Sprintf("%s takes no arguments", cmd.Name())
		if most > 0 {
			msg = fmt.Sprintf("%s takes at most %d argument(s): %s", cmd.Name(), most, cmd.UseLine())
		}
		if extra := args[min(most, len(args)-1)]; most == 0 && cmd.Flags().Lookup("policies") != nil && !strings.HasPrefix(extra, "-") {
			msg += fmt.Sprintf("; did you mean --policies %s?", extra)
		} else {
			msg += fmt.Sprintf(" (got %q); see %s --help", extra, cmd.CommandPath())
		}
		return usageErr(errors.New(msg))
	}
}

// flagError answers an unknown flag with the command's closest flags.
func flagError(cmd *cobra.Command, err error) error {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return usageErr(fmt.Errorf("%w (see %s --help)", err, cmd.CommandPath()))
	}
	name, _, _ = strings.Cut(name, "=")
	var near []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if d := levenshtein.ComputeDistance(name, f.Name); d <= max(2, len(name)/3) || strings.HasPrefix(f.Name, name) {
			near = append(near, "--"+f.Name)
		}
	})
	if len(near) == 0 {
		return usageErr(fmt.Errorf("%s has no flag --%s (see %s --help)", cmd.CommandPath(), name, cmd.CommandPath()))
	}
	return usageErr(fmt.Errorf("%s has no flag --%s; did you mean %s?", cmd.CommandPath(), name, strings.Join(near, " or ")))
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "retainctl",
		Short:         "Keep Genesys Cloud recording retention policies in Git",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newVersionCmd(),
		newValidateCmd(),
		newVerifyCmd(),
		newSchemaCmd(),
		newSimCmd(),
		newPlanCmd(),
		newApplyCmd(),
		newExportCmd(),
		newAuditCmd(),
		newEnforceCmd(),
		newReportCmd(),
		newOrgsCmd(), newDriftCmd(),
	)
	root.PersistentFlags().Bool("no-color", false, "no colour, even on a terminal (so does the NO_COLOR variable)")
	root.PersistentFlags().String(flagOrg, "", "the organisation orgs/NAME/ of a repository of several (its policies directory, settings and simulator state); all: each in turn")
	root.SetFlagErrorFunc(flagError)
	root.SuggestionsMinimumDistance = 2
	teachArgs(root)
	documentUsage(root)
	return root
}
