package github

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

var (
	fpA = "sha256:" + strings.Repeat("a", 64)
	fpB = "sha256:" + strings.Repeat("b", 64)
)

func human(i int) string { return fmt.Sprintf("LGTM %d", i) }

func TestPostPlanCreatesThenEditsInPlace(t *testing.T) {
	f, c := newTestClient(t)
	ctx := context.Background()
	f.addComments(1, 130, "alice", human) // two pages before retainctl's first comment

	res, err := c.PostPlan(ctx, PlanComment{PR: 1, Markdown: "## Plan\n1 to create\n", Fingerprint: fpA, Counts: Counts{Create: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != CommentCreated || res.CommentID == 0 || res.URL == "" {
		t.Fatalf("first plan: %+v, want a created comment", res)
	}
	f.addComments(1, 100, "bob", human) // retainctl's comment is now on page 2 of 3

	res2, err := c.PostPlan(ctx, PlanComment{PR: 1, Markdown: "## Plan\n1 to update\n", Fingerprint: fpB, Counts: Counts{Update: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if res2.Action != CommentUpdated || res2.CommentID != res.CommentID {
		t.Fatalf("second plan: %+v, want comment %d updated", res2, res.CommentID)
	}
	if n := f.count("POST", "/repos/acme/policies/issues/1/comments"); n != 1 {
		t.Errorf("%d comments created, want 1", n)
	}
	if n := f.count("PATCH", "/repos/acme/policies/issues/comments/"); n != 1 {
		t.Errorf("%d comments edited, want 1", n)
	}
	cs := f.commentsOf(1)
	if len(cs) != 231 {
		t.Fatalf("%d comments on the PR, want 231", len(cs))
	}
	ours := cs[130]
	if ours.ID != res.CommentID || !strings.HasPrefix(ours.Body, "<!-- retainctl:plan fingerprint="+fpB+" -->\n## Plan\n1 to update") {
		t.Errorf("sticky comment = %+v", ours)
	}

	res3, err := c.PostPlan(ctx, PlanComment{PR: 1, Markdown: "## Plan\n1 to update\n", Fingerprint: fpB, Counts: Counts{Update: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if res3.Action != CommentUnchanged || f.count("PATCH", "/repos/acme/policies/issues/comments/") != 1 {
		t.Errorf("same plan again: %+v; it must not edit the comment", res3)
	}
}

func TestPostPlanIgnoresMarkersByOthers(t *testing.T) {
	f, c := newTestClient(t)
	f.addComments(1, 1, "mallory", func(int) string { return "<!-- retainctl:plan fingerprint=" + fpB + " -->\nforged" })

	res, err := c.PostPlan(context.Background(), PlanComment{PR: 1, Markdown: "plan\n", Fingerprint: fpA})
	if err != nil {
		t.Fatal(err)
	}
	cs := f.commentsOf(1)
	if res.Action != CommentCreated || len(cs) != 2 || cs[0].Body != "<!-- retainctl:plan fingerprint="+fpB+" -->\nforged" {
		t.Errorf("result %+v, comments %+v: want a new comment and the forged one untouched", res, cs)
	}
}

func TestPostPlanCutsLongPlan(t *testing.T) {
	f, c := newTestClient(t)
	var b strings.Builder
	b.WriteString("## Plan: 400 to update\n\n")
	for i := 0; b.Len() < 90_000; i++ {
		fmt.Fprintf(&b, "<details><summary>Policy «%d»</summary>\n\n```diff\n", i)
		for j := range 8 {
			fmt.Fprintf(&b, "- retentionPeriod: %d ✓ ünïcødé\n+ retentionPeriod: %d\n", j, j+1)
		}
		b.WriteString("```\n</details>\n\n")
	}
	md := b.String()
	if n := utf8.RuneCountInString(md); n < 70_000 {
		t.Fatalf("test plan has %d characters, want over 70,000", n)
	}

	res, err := c.PostPlan(context.Background(), PlanComment{PR: 1, Markdown: md, Fingerprint: fpA, Counts: Counts{Update: 400}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Truncated {
		t.Error("Truncated = false")
	}
	body := f.commentsOf(1)[0].Body
	if n := utf8.RuneCountInString(body); n > commentLimit {
		t.Fatalf("body has %d characters, cap is %d", n, commentLimit)
	}
	head, note, ok := strings.Cut(body, "\n> [!WARNING]\n")
	if !ok || !strings.Contains(note, "[the workflow run](https://github.com/acme/policies/actions/runs/4242)") {
		t.Fatalf("no truncation note with the run link at the end: %q", body[len(body)-300:])
	}
	var st mdState
	for line := range strings.Lines(head) {
		st.advance(line)
	}
	if st.fence != "" || st.details != 0 {
		t.Errorf("open structures at the cut: %+v", st)
	}
	kept := strings.TrimPrefix(head, "<!-- retainctl:plan fingerprint="+fpA+" -->\n")
	kept = strings.TrimSuffix(kept, "\n</details>\n")
	kept = strings.TrimSuffix(kept, "```\n")
	if !strings.HasPrefix(md, kept) || !strings.HasSuffix(kept, "\n") {
		t.Errorf("the kept text is not a whole-line prefix of the plan; it ends %q", kept[len(kept)-80:])
	}
}

func TestPostPlanOnForkIsNotAnError(t *testing.T) {
	f, srv := newFakeGitHub(t)
	env := testEnv(srv)
	env.Event.PR.HeadRepo = "outsider/policies"
	c, err := NewClient(env, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	f.denyWrites = 403

	res, err := c.PostPlan(context.Background(), PlanComment{PR: 1, Markdown: "plan\n", Fingerprint: fpA, Destructive: true})
	if err != nil {
		t.Fatalf("PostPlan on a fork: %v", err)
	}
	if res.Action != CommentSkipped || !strings.Contains(res.Skipped, "fork outsider/policies") || !strings.Contains(res.Skipped, "403") {
		t.Errorf("Skipped = %q (action %s), want the fork explained", res.Skipped, res.Action)
	}
	if res.LabelSkipped == "" || res.Label != "" {
		t.Errorf("label: %q skipped %q, want skipped", res.Label, res.LabelSkipped)
	}
	if len(f.commentsOf(1)) != 0 {
		t.Error("a comment was stored despite the 403")
	}
}

func TestPostPlanReadOnlyTokenSameRepo(t *testing.T) {
	f, c := newTestClient(t)
	f.denyWrites = 404 // GitHub's answer to a read-only token on a private repository

	res, err := c.PostPlan(context.Background(), PlanComment{PR: 1, Markdown: "plan\n", Fingerprint: fpA})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Skipped, "pull-requests: write") || !strings.Contains(res.LabelSkipped, "issues: write") {
		t.Errorf("Skipped = %q, LabelSkipped = %q, want the permissions to grant", res.Skipped, res.LabelSkipped)
	}
}

func TestPostPlanRejectsBadInput(t *testing.T) {
	_, c := newTestClient(t)
	for _, pc := range []PlanComment{
		{PR: 0, Fingerprint: fpA},
		{PR: 1, Fingerprint: "sha256:abc"},
		{PR: 1, Fingerprint: fpA[:70] + " --> <b>"},
	} {
		if _, err := c.PostPlan(context.Background(), pc); err == nil {
			t.Errorf("PostPlan(%+v) succeeded", pc)
		}
	}
}

func TestServerErrorIsAnErrorWithoutToken(t *testing.T) {
	f, c := newTestClient(t)
	f.denyWrites = 500
	_, err := c.PostPlan(context.Background(), PlanComment{PR: 1, Markdown: "plan\n", Fingerprint: fpA})
	if err == nil || strings.Contains(err.Error(), testToken) {
		t.Fatalf("err = %v, want an error that does not show the token", err)
	}
}

func TestReviewedFingerprintReadsEveryPage(t *testing.T) {
	f, c := newTestClient(t)
	f.addComments(7, 250, "alice", human)
	f.addComments(7, 1, DefaultBotLogin, func(int) string { return "<!-- retainctl:plan fingerprint=" + fpA + " -->\nplan" })
	f.addComments(7, 1, DefaultBotLogin, func(int) string { return "<!-- retainctl:apply -->\napplied" })
	f.addComments(7, 1, "mallory", func(int) string { return "<!-- retainctl:plan fingerprint=" + fpB + " -->\nforged" })

	got, err := c.ReviewedFingerprint(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	if got != fpA {
		t.Errorf("fingerprint = %s, want %s", got, fpA)
	}
	if n := f.count("GET", "/repos/acme/policies/issues/7/comments"); n != 3 {
		t.Errorf("%d comment pages read, want 3", n)
	}
}

func TestReviewedFingerprintNotPlanned(t *testing.T) {
	f, c := newTestClient(t)
	f.addComments(7, 3, "alice", human)
	_, err := c.ReviewedFingerprint(context.Background(), 7)
	if !errors.Is(err, ErrNotPlanned) || !strings.Contains(err.Error(), "#7") {
		t.Errorf("err = %v, want ErrNotPlanned naming the PR", err)
	}
}

func TestPostApplyResultAddsNewComment(t *testing.T) {
	f, c := newTestClient(t)
	f.addComments(7, 1, DefaultBotLogin, func(int) string { return "<!-- retainctl:plan fingerprint=" + fpA + " -->\nplan" })

	res, err := c.PostApplyResult(context.Background(), 7, "## Applied\n2 updated\n")
	if err != nil {
		t.Fatal(err)
	}
	cs := f.commentsOf(7)
	if res.Action != CommentCreated || len(cs) != 2 || cs[1].ID != res.CommentID || !strings.Contains(cs[1].Body, "2 updated") {
		t.Fatalf("result %+v, comments %+v", res, cs)
	}
	if fp, err := c.ReviewedFingerprint(context.Background(), 7); err != nil || fp != fpA {
		t.Errorf("after apply, reviewed fingerprint = %q, %v; the apply comment must not count as a plan", fp, err)
	}
}

// BenchmarkPostPlanUpdate measures an in-place update on a PR with 250
// comments (three pages) against the local fake API.
func BenchmarkPostPlanUpdate(b *testing.B) {
	f, srv := newFakeGitHub(b)
	c, err := NewClient(testEnv(srv), srv.Client())
	if err != nil {
		b.Fatal(err)
	}
	f.addComments(1, 250, "alice", human)
	ctx := context.Background()
	fps := []string{fpA, fpB}
	i := 0
	for b.Loop() {
		i++
		if _, err := c.PostPlan(ctx, PlanComment{PR: 1, Markdown: "plan\n", Fingerprint: fps[i%2]}); err != nil {
			b.Fatal(err)
		}
	}
}

// A plan blocked by validation errors is posted, edits the same sticky
// comment, and can never be approved.
func TestBlockedPlanIsPostedButNotApprovable(t *testing.T) {
	f, c := newTestClient(t)
	ctx := context.Background()
	if _, err := c.PostPlan(ctx, PlanComment{PR: 7, Markdown: "## Not planned", Fingerprint: fpA}); err != nil {
		t.Fatal(err)
	}
	res, err := c.PostPlan(ctx, PlanComment{PR: 7, Markdown: "## Not planned: 1 error", Blocked: true})
	if err != nil || res.Action != CommentUpdated {
		t.Fatalf("blocked plan: %+v, %v", res, err)
	}
	if n := f.count("POST", "/repos/acme/policies/issues/7/comments"); n != 1 {
		t.Errorf("%d comments created, want the one sticky comment", n)
	}
	if _, err := c.ReviewedFingerprint(ctx, 7); err == nil || !strings.Contains(err.Error(), "blocked by validation errors") {
		t.Errorf("reviewed fingerprint of a blocked plan: %v", err)
	}
}
