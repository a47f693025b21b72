package github

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

func pol(name string, media policy.ObjectType, days policy.Retention) policy.Policy {
	return policy.Policy{Name: name, ObjectType: media, RetentionPeriod: days}
}

// orgOf is the organisation holding exactly ds, as retainctl writes them.
func orgOf(ds ...policy.Policy) plan.Live {
	var ps []model.Policy
	for _, d := range ds {
		g := mapping.ToAPI(d, nil)
		g.ID = "id-" + d.Name
		ps = append(ps, g)
	}
	return plan.Live{Policies: ps}
}

func planOf(t *testing.T, ds []policy.Policy, l plan.Live) plan.Plan {
	t.Helper()
	p, err := plan.Make(policy.Repo{Policies: ds, Settings: policy.DefaultSettings()}, l)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var (
	calls90, calls60 = pol("Calls", "call", 90), pol("Calls", "call", 60)
	chat30, chat45   = pol("Chat", "chat", 30), pol("Chat", "chat", 45)
	email60, email30 = pol("Email", "email", 60), pol("Email", "email", 30)
	live0            = orgOf(calls90, chat30, email60)
)

// postReviewed posts p as the plan comment of pr, as the plan job does.
func postReviewed(t *testing.T, c *Client, pr int, p plan.Plan) {
	t.Helper()
	if _, err := c.PostPlan(context.Background(), PlanCommentOf(pr, p, "## retainctl plan\n")); err != nil {
		t.Fatal(err)
	}
}

// mergedPR is the apply side of a merge of pr as sha.
func mergedPR(t *testing.T, f *fakeGitHub, c *Client, pr int, sha, at string) *MergedPR {
	t.Helper()
	f.mu.Lock()
	f.pulls[sha] = []fakePR{{Number: pr, Merged: true, MergeCommitSHA: sha, MergedAt: at}}
	f.state[pr] = "merged"
	f.closed = append([]fakePR{{Number: pr, Merged: true, MergeCommitSHA: sha, MergedAt: at}}, f.closed...)
	f.mu.Unlock()
	m, err := c.MergedPR(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func clientAt(t *testing.T, f *fakeGitHub, base Env, sha string) *Client {
	t.Helper()
	env := base
	env.SHA = sha
	env.Event = Event{Name: "push", Push: &Push{After: sha, Ref: "refs/heads/main"}}
	c, err := NewClient(env, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMarkerRecordsItems(t *testing.T) {
	f, c := newTestClient(t)
	p := planOf(t, []policy.Policy{calls60, chat30, email60}, live0)
	postReviewed(t, c, 1, p)
	body := f.commentsOf(1)[0].Body
	want := "<!-- retainctl:plan fingerprint=" + p.Fingerprint + " items=" + strings.Join(plan.Items(p), ",") + " -->\n"
	if !strings.HasPrefix(body, want) {
		t.Fatalf("marker: %q, want %q", body[:min(len(body), 200)], want)
	}
	r, err := c.ReviewedPlan(context.Background(), 1)
	if err != nil || r.Fingerprint != p.Fingerprint || strings.Join(r.Items, ",") != strings.Join(plan.Items(p), ",") || r.Applied {
		t.Errorf("ReviewedPlan = %+v, %v", r, err)
	}
	bad := PlanCommentOf(1, p, "x")
	bad.Items = []string{"-->", "<b>"}
	if _, err := c.PostPlan(context.Background(), bad); err == nil {
		t.Error("an item key that could close the marker was accepted")
	}
}

// A re-run of the plan job after merge (or on a closed pull request)
// never edits the comment reviewers approved, nor its label.
func TestPlanOfMergedPullRequestNeverEditsTheComment(t *testing.T) {
	f, c := newTestClient(t)
	ctx := context.Background()
	approved := planOf(t, []policy.Policy{calls60, chat30, email60}, live0)
	postReviewed(t, c, 1, approved)
	before := f.commentsOf(1)[0].Body
	labels := f.prLabels[1]
	for _, state := range []string{"merged", "closed"} {
		f.state[1] = state
		// The old merge commit, planned against the organisation after
		// another pull request applied: it would revert that one.
		rerun := planOf(t, []policy.Policy{calls60, chat30, email60}, orgOf(calls90, chat45, email60))
		res, err := c.PostPlan(ctx, PlanCommentOf(1, rerun, "## retainctl plan\nreverts Chat\n"))
		if err != nil {
			t.Fatal(err)
		}
		if res.Action != CommentSkipped || !strings.Contains(res.Skipped, "#1 is "+state) || !strings.Contains(res.Skipped, "open a new pull request") {
			t.Errorf("%s: %+v", state, res)
		}
		if cs := f.commentsOf(1); len(cs) != 1 || cs[0].Body != before {
			t.Errorf("%s: the approved comment changed: %+v", state, cs)
		}
		if strings.Join(f.prLabels[1], ",") != strings.Join(labels, ",") {
			t.Errorf("%s: labels %v, were %v", state, f.prLabels[1], labels)
		}
	}
	if n := f.count("PATCH", "/repos/acme/policies/issues/comments/"); n != 0 {
		t.Errorf("%d edits", n)
	}
}

// Pull request 11 is merged; its apply waits behind a running one and is
// dropped when pull request 12 is merged (GitHub keeps one pending run per
// concurrency group). Apply for 12 plans main — both changes — and is
// approved by the two plans together; both pull requests are told. A
// re-run of 11's apply then finds nothing to do: already applied.
func TestSupersededApplyIsCarried(t *testing.T) {
	f, srv := newFakeGitHub(t)
	base := testEnv(srv)
	ctx := context.Background()
	pr, err := NewClient(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	p11 := planOf(t, []policy.Policy{calls60, chat30, email60}, live0)
	p12 := planOf(t, []policy.Policy{calls90, chat45, email60}, live0)
	postReviewed(t, pr, 11, p11)
	postReviewed(t, pr, 12, p12)
	mergedPR(t, f, clientAt(t, f, base, "m11"), 11, "m11", "2026-03-03T10:00:00Z") // its apply run is dropped
	m := mergedPR(t, f, clientAt(t, f, base, "m12"), 12, "m12", "2026-03-03T10:01:00Z")
	fresh := planOf(t, []policy.Policy{calls60, chat45, email60}, live0)
	if err := m.Approve(ctx, fresh); err != nil {
		t.Fatalf("the merged main's plan is approved by #11 and #12 together: %v", err)
	}
	if got := m.Carried(); len(got) != 1 || got[0] != 11 {
		t.Fatalf("carried %v, want [11]", got)
	}
	if err := m.Report(ctx, "## retainctl apply\n\n**2 applied**\n"); err != nil {
		t.Fatal(err)
	}
	c12, c11 := f.commentsOf(12), f.commentsOf(11)
	if last := c12[len(c12)-1].Body; !strings.HasPrefix(last, applyMarker) || !strings.Contains(last, "also applied the approved changes of #11") || !strings.Contains(last, "one pending run per concurrency group") {
		t.Errorf("#12's result: %s", last)
	}
	if last := c11[len(c11)-1].Body; !strings.HasPrefix(last, applyMarker) || !strings.Contains(last, "applied by [the apply run](https://github.com/acme/policies/actions/runs/4242) of #12") || !strings.Contains(last, "2 applied") {
		t.Errorf("#11's result: %s", last)
	}

	// Someone re-runs #11's apply: the organisation already is main.
	again := mergedPR(t, f, clientAt(t, f, base, "m11"), 11, "m11", "2026-03-03T10:00:00Z")
	after := orgOf(calls60, chat45, email60)
	if err := again.Approve(ctx, planOf(t, []policy.Policy{calls60, chat45, email60}, after)); err != nil {
		t.Fatalf("re-running an applied merge: %v", err)
	}
	if err := again.Report(ctx, "## retainctl apply\n\nNo changes.\n"); err != nil {
		t.Fatal(err)
	}
	c11 = f.commentsOf(11)
	if last := c11[len(c11)-1].Body; !strings.Contains(last, "Already applied") || strings.Contains(last, "stale") {
		t.Errorf("re-run result: %s", last)
	}
}

// The organisation changed by hand after the review: the plan of main is
// no plan anybody approved. Apply refuses, and the pull request is told
// what moved and what to do, with secrets masked.
func TestRefusedApplyCommentsOnThePullRequest(t *testing.T) {
	f, srv := newFakeGitHub(t)
	base := testEnv(srv)
	ctx := context.Background()
	pr, _ := NewClient(base, nil)
	postReviewed(t, pr, 13, planOf(t, []policy.Policy{calls90, chat30, email30}, live0))
	m := mergedPR(t, f, clientAt(t, f, base, "m13"), 13, "m13", "")
	m.Mask = func(s string) string { return strings.ReplaceAll(s, "Email", "***") }
	byHand := orgOf(calls90, chat30, pol("Email", "email", 40))
	err := m.Approve(ctx, planOf(t, []policy.Policy{calls90, chat30, email30}, byHand))
	var stale *StalePlanError
	if !errors.As(err, &stale) || !strings.Contains(err.Error(), "update Email: not approved as it stands now") {
		t.Fatalf("err = %v", err)
	}
	cs := f.commentsOf(13)
	last := cs[len(cs)-1].Body
	for _, want := range []string{refusedMarker, "apply refused", "Nothing was changed", "update ***", "open a new pull request from the current main", "runs/4242"} {
		if !strings.Contains(last, want) {
			t.Errorf("refusal comment lacks %q:\n%s", want, last)
		}
	}
	if strings.Contains(last, "Email") {
		t.Error("a masked value reached the refusal comment")
	}
	if r, _ := pr.ReviewedPlan(ctx, 13); r.Applied {
		t.Error("a refusal counts as an apply result")
	}
}

// Two pull requests change the same policy. The second one's approval is
// of a change from the policy as it was before the first: it does not
// approve the change main now makes, so its apply is refused, with a
// comment; and a plan that would revert the first does not count in part.
func TestSamePolicyTwiceRefusesTheSecond(t *testing.T) {
	f, srv := newFakeGitHub(t)
	base := testEnv(srv)
	ctx := context.Background()
	pr, _ := NewClient(base, nil)
	calls60arch := calls60
	calls60arch.ArchiveAfter = 30
	calls90arch := calls90
	calls90arch.ArchiveAfter = 30
	postReviewed(t, pr, 21, planOf(t, []policy.Policy{calls60, chat30, email60}, live0))
	postReviewed(t, pr, 22, planOf(t, []policy.Policy{calls90arch, chat30, email60}, live0))
	mergedPR(t, f, clientAt(t, f, base, "m21"), 21, "m21", "2026-03-03T10:00:00Z")
	_, _ = pr.PostApplyResult(ctx, 21, "applied") // #21's apply ran
	afterFirst := orgOf(calls60, chat30, email60)
	m := mergedPR(t, f, clientAt(t, f, base, "m22"), 22, "m22", "2026-03-03T10:05:00Z")
	err := m.Approve(ctx, planOf(t, []policy.Policy{calls60arch, chat30, email60}, afterFirst))
	if err == nil || !strings.Contains(err.Error(), "update Calls") {
		t.Fatalf("err = %v", err)
	}
	cs := f.commentsOf(22)
	if !strings.HasPrefix(cs[len(cs)-1].Body, refusedMarker) {
		t.Errorf("no refusal comment on #22: %s", cs[len(cs)-1].Body)
	}
}
