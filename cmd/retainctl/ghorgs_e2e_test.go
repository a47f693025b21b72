package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two organisations on one pull request, as the reusable workflows run
// them: `retainctl orgs` lists the matrix, each organisation's plan job
// posts its own comment, and each organisation's apply on merge is
// approved by its own comment only.
func TestGitHubTwoOrganisations(t *testing.T) {
	fixtures, err := filepath.Abs("../../testdata/github")
	if err != nil {
		t.Fatal(err)
	}
	twoOrgs(t)
	g := newFakeGitHub(t)
	code, out, errOut := cli(t, "orgs")
	var matrix struct {
		Include []struct{ Org, Policies, ClientIDEnv, Suffix string }
	}
	if err := json.Unmarshal([]byte(out), &matrix); code != exitOK || err != nil || len(matrix.Include) != 2 {
		t.Fatalf("orgs: exit %d: %s %s", code, out, errOut)
	}
	if eu := matrix.Include[0]; eu.Org != "eu" || eu.Policies != "orgs/eu" || eu.ClientIDEnv != "EU_ID" || eu.Suffix != "EU" {
		t.Errorf("matrix entry: %+v", eu)
	}
	actions(t, g, "pull_request", filepath.Join(fixtures, "pull_request_same_repo.json"))
	for _, org := range []string{"eu", "us"} {
		if code, _, errOut := cli(t, "plan", "--github", "--org", org); code != exitOK {
			t.Fatalf("plan --github --org %s: exit %d: %s", org, code, errOut)
		}
	}
	// A second push re-plans eu: its comment is edited, not added.
	if code, _, errOut := cli(t, "plan", "--github", "--org", "eu"); code != exitOK {
		t.Fatalf("plan again: exit %d: %s", code, errOut)
	}
	bodies := g.bodies()
	if len(bodies) != 2 {
		t.Fatalf("want a comment per organisation, got %d", len(bodies))
	}
	for i, org := range []string{"eu", "us"} {
		if !strings.HasPrefix(bodies[i], "<!-- retainctl:plan org="+org+" fingerprint=sha256:") || !strings.Contains(bodies[i], "organisation `"+org+"`") {
			t.Errorf("comment %d: %.200s", i, bodies[i])
		}
	}
	if strings.Contains(bodies[0], "us-secret") || strings.Contains(bodies[1], "eu-secret") {
		t.Error("a credential reached a comment")
	}
	// --org and RETAINCTL_ORG naming different organisations is refused.
	t.Setenv("RETAINCTL_ORG", "us")
	if code, _, errOut := cli(t, "plan", "--github", "--org", "eu"); code == exitOK || !strings.Contains(errOut, "different organisations") {
		t.Errorf("--org eu with RETAINCTL_ORG=us: exit %d: %s", code, errOut)
	}

	g.mu.Lock()
	g.merged = true
	g.mu.Unlock()
	actions(t, g, "push", filepath.Join(fixtures, "push_main.json"))
	// The apply job of us, misconfigured to read eu's comment, is refused
	// before anything is applied.
	t.Setenv("RETAINCTL_ORG", "eu")
	if code, _, errOut := cli(t, "apply", "--github", "--org", "us"); code == exitOK || !strings.Contains(errOut, "different organisations") {
		t.Fatalf("us applied on eu's approval: exit %d: %s", code, errOut)
	}
	for _, org := range []string{"eu", "us"} {
		t.Setenv("RETAINCTL_ORG", org)
		if code, _, errOut := cli(t, "apply", "--github", "--org", org); code != exitOK {
			t.Fatalf("apply --github --org %s: exit %d: %s", org, code, errOut)
		}
		b := g.bodies()
		if last := b[len(b)-1]; !strings.HasPrefix(last, "<!-- retainctl:apply org="+org+" -->") || !strings.Contains(last, "retainctl apply — organisation `"+org+"`") {
			t.Errorf("apply result of %s: %.300s", org, last)
		}
		if code, _, _ := cli(t, "plan", "--org", org, "--detailed-exitcode"); code != exitOK {
			t.Errorf("organisation %s still has changes after its apply", org)
		}
	}
}

// The scheduled drift check opens an issue listing the drift, updates the
// same issue on the next run, and closes it once the organisation matches.
func TestGitHubDriftIssue(t *testing.T) {
	inExample(t)
	g := newFakeGitHub(t)
	actions(t, g, "schedule", "")
	t.Setenv("RETAINCTL_MASK", "Website chat transcripts") // words of an example description
	for range 2 {
		code, out, errOut := cli(t, "drift", "--sim", "--github")
		if code != exitChanges || !strings.Contains(out, "::error title=Drift::") {
			t.Fatalf("drift: exit %d: %s %s", code, out, errOut)
		}
	}
	g.mu.Lock()
	issues := len(g.issues)
	first := g.issues[0]
	g.mu.Unlock()
	body, _ := first["body"].(string)
	if issues != 1 || first["state"] != "open" || !strings.HasPrefix(body, "<!-- retainctl:drift -->\n") || !strings.Contains(body, "**Drift:**") {
		t.Fatalf("want one open drift issue, got %d: %.300s", issues, body)
	}
	if strings.Contains(body, "Website chat transcripts") || !strings.Contains(body, "***") {
		t.Error("a RETAINCTL_MASK value reached the drift issue")
	}
	if summary, _ := os.ReadFile(os.Getenv("GITHUB_STEP_SUMMARY")); !strings.Contains(string(summary), "**Drift:**") {
		t.Errorf("job summary: %.300s", summary)
	}
	if code, _, errOut := cli(t, "apply", "--sim", "--auto-approve"); code != exitOK {
		t.Fatalf("apply: exit %d: %s", code, errOut)
	}
	if code, out, errOut := cli(t, "drift", "--sim", "--github"); code != exitOK || !strings.Contains(out, "::notice title=No drift::") {
		t.Fatalf("drift after apply: exit %d: %s %s", code, out, errOut)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.issues) != 1 || g.issues[0]["state"] != "closed" || len(g.notes[100]) != 1 || !strings.Contains(g.notes[100][0], "drift is gone") {
		t.Errorf("after the drift went: %v, notes %v", g.issues, g.notes)
	}
}
