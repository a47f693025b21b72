package main

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
)

const salesQueue = "5b7b5a0e-0d4e-4c2b-9a51-4a1f2c3d4e01"

// Names resolve against the simulator's directory: a queue by name plans
// as its id and shows the name; writing the id instead is no change; a name
// that matches nothing, or several users, is a deny at its line.
func TestNamesEndToEnd(t *testing.T) {
	inExample(t)
	write := func(value string) {
		t.Helper()
		doc := "name: Outbound sales calls - 1 year\nobjectType: call\nretentionPeriod: 365\nfilters:\n" +
			"  - {attribute: direction, operator: EQ, value: OUTBOUND}\n" +
			"  - attribute: queue\n    operator: IN\n    value:\n      - " + value + "\n"
		if err := os.WriteFile("policies/voice.yaml", []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Sales")
	_, p := planJSON(t, "--out", "plan.json")
	c := changeNamed(t, p, "Outbound sales calls - 1 year")
	if q := c.After.Filters[1].Values(); !slices.Equal(q, []string{salesQueue}) || c.Names[salesQueue] != "Sales" {
		t.Fatalf("resolved %v, names %v", q, c.Names)
	}
	doc := "name: Sales chats\nobjectType: chat\nretentionPeriod: 90\nfilters: [{attribute: queue, operator: EQ, value: Sales}]\n"
	if err := os.WriteFile("policies/sales.yaml", []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := cli(t, "plan", "--sim"); code != exitOK || !strings.Contains(out, salesQueue+" # Sales") {
		t.Errorf("the plan does not show the name beside the id: exit %d\n%s", code, out)
	}
	if err := os.Remove("policies/sales.yaml"); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := cli(t, "apply", "plan.json", "--sim"); code != exitOK {
		t.Fatalf("apply: exit %d: %s%s", code, out, errOut)
	}
	for _, same := range []string{"sales", "id:" + salesQueue, salesQueue} {
		write(same)
		_, p := planJSON(t)
		if c := changeNamed(t, p, "Outbound sales calls - 1 year"); c.Action != plan.Noop {
			t.Errorf("%q for the same queue: %s %v", same, c.Action, c.Reasons)
		}
	}

	write("Salse")
	code, p := planJSON(t)
	v := violation(p, "filter.name-unknown")
	if code != exitFailure || v == nil || v.Line != 9 || !strings.HasSuffix(v.File, "voice.yaml") || !strings.Contains(v.Message, `holds queue "Sales"`) {
		t.Fatalf("a misspelt name: exit %d, %+v", code, p.Violations)
	}

	doc = "name: Sam's calls\nobjectType: call\nretentionPeriod: 30\nfilters: [{attribute: user, operator: EQ, value: Sam Lee}]\n"
	if err := os.WriteFile("policies/sam.yaml", []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	code, p = planJSON(t)
	v = violation(p, "filter.name-ambiguous")
	if code != exitFailure || v == nil || !strings.Contains(v.Message, "sam.lee@example.com") || !strings.Contains(v.Message, "samuel.lee@example.com") {
		t.Fatalf("an ambiguous name: exit %d, %+v", code, p.Violations)
	}
	if code, _, errOut := cli(t, "apply", "--sim", "--auto-approve"); code != exitFailure || !strings.Contains(errOut, "do not resolve") {
		t.Errorf("apply with a name that does not resolve: exit %d: %s", code, errOut)
	}
}

func changeNamed(t *testing.T, p plan.Plan, name string) plan.Change {
	t.Helper()
	for _, c := range p.Changes {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no change for %q in %+v", name, p.Changes)
	return plan.Change{}
}

func violation(p plan.Plan, rule string) *policy.Violation {
	for i, v := range p.Violations {
		if v.Rule == rule {
			return &p.Violations[i]
		}
	}
	return nil
}
