package main

import (
	"strings"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/outcome"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/render"
)

// What the text reports say reads as English: a policy that keeps
// recordings is named once however many of its parts overlap, counts
// agree with their nouns, and a size that rounds to zero has no sign.
func TestTextReportsReadWell(t *testing.T) {
	var b strings.Builder
	rep := outcome.Enforce{Now: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC),
		Policies: []outcome.Policy{{Name: "Calls", Jobs: 1, KeptDays: 3650, KeptFor: []string{"Legacy support hold", "Legacy support hold"}}},
		Jobs:     []outcome.Job{{Policy: "Calls", Action: "DELETE", Outcome: outcome.JobDryRun, Conversations: 1, Recordings: 1}},
		Totals:   outcome.Totals{Jobs: 1, Succeeded: 1, Conversations: 1, Recordings: 1},
	}
	if err := write(&b, render.Enforce, rep, "text"); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"- Calls: deletes only recordings older than 3650 days: Legacy support hold keeps them that long",
		"\n1 job: 1 succeeded, 0 unsuccessful; 1 conversation, 1 recording: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("enforce report lacks %q:\n%s", want, out)
		}
	}

	b.Reset()
	p := plan.Plan{Version: plan.Version, Changes: []plan.Change{}, Fingerprint: "sha256:x"}
	p.Storage.CurrentGB, p.Storage.ProposedGB, p.Storage.DeltaGB, p.Storage.Level = 0.01, 0.0, -0.01, "LOW"
	if err := write(&b, render.Plan, p, "text"); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); strings.Contains(out, "-0.0") || !strings.Contains(out, "(0.0 GB), risk LOW") {
		t.Errorf("a shrink that rounds to zero:\n%s", out)
	}
}
