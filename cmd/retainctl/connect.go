package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/sim"
)

// defaultSimState is where --sim keeps the simulated org between runs.
const defaultSimState = ".retainctl/sim-state.json"

// addConnFlags registers the flags every Genesys-talking command shares.
func addConnFlags(cmd *cobra.Command) {
	cmd.Flags().Bool("sim", false, "use an embedded simulated organisation instead of Genesys Cloud (no account needed)")
	cmd.Flags().String("sim-state", defaultSimState, "state file of the simulated organisation (with --sim)")
}

// connect returns a client for the organisation the command talks to and
// a cleanup func. With --sim it starts the simulator on a loopback port;
// otherwise it reads GENESYSCLOUD_* and never falls back to the simulator.
// opts adjust the client's configuration (e.g. withRecorder).
func connect(ctx context.Context, cmd *cobra.Command, opts ...func(*genesys.Config)) (*genesys.Client, func(), error) {
	useSim, _ := cmd.Flags().GetBool("sim")
	if !useSim {
		cfg, err := genesys.ConfigFromEnv(os.Getenv)
		if err != nil {
			if errors.Is(err, genesys.ErrNoCredentials) {
				return nil, nil, usageErr(fmt.Errorf("%w\n(or pass --sim to try retainctl against a simulated organisation)", err))
			}
			return nil, nil, usageErr(err)
		}
		cfg.OnToken = maskerOf(ctx).Add
		for _, o := range opts {
			o(&cfg)
		}
		c, err := genesys.New(cfg)
		if err != nil {
			return nil, nil, usageErr(err)
		}
		return c, func() {}, nil
	}
	statePath, _ := cmd.Flags().GetString("sim-state")
	return startSim(ctx, statePath, opts...)
}

// startSim serves a demo-seeded simulator on 127.0.0.1 and points a client at it.
func startSim(ctx context.Context, statePath string, opts ...func(*genesys.Config)) (*genesys.Client, func(), error) {
	if dir := filepath.Dir(statePath); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, nil, failErr(fmt.Errorf("--sim-state: %w", err))
		}
	}
	org, err := sim.New(sim.Options{Demo: true, StatePath: statePath})
	if err != nil {
		return nil, nil, failErr(fmt.Errorf("--sim-state %s: %w", statePath, err))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, failErr(fmt.Errorf("start simulator: %w", err))
	}
	srv := &http.Server{Handler: org, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	stop := func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}
	cfg := genesys.Config{
		BaseURL:      "http://" + ln.Addr().String(),
		ClientID:     sim.DemoClientID,
		ClientSecret: sim.DemoClientSecret,
	}
	cfg.OnToken = maskerOf(ctx).Add
	for _, o := range opts {
		o(&cfg)
	}
	c, err := genesys.New(cfg)
	if err != nil {
		stop()
		return nil, nil, failErr(err)
	}
	return c, stop, nil
}
