package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/sim"
)

// defaultSimAddr is where `retainctl sim` listens unless told otherwise.
const defaultSimAddr = "127.0.0.1:8765"

func newSimCmd() *cobra.Command {
	var (
		opts      sim.Options
		addr      string
		rateLimit string
		noDemo    bool
	)
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Serve a simulated Genesys Cloud organisation (OAuth, retention policies, recording jobs)",
		Long: "Serve a simulated Genesys Cloud organisation on --addr until interrupted (Ctrl-C, SIGTERM),\n" +
			"then save its state. The first line printed names the address and the client id and secret\n" +
			"it accepts. Point retainctl at it with GENESYSCLOUD_API_URL=http://ADDR and those credentials.\n" +
			"While it runs it holds --state: a --sim run on the same file waits a few seconds, then fails\n" +
			"naming it. To run it in the background, build it first (`go run` would leave the server\n" +
			"running when killed): go build -o bin/retainctl ./cmd/retainctl && bin/retainctl sim &",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := parseRate(rateLimit)
			if err != nil {
				return usageErr(err)
			}
			opts.RateLimit, opts.Demo = n, !noDemo
			return serveSim(cmd.Context(), cmd, addr, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", defaultSimAddr, "listen address HOST:PORT (port 0 picks a free one)")
	f.StringVar(&opts.StatePath, "state", defaultSimState, "JSON state file, loaded if present and saved after every change")
	f.Int64Var(&opts.Seed, "seed", 1, "seed for recordings, ids and injected failures")
	f.DurationVar(&opts.Latency, "latency", 0, "latency added to every answer, e.g. 150ms")
	f.Float64Var(&opts.FailRate, "fail-rate", 0, "share of API requests answered 500/503, 0..1")
	f.StringVar(&rateLimit, "rate-limit", "300/min", "requests per token per minute (N or N/min)")
	f.DurationVar(&opts.TokenTTL, "token-ttl", 24*time.Hour, "lifetime of issued access tokens")
	f.StringVar(&opts.ClientID, "client-id", sim.DemoClientID, "OAuth client id to accept")
	f.StringVar(&opts.ClientSecret, "client-secret", sim.DemoClientSecret, "OAuth client secret to accept")
	f.BoolVar(&noDemo, "empty", false, "start without the demo policies (when there is no state file)")
	return cmd
}

// parseRate reads "300" or "300/min".
func parseRate(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(s), "/min"))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("--rate-limit %q: want a positive number of requests per minute, e.g. 300/min", s)
	}
	return n, nil
}

func serveSim(ctx context.Context, cmd *cobra.Command, addr string, opts sim.Options) error {
	if err := os.MkdirAll(filepath.Dir(opts.StatePath), 0o755); err != nil {
		return failErr(fmt.Errorf("--state: %w", err))
	}
	org, err := sim.New(opts)
	if errors.Is(err, sim.ErrStateInUse) {
		return failErr(err)
	}
	if err != nil {
		return usageErr(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return usageErr(fmt.Errorf("--addr %s: %w", addr, err))
	}
	fmt.Fprintf(cmd.OutOrStdout(), "retainctl sim listening on http://%s client-id=%s client-secret=%s\n",
		ln.Addr(), opts.ClientID, opts.ClientSecret)
	fmt.Fprintf(cmd.ErrOrStderr(), "state: %s; stop with Ctrl-C or kill %d (SIGTERM)\n", opts.StatePath, os.Getpid())
	if err := org.Serve(ctx, ln); err != nil {
		return failErr(err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "retainctl sim: stopped; state saved in %s\n", opts.StatePath)
	return nil
}
