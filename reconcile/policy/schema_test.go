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

// yamlDocs decodes every document of a YAML file as JSON values.
func yamlDocs(t *testing.T, data []byte) []any {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []any
	for {
		var doc any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
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
	if len(files) < 2 {
		t.Fatal("no example policies")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		kind := "policy"
		if filepath.Base(f) == policy.SettingsFile {
			kind = "settings"
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
