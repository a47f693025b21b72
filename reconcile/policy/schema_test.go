package policy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	opa "github.com/open-policy-agent/opa/v1/rego"
	"gopkg.in/yaml.v3"

	"github.com/retainctl/retainctl/reconcile/policy"
)

// matchSchema checks doc against the JSON Schema of kind with OPA's
// json.match_schema, the validator editors' YAML language servers agree with.
func matchSchema(t *testing.T, kind string, doc any) (bool, any) {
	t.Helper()
	schema, err := policy.Schema(kind)
	if err != nil {
		t.Fatal(err)
	}
	var s any
	if err := json.Unmarshal(schema, &s); err != nil {
		t.Fatal(err)
	}
	rs, err := opa.New(opa.Query("[ok, errs] := json.match_schema(input.doc, input.schema)"),
		opa.Input(map[string]any{"doc": doc, "schema": s})).Eval(context.Background())
	if err != nil || len(rs) != 1 {
		t.Fatalf("match_schema: %v %v", rs, err)
	}
	return rs[0].Bindings["ok"].(bool), rs[0].Bindings["errs"]
}

// yamlDocs decodes every document of a YAML file as JSON values, the way
// editors' YAML 1.2 language servers read it: 2027-06-30 is text there,
// not a timestamp.
func yamlDocs(t *testing.T, data []byte) []any {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []any
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := untimestamp(&n).Decode(&doc); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(doc)
		var v any
		_ = json.Unmarshal(b, &v)
		out = append(out, v)
	}
}

// The example organisation is valid against the schemas editors use.
func TestExamplesMatchSchema(t *testing.T) {
	files, _ := filepath.Glob("../../policies/*.y*ml")
	holds, _ := filepath.Glob("../../policies/holds/*.y*ml")
	if len(files) < 2 || len(holds) == 0 {
		t.Fatal("no example policies or holds")
	}
	for _, f := range append(files, holds...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		kind := "policy"
		switch {
		case filepath.Base(f) == policy.SettingsFile:
			kind = "settings"
		case filepath.Base(filepath.Dir(f)) == policy.HoldsDir:
			kind = "hold"
		}
		for _, doc := range yamlDocs(t, data) {
			if ok, errs := matchSchema(t, kind, doc); !ok {
				t.Errorf("%s: %v", f, errs)
			}
		}
	}
}

func TestSchemaAcceptsTimeSlotsAndDurationText(t *testing.T) {
	doc := "name: a\nobjectType: call\nretentionPeriod: 90\n" +
		"timeAllowed: {timezone: Europe/Paris, slots: [{day: MONDAY, start: \"08:00\", stop: \"09:00:00.500\"}]}\n" +
		"filters: [{attribute: duration, operator: OVER, value: PT5M, durationOperator: GT}]\n"
	if ok, errs := matchSchema(t, "policy", yamlDocs(t, []byte(doc))[0]); !ok {
		t.Errorf("schema refuses %q: %v", doc, errs)
	}
}

func TestHoldSchema(t *testing.T) {
	head := "name: m\nowner: o\nreason: r\nreviewBy: \"2027-01-01\"\n"
	if ok, errs := matchSchema(t, "hold", yamlDocs(t, []byte(head+"conversationsFile: ids.txt\n"))[0]); !ok {
		t.Errorf("schema refuses a hold with a conversationsFile: %v", errs)
	}
	for _, doc := range []string{
		head,
		head + "conversations: [nope]\n",
		head + "conversations: [3f2c9a1e-0b7d-4e55-9c1a-2d4e6f8a0b1c]\nconversationsFile: ids.txt\n",
		"name: m\nowner: o\nreason: r\nconversationsFile: ids.txt\n",
	} {
		if ok, _ := matchSchema(t, "hold", yamlDocs(t, []byte(doc))[0]); ok {
			t.Errorf("schema accepts %q", doc)
		}
	}
}

func TestSchemaRejectsMistakes(t *testing.T) {
	for _, doc := range []string{
		"name: a\nobjectType: fax\nretentionPeriod: 90\n",
		"name: a\nobjectType: call\nretentionPeriod: 90\nretention: 3\n",
		"name: a\nobjectType: call\nretentionPeriod: ninety\n",
		"name: a\nobjectType: call\nretentionPeriod: 90\nschedule: {frequency: HOURLY}\n",
		"name: a\nobjectType: call\nretentionPeriod: 90\ntimeAllowed: {slots: [{day: MONDAY, start: \"8:00\", stop: \"09:00\"}]}\n",
		"name: a\nobjectType: call\nretentionPeriod: 90\nfilters: [{attribute: queue, operator: EQ, value: q, durationOperator: GT}]\n",
	} {
		if ok, _ := matchSchema(t, "policy", yamlDocs(t, []byte(doc))[0]); ok {
			t.Errorf("schema accepts %q", doc)
		}
	}
}

func untimestamp(n *yaml.Node) *yaml.Node {
	if n.Tag == "!!timestamp" {
		n.Tag = "!!str"
	}
	for _, c := range n.Content {
		untimestamp(c)
	}
	return n
}
