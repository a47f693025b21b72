package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/audit"
)

func newAuditVerifyCmd() *cobra.Command {
	var policies, logFile string
	var legacy bool
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check the audit log's hash chain, its events and its delivery records",
		Long: `Check the audit log (settings audit.log, or --log): every event follows the one
before it (logSeq one more, prevHash the SHA-256 of its line), is a valid event,
and no id repeats; every record in <log>.delivered acknowledges events that are
in the log. Lines torn by a crash are warnings. Events written before the chain
existed are counted, and the chain says where it starts; a log with no chain at
all fails unless --allow-legacy says it is from before the chain.

The last line prints the chain's head (its last logSeq and hash): the webhook
receiver's copy, or the audit branch, must hold the same.

Exit codes: 0 the log verifies, 1 it does not (the first line altered, missing
or out of order is named), 3 bad settings or no log.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path := logFile
			if path == "" {
				var err error
				if path, err = auditLogPath(policies); err != nil {
					return usageErr(err)
				}
			}
			return runAuditVerify(cmd.OutOrStdout(), path, legacy)
		},
	}
	cmd.Flags().StringVar(&policies, "policies", "policies", "policies directory holding retainctl.yaml (audit.log)")
	cmd.Flags().StringVar(&logFile, "log", "", "the log to verify (default: the settings' audit.log)")
	cmd.Flags().BoolVar(&legacy, "allow-legacy", false, "accept a log written entirely before the hash chain (its lines can only be checked for form)")
	return cmd
}

func runAuditVerify(w io.Writer, path string, allowLegacy bool) error {
	log, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return usageErr(fmt.Errorf("no audit log at %s", path))
	}
	if err != nil {
		return failErr(err)
	}
	defer log.Close()
	var v audit.Verification
	switch delivered, derr := os.Open(path + ".delivered"); {
	case derr == nil:
		defer delivered.Close()
		v, err = audit.Verify(log, delivered)
	case errors.Is(derr, fs.ErrNotExist):
		v, err = audit.Verify(log, nil)
	default:
		return failErr(derr)
	}
	if err != nil {
		return failErr(err)
	}
	for _, warn := range v.Warnings {
		fmt.Fprintf(w, "warning: %s: %s\n", path, warn)
	}
	switch {
	case v.ChainStart == 0 && v.Events > 0 && !allowLegacy:
		// Stripping the chain fields from every line would otherwise make
		// any edit pass: a log this retainctl wrote is always chained.
		return failErr(fmt.Errorf("audit log %s holds %d events and no hash chain: written before retainctl kept one, or stripped of it; pass --allow-legacy to accept a log from before the chain", path, v.Events))
	case v.ChainStart == 0:
		fmt.Fprintf(w, "%s: %d events, none chained (written before retainctl kept a hash chain): nothing to verify but their form\n", path, v.Events)
	case v.Legacy > 0:
		fmt.Fprintf(w, "%s: lines before %d hold %d events from before the hash chain: only their number and the last are bound by it; the chain starts at line %d\n", path, v.ChainStart, v.Legacy, v.ChainStart)
	}
	if !v.OK() {
		for _, p := range v.Problems {
			fmt.Fprintf(w, "%s: %s\n", path, p)
		}
		if v.Truncated {
			fmt.Fprintln(w, "… more problems not shown")
		}
		first := v.Problems[0]
		return failErr(fmt.Errorf("audit log %s does not verify: first problem at %s line %d", path, first.File, first.Line))
	}
	fmt.Fprintf(w, "%s: verified: %d events, %d delivery records; chain %s head #%d %s\n", path, v.Events, v.Deliveries, v.Chain, v.HeadSeq, v.Head)
	return nil
}
