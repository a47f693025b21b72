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
	"syscall"

	"github.com/spf13/cobra"

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
	os.Exit(execute(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// execute runs one command line and returns its exit code. Everything it
// prints passes through a masker, so that no secret from the environment
// reaches a log, whatever prints it; comments, summaries, plan files and the
// audit trail use the same masker (maskerOf).
func execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	masker := redact.FromEnv(os.Getenv)
	out, errOut := redact.NewWriter(stdout, masker), redact.NewWriter(stderr, masker)
	defer out.Flush()
	defer errOut.Flush()
	root := newRootCmd()
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
	)
	return root
}
