package github

import (
	"context"
	"slices"
	"testing"
)

func TestResultLabel(t *testing.T) {
	for _, tc := range []struct {
		pc   PlanComment
		want string
	}{
		{PlanComment{Counts: Counts{Noop: 4}}, LabelNoChanges},
		{PlanComment{Counts: Counts{Create: 1, Noop: 4}}, LabelChanges},
		{PlanComment{Counts: Counts{Adopt: 1}}, LabelChanges},
		{PlanComment{Counts: Counts{Delete: 1}, Destructive: true}, LabelDestructive},
		{PlanComment{Blocked: true}, LabelBlocked},
	} {
		if got := resultLabel(tc.pc); got != tc.want {
			t.Errorf("resultLabel(%+v) = %q, want %q", tc.pc, got, tc.want)
		}
	}
}

func TestPostPlanReplacesResultLabel(t *testing.T) {
	f, c := newTestClient(t)
	f.repoLabels[LabelChanges] = "1d76db"
	f.repoLabels["compliance"] = "fbca04"
	f.prLabels[1] = []string{"compliance", LabelChanges}

	res, err := c.PostPlan(context.Background(), PlanComment{PR: 1, Markdown: "plan\n", Fingerprint: fpA, Counts: Counts{Delete: 1}, Destructive: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Label != LabelDestructive {
		t.Errorf("Label = %q (skipped %q)", res.Label, res.LabelSkipped)
	}
	if got := f.prLabels[1]; !slices.Equal(got, []string{"compliance", LabelDestructive}) {
		t.Errorf("PR labels = %q", got)
	}
	if f.repoLabels[LabelDestructive] != "b60205" {
		t.Errorf("label created with colour %q, want b60205", f.repoLabels[LabelDestructive])
	}

	// Planning the same result again changes no labels.
	before := f.count("POST", "/repos/acme/policies/issues/1/labels")
	if _, err := c.PostPlan(context.Background(), PlanComment{PR: 1, Markdown: "plan\n", Fingerprint: fpA, Destructive: true}); err != nil {
		t.Fatal(err)
	}
	if after := f.count("POST", "/repos/acme/policies/issues/1/labels"); after != before {
		t.Error("label added again although present")
	}
}
