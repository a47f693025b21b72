package run

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/retainctl/retainctl/reconcile/enforce"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/resolve"
)

// History is what the audit log says of past runs: when each policy's
// enforcement last completed (to catch up on missed scheduled runs), and
// the jobs a run created and never saw end (to settle after a crash).
type History interface {
	LastRuns() (map[string]time.Time, error)
	OpenJobs() ([]enforce.OpenJob, error)
}

// When is the moment a run acts at: Now for schedules and ages, Replay
// when Now was given rather than read from the clock (a replay follows
// the schedule alone), and Horizon, the oldest conversation a job may
// reach, from the platform's clock.
type When struct {
	Now, Horizon time.Time
	Replay       bool
}

// ErrFutureReplay refuses a replay at a time still to come.
var ErrFutureReplay = errors.New("enforcing then would schedule deletions early; add --dry-run to preview it")

// At is when a run acts, on the platform's clock: then, or the replay
// time when one was given. A job acts at each recording's age from the
// platform's clock, so a replay in the future would have Genesys schedule
// deletions of recordings that are not due yet, which no later hold could
// undo: it is refused unless nothing is enforced (dryRun). The horizon
// follows the platform's clock, which a replay in the past does not move.
func At(clock time.Time, replay *time.Time, dryRun bool) (When, error) {
	at := When{Now: clock, Horizon: enforce.Horizon(clock)}
	if replay == nil {
		return at, nil
	}
	if replay.After(clock.Add(time.Minute)) {
		if !dryRun {
			return When{}, ErrFutureReplay
		}
		at.Horizon = enforce.Horizon(*replay)
	}
	at.Now, at.Replay = *replay, true
	return at, nil
}

// Select returns the policies due now (or only the one named), with the
// ones whose last scheduled run no enforcement completed, caught up.
func Select(repo policy.Repo, at When, only string, history History) ([]enforce.Selected, error) {
	sel, err := enforce.Select(repo.Policies, at.Now, only)
	if err != nil || only != "" || at.Replay {
		return sel, err
	}
	last, err := history.LastRuns()
	if err != nil {
		return sel, fmt.Errorf("reading the audit log for past runs: %w", err)
	}
	return enforce.CatchUp(repo.Policies, at.Now, last, sel)
}

// Preview is the report of a run that contacts nothing: what is due.
func Preview(sel []enforce.Selected, at When) enforce.Report {
	return enforce.Report{Now: at.Now.UTC(), Horizon: at.Horizon.UTC(), Policies: enforce.NewPlan(sel, at.Now, at.Horizon).Policies}
}

// Enforce first settles the jobs an interrupted run left open (history),
// then gates the selected policies against the organisation and runs
// their jobs with r (whose API is the organisation's job API, and whose
// audit takes the events).
func Enforce(ctx context.Context, org EnforceOrg, repo policy.Repo, sel []enforce.Selected, at When, r *enforce.Runner, history History) (enforce.Report, error) {
	var recovered []string
	if history != nil {
		open, err := history.OpenJobs()
		if err != nil {
			return enforce.Report{}, fmt.Errorf("reading the audit log for open jobs: %w", err)
		}
		if recovered, err = enforce.Recover(ctx, r.API, r.Audit, open, r.DryRun); err != nil {
			return enforce.Report{Recovered: recovered}, err
		}
	}
	live, err := org.ListPolicies(ctx)
	if err != nil {
		return enforce.Report{}, fmt.Errorf("listing live policies: %w", err)
	}
	if repo, err = mustResolve(ctx, org, repo, live); err != nil {
		return enforce.Report{Recovered: recovered}, err
	}
	changes, overlaps, err := orgState(repo, live)
	if err != nil {
		return enforce.Report{}, err
	}
	pl := enforce.NewPlan(enforce.Gate(sel, changes, live, overlaps), at.Now, at.Horizon)
	if len(pl.Jobs) > 0 {
		if err := heldProtected(ctx, org, repo.Holds); err != nil {
			return enforce.Report{Recovered: recovered}, err
		}
	}
	if r.DryRun {
		pl.CountHolds(repo.Holds)
	}
	rep := r.Run(ctx, pl)
	rep.Recovered = recovered
	return rep, nil
}

// EnforceOrg is what enforce reads of the organisation besides its jobs.
type EnforceOrg interface {
	Lister
	ProtectedConversations(ctx context.Context, ids []string) ([]string, error)
	resolve.Lookup
}

// heldProtected refuses a run while a conversation an active hold names is
// not protected in the organisation: the platform's protection is what
// keeps a job from deleting its recordings.
func heldProtected(ctx context.Context, org EnforceOrg, holds []policy.Hold) error {
	claims := policy.Claims(holds)
	if len(claims) == 0 {
		return nil
	}
	ids := slices.Sorted(maps.Keys(claims))
	got, err := org.ProtectedConversations(ctx, ids)
	if err != nil {
		return fmt.Errorf("reading the deletion protection of the held conversations: %w", err)
	}
	protected := make(map[string]bool, len(got))
	for _, id := range got {
		protected[id] = true
	}
	var open []string
	for _, id := range ids {
		if !protected[id] {
			open = append(open, fmt.Sprintf("%s (%s)", id, strings.Join(claims[id], ", ")))
		}
	}
	if len(open) == 0 {
		return nil
	}
	return fmt.Errorf("%d held conversation(s) are not protected in the organisation, so a job could delete their recordings; no job was started. Apply the plan that protects them first (retainctl plan shows them). First: %s", len(open), open[0])
}

// orgState plans the repository against the live organisation, for the
// gate, and finds where another policy keeps recordings longer than a due
// one would: the repository's policies and every live one as it is now
// (a change not yet applied still keeps what it keeps), with no tolerance
// window, since deleting a recording a day before another policy lets go of
// it is still wrong.
func orgState(repo policy.Repo, live []genesys.Policy) ([]plan.Change, []plan.Overlap, error) {
	p, err := plan.Build(repo.Policies, live, repo.Settings)
	if err != nil {
		return nil, nil, err
	}
	var keeping []policy.Policy
	for _, d := range repo.Policies {
		keeping = append(keeping, conversationLevel(d))
	}
	for _, l := range live {
		if lv := mapping.FromAPI(l); lv.Policy.IsEnabled() {
			for _, k := range lv.Keeps {
				keeping = append(keeping, conversationLevel(k))
			}
		}
	}
	overlaps, _ := plan.Overlaps(keeping, 0)
	return p.Changes, overlaps, nil
}

// segmentLevel are the filters that match one segment of a conversation.
// A job selects a conversation when any segment matches and acts on all its
// recordings, so a call transferred from one queue to another is selected
// by either queue's policy: for protection, these filters separate nothing.
var segmentLevel = []policy.Attribute{policy.Direction, policy.Queue, policy.User, policy.Team, policy.WrapupCode, policy.Language}

// conversationLevel keeps of p's filters those that hold for a whole
// conversation (duration, date range, customer participation).
func conversationLevel(p policy.Policy) policy.Policy {
	p.Filters = slices.DeleteFunc(slices.Clone(p.Filters), func(f policy.Filter) bool { return slices.Contains(segmentLevel, f.Attribute) })
	return p
}
