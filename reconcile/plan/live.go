package plan

import (
	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/policy"
)

// Live is the organisation as a plan sees it: its policies, which of the
// conversations the holds name it protects, and its analytics data
// retention (read only when the settings manage it).
type Live struct {
	Policies  []model.Policy
	Protected map[string]bool
	Ceiling   int // retentionDays; 0 when never set or not read
}

// Make plans the whole repository against the organisation: the policies
// (Build), the legal holds and the analytics ceiling.
func Make(repo policy.Repo, live Live) (Plan, error) {
	p, err := Build(repo.Policies, live.Policies, repo.Settings)
	if err != nil {
		return p, err
	}
	p.Holds = planHolds(repo.Holds, live.Protected)
	p.Ceiling = planCeiling(repo.Settings.Analytics.RetentionDays, live.Ceiling)
	p.Settings.Analytics = repo.Settings.Analytics
	p.Violations = append(p.Violations, gapWarnings(repo)...)
	p.seal()
	return p, nil
}
