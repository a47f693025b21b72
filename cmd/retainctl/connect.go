package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

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

// target is the organisation a command talks to, read once from its flags
// and the environment: the simulator (--sim) or Genesys Cloud
// (GENESYSCLOUD_*, never a silent fallback to the simulator).
type target struct {
	simState string         // with --sim
	cfg      genesys.Config // otherwise
}

func targetOf(cmd *cobra.Command) (target, error) {
	if useSim, _ := cmd.Flags().GetBool("sim"); useSim {
		state, _ := cmd.Flags().GetString("sim-state")
		return target{simState: state}, nil
	}
	cfg, err := genesys.ConfigFromEnv(os.Getenv)
	if errors.Is(err, genesys.ErrNoCredentials) {
		return target{}, usageErr(fmt.Errorf("%w\n(or pass --sim to try retainctl against a simulated organisation)", err))
	}
	if err != nil {
		return target{}, usageErr(err)
	}
	return target{cfg: cfg}, nil
}

// name says which organisation a run changes, for the audit trail: the API
// base URL (never a credential), or the simulator.
func (t target) name() string {
	if t.simState != "" {
		return "simulated organisation (" + t.simState + ")"
	}
	u, err := url.Parse(t.cfg.BaseURL)
	if err != nil {
		return ""
	}
	u.User = nil // a URL may carry credentials; the trail never does
	return u.String()
}

// connect returns a client for the target and a cleanup func; rec, when
// not nil, receives every request's statistics.
func (t target) connect(ctx context.Context, rec genesys.Recorder) (*genesys.Client, func(), error) {
	cfg, stop := t.cfg, func() {}
	if t.simState != "" {
		var err error
		if cfg, stop, err = startSim(ctx, t.simState); err != nil {
			return nil, nil, err
		}
	}
	cfg.OnToken, cfg.Mask = maskerOf(ctx).Add, maskerOf(ctx).String
	cfg.Recorder = rec
	c, err := genesys.New(cfg)
	if err != nil {
		stop()
		return nil, nil, usageErr(err)
	}
	return c, stop, nil
}

// connect is targetOf and connect in one, for commands that keep no audit.
func connect(ctx context.Context, cmd *cobra.Command) (*genesys.Client, func(), error) {
	t, err := targetOf(cmd)
	if err != nil {
		return nil, nil, err
	}
	return t.connect(ctx, nil)
}

// startSim serves a demo-seeded simulator on 127.0.0.1 and returns the
// client configuration that reaches it.
func startSim(ctx context.Context, statePath string) (genesys.Config, func(), error) {
	if err := os.MkdirAll(filepath.Dir(statePath), 0o755); err != nil {
		return genesys.Config{}, nil, failErr(fmt.Errorf("--sim-state: %w", err))
	}
	org, err := sim.New(sim.Options{Demo: true, StatePath: statePath})
	if err != nil {
		return genesys.Config{}, nil, failErr(fmt.Errorf("--sim-state %s: %w", statePath, err))
	}
	url, stop, err := org.Start(ctx)
	if err != nil {
		return genesys.Config{}, nil, failErr(fmt.Errorf("start simulator: %w", err))
	}
	return genesys.Config{BaseURL: url, ClientID: sim.DemoClientID, ClientSecret: sim.DemoClientSecret}, stop, nil
}
