package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/enforce"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/sim"
)

// simOrg opens the simulated organisation --sim keeps in the current
// directory, to look at it as the platform sees it.
func simOrg(t *testing.T) *sim.Org {
	t.Helper()
	org, err := sim.New(sim.Options{StatePath: defaultSimState})
	if err != nil {
		t.Fatal(err)
	}
	return org
}

func planJSON(t *testing.T, args ...string) (int, plan.Plan) {
	t.Helper()
	code, out, errOut := cli(t, append([]string{"plan", "--sim", "--format", "json"}, args...)...)
	var p plan.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("plan %v: exit %d, %v\n%s", args, code, err, errOut)
	}
	return code, p
}

func writeHold(t *testing.T, released bool, reviewBy string, ids []string) {
	t.Helper()
	doc := "name: ACME v. Example Corp\nowner: legal@example.com\nreason: litigation\nreviewBy: " + reviewBy + "\n"
	if released {
		doc += "released: true\n"
	}
	doc += "conversations:\n  - " + strings.Join(ids, "\n  - ") + "\n"
	if err := os.WriteFile(filepath.Join("policies", "holds", "acme-dispute.yaml"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
}

// heldChats picks three chat conversations old enough for "Web chat - 180
// days" to delete, and counts their recordings.
func heldChats(t *testing.T) ([]string, int) {
	t.Helper()
	cutoff := time.Now().AddDate(0, 0, -200)
	var ids []string
	for _, r := range simOrg(t).Recordings("chat") {
		if r.CreatedAt.Before(cutoff) && len(ids) < 3 && !slices.Contains(ids, r.ConversationID) {
			ids = append(ids, r.ConversationID)
		}
	}
	if len(ids) < 3 {
		t.Fatal("the demo organisation has too few old chats")
	}
	return ids, len(ids) // a chat conversation holds one recording
}

func enforceJSON(t *testing.T, args ...string) enforce.Report {
	t.Helper()
	code, out, errOut := cli(t, append([]string{"enforce", "--sim", "--policy", "Web chat - 180 days", "--format", "json"}, args...)...)
	var rep enforce.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitOK {
		t.Fatalf("enforce %v: exit %d, %v\n%s%s", args, code, err, out, errOut)
	}
	return rep
}

// A legal hold, end to end against the simulator: the plan protects its
// conversations, apply protects them and reads them back, a second plan
// has nothing to do; enforce's dry run counts the held recordings out, and
// the real run deletes exactly that many and none of the held; releasing
// the hold is destructive; an overdue hold blocks the plan.
func TestLegalHoldEndToEnd(t *testing.T) {
	inExample(t)
	if code, _, errOut := cli(t, "apply", "--sim", "--auto-approve"); code != exitOK {
		t.Fatalf("apply the example: exit %d: %s", code, errOut)
	}
	ids, held := heldChats(t)
	writeHold(t, false, "2027-06-30", ids)

	_, p := planJSON(t, "--out", "plan.json")
	if len(p.Holds) != 1 || !slices.Equal(p.Holds[0].Protect, slices.Sorted(slices.Values(ids))) || p.HasDestructive() {
		t.Fatalf("plan holds %+v", p.Holds)
	}
	if code, out, errOut := cli(t, "apply", "plan.json", "--sim"); code != exitOK || !strings.Contains(out, "protect") {
		t.Fatalf("apply: exit %d: %s%s", code, out, errOut)
	}
	// The example's two conversations stay protected although the hold no
	// longer names them: only released: true lets a conversation go.
	want := slices.Sorted(slices.Values(append([]string{"3f2c9a1e-0b7d-4e55-9c1a-2d4e6f8a0b1c", "7a9e4b2c-5d1f-4c3a-8e6b-0f1a2b3c4d5e"}, ids...)))
	if got := simOrg(t).Protected(); !slices.Equal(got, want) {
		t.Fatalf("protected in the organisation: %v, want %v", got, want)
	}
	if code, _, _ := cli(t, "plan", "--sim", "--detailed-exitcode"); code != exitOK {
		t.Errorf("re-plan after apply: exit %d, want no changes", code)
	}
	log, _ := os.ReadFile("audit/retainctl-audit.jsonl")
	if !strings.Contains(string(log), `"type":"hold.protected"`) || !strings.Contains(string(log), `"owner":"legal@example.com"`) {
		t.Error("the protection is not in the audit trail with its owner")
	}

	dry := enforceJSON(t, "--dry-run")
	if dry.Totals.Held != held || len(dry.Holds) != 1 || dry.Holds[0].Recordings != held {
		t.Fatalf("dry run held %d (%+v), want %d", dry.Totals.Held, dry.Holds, held)
	}
	real := enforceJSON(t)
	if real.Totals.Processed != dry.Totals.Recordings || real.Totals.Processed == 0 {
		t.Errorf("the run deleted %d recordings, the dry run said %d", real.Totals.Processed, dry.Totals.Recordings)
	}
	left := map[string]bool{}
	for _, r := range simOrg(t).Recordings("chat") {
		left[r.ConversationID] = true
	}
	for _, id := range ids {
		if !left[id] {
			t.Errorf("held conversation %s was deleted", id)
		}
	}

	writeHold(t, true, "2027-06-30", ids)
	_, p = planJSON(t)
	if len(p.Holds[0].Release) != 3 || p.Holds[0].Risk != plan.Destructive || !p.HasDestructive() {
		t.Errorf("release: %+v", p.Holds)
	}
	if _, md, _ := cli(t, "plan", "--sim", "--format", "markdown"); !strings.Contains(md, "hold ACME v. Example Corp") || !strings.Contains(md, "destructive") {
		t.Errorf("the release is not among the destructive changes:\n%s", md)
	}

	writeHold(t, false, "2026-11-30", ids)
	code, p := planJSON(t, "--now", "2026-12-01T09:00:00Z")
	if code != exitFailure || !slices.ContainsFunc(p.Violations, func(v policy.Violation) bool { return v.Rule == "hold.overdue" }) {
		t.Errorf("an overdue hold: exit %d, violations %+v", code, p.Violations)
	}
	if code, _ := planJSON(t, "--now", "2026-11-30T09:00:00Z"); code != exitOK {
		t.Errorf("on its review day the hold is still in time: exit %d", code)
	}
}

// The analytics ceiling is planned, applied and then plans to nothing.
func TestCeilingEndToEnd(t *testing.T) {
	t.Chdir(t.TempDir())
	// An organisation without the demo's ten-year policy, which the
	// platform would not let a ceiling undercut.
	if _, err := sim.New(sim.Options{StatePath: defaultSimState}); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll("policies", 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"policies/calls.yaml":     "name: Calls\nobjectType: call\nretentionPeriod: 90\n",
		"policies/retainctl.yaml": "analytics:\n  retentionDays: 400\n",
	}
	for name, src := range files {
		if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, p := planJSON(t, "--out", "plan.json")
	if c := p.Ceiling; c == nil || c.Before != 1825 || c.After != 400 || c.Risk != plan.Destructive {
		t.Fatalf("ceiling %+v", c)
	}
	if code, out, errOut := cli(t, "apply", "plan.json", "--sim"); code != exitOK {
		t.Fatalf("apply: exit %d: %s%s", code, out, errOut)
	}
	if code, out, _ := cli(t, "plan", "--sim", "--detailed-exitcode"); code != exitOK {
		t.Errorf("re-plan: exit %d\n%s", code, out)
	}
	if log, _ := os.ReadFile("audit/retainctl-audit.jsonl"); !strings.Contains(string(log), `"type":"ceiling.set"`) {
		t.Error("the ceiling change is not in the audit trail")
	}
}

// A waiver turns a custom rule's deny into a waived finding until its
// expiry, checked at a fixed --now.
func TestWaiverEndToEnd(t *testing.T) {
	inExample(t)
	rules := t.TempDir()
	rule := "package retainctl.rules.acme\n\nimport data.retainctl.lib\n\n" +
		"deny contains lib.violation(\"acme.min-chat\", p, \"chats are kept at least a year\") if {\n\tsome p in input.policies\n\tp.objectType == \"chat\"\n\tp.retentionPeriod < 365\n}\n"
	if err := os.WriteFile(filepath.Join(rules, "acme.rego"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	settings, _ := os.ReadFile("policies/retainctl.yaml")
	waiver := "waivers:\n  - {rule: acme.min-chat, policy: \"Web chat*\", owner: cx-lead@example.com, reason: contract renegotiation, expires: 2027-03-31}\n"
	if err := os.WriteFile("policies/retainctl.yaml", append(settings, waiver...), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := cli(t, "validate", "--rules", rules, "--now", "2027-03-31T12:00:00Z")
	if code != exitOK || !strings.Contains(out, "waived [acme.min-chat]") || !strings.Contains(out, "cx-lead@example.com") {
		t.Errorf("while the waiver runs: exit %d\n%s", code, out)
	}
	code, out, _ = cli(t, "validate", "--rules", rules, "--now", "2027-04-01T00:00:00Z")
	if code != exitFailure || !strings.Contains(out, "waiver expired on 2027-03-31") {
		t.Errorf("after it expires: exit %d\n%s", code, out)
	}
	if code, out, _ := cli(t, "verify", "--rules", rules, "--policies", "policies", "--now", "2027-01-01T00:00:00Z"); code != exitOK || !strings.Contains(out, "PASS waiver acme.min-chat") {
		t.Errorf("verify: exit %d\n%s", code, out)
	}
	if code, out, _ := cli(t, "verify", "--rules", rules, "--policies", "policies", "--now", "2027-05-01T00:00:00Z"); code != exitFailure || !strings.Contains(out, "expired on 2027-03-31") {
		t.Errorf("verify after the expiry: exit %d\n%s", code, out)
	}
}
