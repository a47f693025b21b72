package render_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/outcome"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/render"
)

// findings holds both severities and what the formats must escape or
// leave out: a comma, colon and percent sign, a line break, no line, no
// policy.
var findings = []policy.Violation{
	{Rule: "policy.archive", Severity: policy.Deny, Message: "100% bad\r\nsecond line", File: "pol,icies/a:b.yaml", Line: 3, Policy: "P"},
	{Rule: "schedule.short-month", Severity: policy.Warn, Message: "dayOfMonth 31 runs on the last day of shorter months", File: "policies/email.yaml", Line: 9, Policy: "Email"},
	{Rule: "settings.prune", Severity: policy.Warn, Message: "prune is on | <b>deletes</b>", File: "policies/settings.yaml"},
}

// richPlan is representative with what a built plan only has against a
// real organisation: a review risk, what an update keeps and removes, the
// problems Genesys reports, unchanged policies with notes, live policies
// with unknown fields, an orphan.
func richPlan(t *testing.T) plan.Plan {
	t.Helper()
	p := representative(t)
	for i := range p.Changes {
		c := &p.Changes[i]
		switch c.Name {
		case "Inbound calls":
			c.Kept = []mapping.Carried{{Path: "mediaPolicies.callPolicy.conditions.wrapupCodes", What: "wrap-up codes", Coverage: true}}
			c.Removed = []mapping.Carried{{Path: "mediaPolicies.callPolicy.actions.assignSurveys", What: "survey assignment"}}
		case "Messages":
			c.Risk = plan.Review
			c.Kept = []mapping.Carried{{What: "a description written in the admin UI"}}
			c.PolicyErrors = []string{"queue q9 no longer exists"}
		}
	}
	kept := pol("Voicemail", "call", 60)
	p.Changes = append(p.Changes,
		plan.Change{Action: plan.Noop, Name: "Voicemail", ID: "id-6", Risk: plan.Safe, Before: &kept, After: &kept,
			Reasons: []string{}, Kept: []mapping.Carried{{Path: "mediaPolicies.callPolicy.actions.assignEvaluations", What: "evaluation assignment"}},
			PolicyErrors: []string{"evaluation form missing"}},
		plan.Change{Action: plan.Noop, Name: "Screens", ID: "id-7", Risk: plan.Safe, Reasons: []string{}},
	)
	p.Summary.Noop += 2
	p.Unmanaged[0].PolicyErrors = []string{"user u1 is deleted"}
	p.Unmanaged[0].Unknown = []string{"mediaPolicies.callPolicy.conditions.teams"}
	p.Unmanaged = append(p.Unmanaged, plan.LiveRef{Name: "Legal | hold", ID: "id-8", Forever: true, Media: "call"})
	p.Orphaned = []plan.LiveRef{{Name: "Retired", ID: "id-9", Retention: 30, Media: "chat"}}
	p.Violations = append(p.Violations, findings[2])
	return p
}

// deniedPlan is what plan makes of policies that do not validate: no
// comparison with the organisation, only the findings.
func deniedPlan() plan.Plan {
	return plan.Plan{Version: plan.Version, Violations: findings, Changes: []plan.Change{}}
}

func applied() outcome.Apply {
	return outcome.Apply{
		Fingerprint: "sha256:4f2a",
		Changes: []outcome.Change{
			{Action: plan.Create, Name: "Email", ID: "id-10", Risk: plan.Safe, Outcome: outcome.ChangeApplied, LatencyMs: 120},
			{Action: plan.Update, Name: "Chat - 1 year", ID: "id-2", Risk: plan.Safe, Outcome: outcome.ChangeApplied, Note: "renamed from Chat", LatencyMs: 95.5},
			{Action: plan.Update, Name: "Inbound | <calls>", ID: "id-1", Risk: plan.Destructive, Outcome: outcome.ChangeFailed, Note: "retried once",
				Error: &outcome.ErrorInfo{Status: 409, Code: "conflict", Message: "policy changed since the plan", ContextID: "ctx-1"}, LatencyMs: 310},
			{Action: plan.Delete, Name: "Old voicemail", ID: "id-4", Risk: plan.Destructive, Outcome: outcome.ChangeFailed,
				Error: &outcome.ErrorInfo{Message: "connection reset"}},
			{Action: plan.Adopt, Name: "Messages", ID: "id-3", Risk: plan.Review, Outcome: outcome.ChangeSkipped, Note: "an earlier phase failed"},
		},
		Drift: []string{"Inbound | <calls>: retentionPeriod is 90, the plan says 30", "Old voicemail: still in the organisation"},
	}
}

// auditSummary has a code fence of its own, which the markdown must not
// let close the report's.
const auditSummary = "2 changes audited\n```\nlog: audit/2026-03.jsonl\n"

// failedOnly is an apply whose failures left no drift; applyClean one with
// nothing to do.
func failedOnly() outcome.Apply {
	r := applied()
	r.Drift = nil
	return r
}

var applyClean = outcome.Apply{Fingerprint: "sha256:0000"}

var (
	enforceAt = time.Date(2026, 3, 31, 2, 0, 0, 0, time.UTC)
	horizon   = time.Date(2021, 3, 31, 0, 0, 0, 0, time.UTC)
)

// enforced is a dry run with every note the report can carry.
var enforced = outcome.Enforce{
	Now: enforceAt, Horizon: horizon, DryRun: true,
	Policies: []outcome.Policy{
		{Name: "Calls", Missed: "2026-03-30", Jobs: 2, KeptDays: 400, KeptFor: []string{"Complaints", "Legal hold"}},
		{Name: "Chat", Forced: true, Jobs: 1},
		{Name: "Screens", Refused: "screen recordings are not selected by a conversation query"},
		{Name: "Dated"},
	},
	Jobs: []outcome.Job{
		{Policy: "Calls", Action: "DELETE", Interval: "2021-03-31T00:00:00Z/2025-12-26T00:00:00Z", JobID: "job-1", State: "READY",
			Outcome: outcome.JobDryRun, Conversations: 1200, Recordings: 1350, DurationMs: 4100},
		{Policy: "Calls", Action: "ARCHIVE", Interval: "2021-03-31T00:00:00Z/2026-02-28T00:00:00Z", JobID: "job-2", State: "FAILED",
			Outcome: outcome.JobFailed, Conversations: 80, Recordings: 90, Processed: 40, Failed: 50, Error: "job FAILED: archive quota"},
		{Policy: "Chat", Action: "DELETE", Interval: "2021-03-31T00:00:00Z/2025-03-31T00:00:00Z", Outcome: outcome.JobNotStarted, Error: "no free job slot"},
	},
	Totals:     outcome.Totals{Jobs: 3, Succeeded: 1, Unsuccessful: 2, Conversations: 1280, Recordings: 1440, Processed: 40, Failed: 50},
	ActiveJobs: []string{"job-other"},
	Recovered:  []string{"job job-9 (Inbound calls DELETE): left PROCESSING by run r1; cancelled, the next due run creates it again"},
	Errors:     []string{"audit webhook: 502 Bad Gateway"},
}

// idle is a run with no policy due.
var idle = outcome.Enforce{Now: enforceAt, Horizon: horizon}

var ext = map[render.Format]string{render.FormatText: "txt", render.FormatMarkdown: "md", render.FormatJSON: "json", render.FormatGitHub: "github"}

// TestGolden writes each document in every format the registry has for
// it: a format registered without golden files fails here.
func TestGolden(t *testing.T) {
	goldens(t, render.Plan, map[string]plan.Plan{"plan": representative(t), "plan-rich": richPlan(t), "plan-denied": deniedPlan()})
	goldens(t, render.Apply, map[string]outcome.Apply{"apply": applied(), "apply-failed": failedOnly(), "apply-clean": applyClean})
	goldens(t, render.Enforce, map[string]outcome.Enforce{"enforce": enforced, "enforce-idle": idle})
	goldens(t, render.Validate, map[string][]policy.Violation{"validate": findings, "validate-clean": nil})
}

func goldens[T any](t *testing.T, k render.Kind[T], docs map[string]T) {
	t.Helper()
	for name, doc := range docs {
		for _, f := range k.Formats() {
			if ext[f] == "" {
				t.Fatalf("format %s has no golden file extension", f)
			}
			golden(t, name+"."+ext[f], out(t, k, f, doc, render.Options{}))
		}
	}
}

// TestGoldenPullRequest covers what only the GitHub integration writes: the
// plan's annotations, the comment when no plan could be made, the apply
// result on the merged pull request.
func TestGoldenPullRequest(t *testing.T) {
	golden(t, "plan-rich.github", out(t, render.Validate, render.FormatGitHub, richPlan(t).Violations, render.Options{}))
	golden(t, "plan-notplanned.md", []byte(render.NotPlanned("this pull request comes from a fork | <fork>", findings)))
	golden(t, "plan-notplanned-clean.md", []byte(render.NotPlanned("no credentials", nil)))
	golden(t, "apply.md", []byte(render.ApplyMarkdown(applied(), auditSummary)))
	golden(t, "apply-failed.md", []byte(render.ApplyMarkdown(failedOnly(), "")))
	golden(t, "apply-clean.md", []byte(render.ApplyMarkdown(applyClean, "")))
	golden(t, "plan-warnings.md", []byte(render.Markdown(warnedPlan(t, 185))))
}

// warnedPlan is the representative plan with n warnings: the comment
// lists maxWarnings of them, after the changes table and the storage line.
func warnedPlan(t *testing.T, n int) plan.Plan {
	p := representative(t)
	for i := range n {
		p.Violations = append(p.Violations, policy.Violation{Rule: "schedule.day-of-month", Severity: policy.Warn,
			Message: "dayOfMonth 31 runs on the last day of shorter months", File: "policies/many.yaml", Line: i + 1, Policy: fmt.Sprint("P", i)})
	}
	return p
}

// An unknown format is one usage error naming the formats there are.
func TestUnknownFormat(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{second(render.Plan.Renderer("xml")), `--format "xml": use text, markdown or json`},
		{second(render.Apply.Renderer("markdown")), `--format "markdown": use text or json`},
		{second(render.Enforce.Renderer("")), `--format "": use text or json`},
		{second(render.Validate.Renderer("yaml")), `--format "yaml": use text, json or github`},
	} {
		if c.err == nil || c.err.Error() != c.want {
			t.Errorf("got %v, want %s", c.err, c.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }
