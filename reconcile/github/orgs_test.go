package github

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// orgClient is a client for organisation org of the same fake.
func orgClient(t *testing.T, base Env, org string) *Client {
	t.Helper()
	env := base
	env.Org = org
	c, err := NewClient(env, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Two organisations planned on one pull request get a comment each, their
// markers naming them, each edited in place by its own next plan; the one
// label says the worst of them; and each organisation's apply is approved
// by its own comment only.
func TestTwoOrganisationsTwoComments(t *testing.T) {
	f, base := newTestClient(t)
	ctx := context.Background()
	eu, us := orgClient(t, base.env, "eu"), orgClient(t, base.env, "us")
	euPlan := planOf(t, []policy.Policy{calls60, chat30, email60}, live0) // shorter: destructive
	usPlan := planOf(t, []policy.Policy{calls90, chat45, email60}, live0)
	if _, err := eu.PostPlan(ctx, PlanCommentOf(1, euPlan, "## retainctl plan\n\neu\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := us.PostPlan(ctx, PlanCommentOf(1, usPlan, "## retainctl plan\n\nus\n")); err != nil {
		t.Fatal(err)
	}
	cs := f.commentsOf(1)
	if len(cs) != 2 {
		t.Fatalf("want a comment per organisation, got %d", len(cs))
	}
	for i, org := range []string{"eu", "us"} {
		if !strings.HasPrefix(cs[i].Body, "<!-- retainctl:plan org="+org+" fingerprint=") || !strings.Contains(cs[i].Body, "## retainctl plan — organisation `"+org+"`") {
			t.Errorf("comment of %s: %q", org, cs[i].Body[:min(200, len(cs[i].Body))])
		}
	}
	if got := f.prLabels[1]; !slices.Equal(got, []string{LabelDestructive}) {
		t.Errorf("the label says the worst organisation: %v", got)
	}
	// us plans again: its comment is edited, eu's left alone, and the
	// label stays destructive (eu's), not us's "changes".
	usPlan2 := planOf(t, []policy.Policy{calls90, chat45, email60, pol("Sms", "sms", 10)}, live0)
	if res, err := us.PostPlan(ctx, PlanCommentOf(1, usPlan2, "## retainctl plan\n\nus again\n")); err != nil || res.Action != CommentUpdated {
		t.Fatalf("%+v %v", res, err)
	}
	if cs2 := f.commentsOf(1); len(cs2) != 2 || cs2[0].Body != cs[0].Body || !strings.Contains(cs2[1].Body, "us again") {
		t.Errorf("after us planned again: %v", cs2)
	}
	if got := f.prLabels[1]; !slices.Equal(got, []string{LabelDestructive}) {
		t.Errorf("label after us planned again: %v", got)
	}
	// The single-organisation client sees neither as its plan.
	if _, err := base.ReviewedPlan(ctx, 1); !errors.Is(err, ErrNotPlanned) {
		t.Errorf("a repository of one organisation took an organisation's comment: %v", err)
	}
	// Merge: each organisation's apply compares against its own comment.
	euM := mergedPR(t, f, clientAt(t, f, eu.env, "m1"), 1, "m1", "")
	if err := euM.Approve(ctx, euPlan); err != nil {
		t.Errorf("eu's plan, eu's comment: %v", err)
	}
	usM := mergedPR(t, f, clientAt(t, f, us.env, "m1"), 1, "m1", "")
	var stale *StalePlanError
	if err := usM.Approve(ctx, euPlan); !errors.As(err, &stale) {
		t.Errorf("us approved with eu's plan: %v", err)
	}
	if err := usM.Approve(ctx, usPlan2); err != nil {
		t.Errorf("us's plan, us's comment: %v", err)
	}
	last := f.commentsOf(1)[len(f.commentsOf(1))-1].Body
	if !strings.HasPrefix(last, "<!-- retainctl:apply-refused org=us -->") || !strings.Contains(last, "apply refused — organisation `us`") {
		t.Errorf("us's refusal: %q", last[:min(200, len(last))])
	}
	// eu's result is eu's: us is still to apply.
	if err := euM.Report(ctx, "## retainctl apply\n\n**1 applied**\n"); err != nil {
		t.Fatal(err)
	}
	if r, _ := eu.ReviewedPlan(ctx, 1); !r.Applied {
		t.Error("eu's result does not count as eu's")
	}
	if r, _ := us.ReviewedPlan(ctx, 1); r.Applied {
		t.Error("eu's result counted as us's")
	}
	if err := CheckOrg("eu west"); err == nil {
		t.Error("an organisation name with a space passed")
	}
}

// The drift check opens an issue, updates that same issue while the drift
// changes, leaves other issues alone, and closes it when the drift is
// gone; each organisation has its own.
func TestDriftIssue(t *testing.T) {
	f, c := newTestClient(t)
	ctx := context.Background()
	c.env.Event = Event{Name: "schedule"}
	// Someone's own issue with the label and even the marker is not ours.
	f.addIssue(fakeIssue{Title: "drift?", Body: driftMarker + "\nforged", State: "open", Labels: []string{LabelDrift}, Author: "mallory"})
	res, err := c.ReportDrift(ctx, false, "")
	if err != nil || res.Action != DriftNone {
		t.Fatalf("no drift, no issue: %+v %v", res, err)
	}
	res, err = c.ReportDrift(ctx, true, "## retainctl plan\n\nupdate Calls\n")
	if err != nil || res.Action != DriftOpened {
		t.Fatalf("drift: %+v %v", res, err)
	}
	opened := res.Number
	if res, err = c.ReportDrift(ctx, true, "## retainctl plan\n\nupdate Calls\n"); err != nil || res.Action != DriftUnchanged || res.Number != opened {
		t.Errorf("same drift: %+v %v", res, err)
	}
	if res, err = c.ReportDrift(ctx, true, "## retainctl plan\n\nupdate Calls, delete Chat\n"); err != nil || res.Action != DriftUpdated || res.Number != opened {
		t.Errorf("more drift: %+v %v", res, err)
	}
	eu := orgClient(t, c.env, "eu")
	if res, err := eu.ReportDrift(ctx, true, "eu drift"); err != nil || res.Action != DriftOpened || res.Number == opened {
		t.Errorf("eu's drift: %+v %v", res, err)
	}
	is := f.issuesNow()
	if len(is) != 3 || is[1].State != "open" || !strings.Contains(is[1].Body, "delete Chat") || !slices.Contains(is[1].Labels, LabelDrift) ||
		!strings.HasPrefix(is[2].Body, "<!-- retainctl:drift org=eu -->\n") || !strings.Contains(is[2].Title, "organisation eu") {
		t.Fatalf("issues: %+v", is)
	}
	if _, ok := f.repoLabels[LabelDrift]; !ok {
		t.Error("the drift label was not created")
	}
	if res, err = c.ReportDrift(ctx, false, ""); err != nil || res.Action != DriftClosed || res.Number != opened {
		t.Fatalf("drift gone: %+v %v", res, err)
	}
	is = f.issuesNow()
	if is[1].State != "closed" || is[1].StateReason != "completed" || is[0].State != "open" || is[2].State != "open" {
		t.Errorf("after the drift went: %+v", is)
	}
	if cs := f.commentsOf(opened); len(cs) != 1 || !strings.Contains(cs[0].Body, "drift is gone") || !strings.Contains(cs[0].Body, "runs/4242") {
		t.Errorf("closing comment: %+v", cs)
	}
	// A token without issues: write is no failure; it says what to grant.
	f.mu.Lock()
	f.denyWrites = 403
	f.mu.Unlock()
	if res, err = c.ReportDrift(ctx, true, "x"); err != nil || res.Action != DriftSkipped || !strings.Contains(res.Skipped, "issues: write") {
		t.Errorf("read-only token: %+v %v", res, err)
	}
}
