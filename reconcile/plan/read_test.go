package plan

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys/model"
	"github.com/retainctl/retainctl/reconcile/policy"
)

func samplePlan(t testing.TB) []byte {
	calls := desired("Calls", "call", 90, inbound)
	p, err := Build([]policy.Policy{calls, desired("Chat", "chat", 30)}, []model.Policy{live("1", desired("Calls", "call", 60, inbound))}, policy.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadRoundTrip(t *testing.T) {
	b := samplePlan(t)
	p, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	again, err := Replan(p, Live{Policies: []model.Policy{live("1", desired("Calls", "call", 60, inbound))}})
	if err != nil {
		t.Fatal(err)
	}
	if again.Fingerprint != p.Fingerprint {
		t.Errorf("replan of a read plan changed the fingerprint; moved: %v", Moved(p, again))
	}
	moved, _ := Replan(p, Live{Policies: []model.Policy{live("1", desired("Calls", "call", 61, inbound))}})
	if moved.Fingerprint == p.Fingerprint || len(Moved(p, moved)) != 1 {
		t.Errorf("a live change went unnoticed: %v", Moved(p, moved))
	}
}

func TestReadRejects(t *testing.T) {
	good := string(samplePlan(t))
	tests := map[string]string{
		"edited":        strings.Replace(good, `"retentionPeriod":90`, `"retentionPeriod":9`, 1),
		"unknown field": strings.Replace(good, `"version":2`, `"version":2,"extra":true`, 1),
		"version":       strings.Replace(good, `"version":2`, `"version":1`, 1),
		"strategy":      strings.Replace(good, `"strategy":"merge-max"`, `"strategy":"warn"`, 1),
		"not json":      "plan",
		"trailing":      good + "{}",
		"bad action":    strings.Replace(good, `"action":"create"`, `"action":"explode"`, 1),
	}
	for name, doc := range tests {
		if _, err := Read(strings.NewReader(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add(samplePlan(f))
	f.Add([]byte(`{"version":2,"changes":[{"action":"delete","name":"x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Read(bytes.NewReader(data))
		if err == nil {
			_ = Fingerprint(p) // a plan that reads must fingerprint
		}
	})
}
