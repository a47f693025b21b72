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
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/sim"
)

// defaultSimState is where --sim keeps the simulated org between runs.
const defaultSimState = ".retainctl/sim-state.json"

// addConnFlags registers the flags every Genesys-talking command shares.
func addConnFlags(cmd *cobra.Command) {
	cmd.Flags().Bool("sim", false, "use an embedded simulated organisation instead of Genesys Cloud (no account needed)")
	cmd.Flags().String("sim-state", defaultSimState, "state file of the simulated organisation (with --sim)")
	cmd.Flags().Int(flagRate, 0, fmt.Sprintf("requests per minute each access token may make (default: settings api.requestsPerMinute, else %d)", policy.DefaultRequestsPerMinute))
	cmd.Flags().Int(flagPool, 0, fmt.Sprintf("access tokens to fetch and spread requests over, each paced on its own (default: settings api.tokenPool, else %d)", policy.DefaultTokenPool))
}

// The pacing flags, which override the settings' api block.
const (
	flagRate = "requests-per-minute"
	flagPool = "token-pool"
)

// pacingOf is the api block that applies to cmd: the settings of its
// --policies directory (when it has one) with the flags over them. A value
// out of range is an error naming the key or flag it came from.
func pacingOf(cmd *cobra.Command) (policy.API, error) {
	api := policy.DefaultAPI()
	rate, pool := "api.requestsPerMinute", "api.tokenPool"
	if f := cmd.Flags().Lookup("policies"); f != nil {
		// The settings were read and validated already; broken ones leave
		// the defaults (the run reports them on its own).
		s, _ := policy.LoadSettings(f.Value.String())
		api = s.API
		file := filepath.Join(f.Value.String(), policy.SettingsFile)
		rate, pool = file+": "+rate, file+": "+pool
	}
	if cmd.Flags().Changed(flagRate) {
		api.RequestsPerMinute, _ = cmd.Flags().GetInt(flagRate)
		rate = "--" + flagRate
	}
	if cmd.Flags().Changed(flagPool) {
		api.TokenPool, _ = cmd.Flags().GetInt(flagPool)
		pool = "--" + flagPool
	}
	return api, api.CheckAs(rate, pool)
}

// target is the organisation a command talks to, read once from its flags
// and the environment: the simulator (--sim) or Genesys Cloud
// (GENESYSCLOUD_*, never a silent fallback to the simulator).
type target struct {
	simState string         // with --sim
	cfg      genesys.Config // otherwise
	api      policy.API     // pacing, with --sim too
}

func targetOf(cmd *cobra.Command) (target, error) {
	api, err := pacingOf(cmd)
	if err != nil {
		return target{}, usageErr(err)
	}
	if useSim, _ := cmd.Flags().GetBool("sim"); useSim {
		state, _ := cmd.Flags().GetString("sim-state")
		return target{simState: state, api: api}, nil
	}
	getenv, err := envOfOrg(cmd, os.Getenv)
	if err != nil {
		return target{}, usageErr(err)
	}
	cfg, err := genesys.ConfigFromEnv(getenv)
	if errors.Is(err, genesys.ErrNoCredentials) {
		return target{}, usageErr(fmt.Errorf("%w\n(or pass --sim to try retainctl against a simulated organisation)", err))
	}
	if err != nil {
		return target{}, usageErr(err)
	}
	return target{cfg: cfg, api: api}, nil
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
	cfg.RateLimit, cfg.TokenPool = t.api.RequestsPerMinute, t.api.TokenPool
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
