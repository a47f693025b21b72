package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/redact"
)

func TestAuditVerifyCommand(t *testing.T) {
	t.Chdir(t.TempDir())
	os.MkdirAll("policies", 0o755)
	os.WriteFile("policies/retainctl.yaml", []byte("audit: {log: out/audit.jsonl}\n"), 0o644)
	if code := execute(context.Background(), []string{"audit", "verify"}, io.Discard, io.Discard); code != exitUsage {
		t.Fatalf("no log: exit %d, want %d", code, exitUsage)
	}
	for range 2 { // two runs
		l, err := audit.Open(filepath.Join("out", "audit.jsonl"), audit.WithMasker(redact.New()), audit.WithCI(nil))
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if err := l.Record(context.Background(), audit.Event{Type: audit.PolicyCreated, Policy: "Calls", Outcome: audit.Success}); err != nil {
				t.Fatal(err)
			}
		}
		l.Close()
	}
	var out bytes.Buffer
	if code := execute(context.Background(), []string{"audit", "verify"}, &out, io.Discard); code != exitOK || !strings.Contains(out.String(), "verified: 6 events") {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	data, _ := os.ReadFile("out/audit.jsonl")
	os.WriteFile("out/audit.jsonl", bytes.Replace(data, []byte(`"policy":"Calls"`), []byte(`"policy":"Calms"`), 1), 0o600)
	var errOut bytes.Buffer
	out.Reset()
	code := execute(context.Background(), []string{"audit", "verify", "--log", "out/audit.jsonl"}, &out, &errOut)
	if code != exitFailure || !strings.Contains(errOut.String(), "first problem at log line 1") || !strings.Contains(out.String(), "line 1: was altered") {
		t.Fatalf("exit %d: %s%s", code, out.String(), errOut.String())
	}
}

// TestApplyEventsCarryProvenance: every event of an apply says how its plan
// was approved and which fingerprint; the chain holds across the two runs.
func TestApplyEventsCarryProvenance(t *testing.T) {
	policies := inExample(t)
	if code, _, errOut := cli(t, "plan", "--sim", "--policies", policies, "--out", "plan.json"); code != exitOK && code != exitChanges {
		t.Fatalf("plan: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := cli(t, "apply", "plan.json", "--sim", "--policies", policies); code != exitOK {
		t.Fatalf("apply: exit %d\n%s", code, errOut)
	}
	entries, _, err := audit.ReadLog("audit/retainctl-audit.jsonl")
	if err != nil || len(entries) < 3 {
		t.Fatalf("%d events, %v", len(entries), err)
	}
	for _, e := range entries {
		p := e.Event.Provenance
		if p == nil || p.Approval != audit.ApprovedPlanFile || p.PlanFingerprint != e.Event.PlanFingerprint && e.Event.PlanFingerprint != "" || !strings.HasPrefix(p.PlanFingerprint, "sha256:") {
			t.Fatalf("line %d (%s): provenance %+v", e.Line, e.Event.Type, p)
		}
	}
	if code, out, _ := cli(t, "audit", "verify", "--policies", policies); code != exitOK {
		t.Fatalf("verify: %s", out)
	}
}

// A log stripped of its chain fields does not verify: every edit would
// pass otherwise. --allow-legacy accepts a log from before the chain.
func TestAuditVerifyRefusesAnUnchainedLog(t *testing.T) {
	policies := inExample(t)
	if code, _, errOut := cli(t, "apply", "--sim", "--auto-approve", "--policies", policies); code != exitOK {
		t.Fatalf("apply: exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile("audit/retainctl-audit.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	stripped := regexp.MustCompile(`,"(logSeq|prevHash|chain)":("[^"]*"|[0-9]+)`).ReplaceAll(data, nil)
	if bytes.Contains(stripped, []byte(`"prevHash"`)) || len(stripped) == len(data) {
		t.Fatal("fixture: chain fields not stripped")
	}
	if err := os.WriteFile("stripped.jsonl", stripped, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := cli(t, "audit", "verify", "--log", "stripped.jsonl"); code != exitFailure || !strings.Contains(errOut, "no hash chain") {
		t.Errorf("a stripped log: exit %d: %s", code, errOut)
	}
	if code, out, _ := cli(t, "audit", "verify", "--log", "stripped.jsonl", "--allow-legacy"); code != exitOK {
		t.Errorf("--allow-legacy: exit %d: %s", code, out)
	}
}
