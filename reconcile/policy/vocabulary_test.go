package policy

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func sorted[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	slices.Sort(out)
	return out
}

// The rules' data (rego/data.json) says what the Go tables say.
func TestRulesDataAgreesWithTheVocabulary(t *testing.T) {
	var data struct {
		Retainctl struct {
			ObjectTypes      []string `json:"objectTypes"`
			MaxRetentionDays int      `json:"maxRetentionDays"`
			LimitCeiling     Limits   `json:"limitCeiling"`
			Filters          map[string]struct {
				Operators   []string `json:"operators"`
				ObjectTypes []string `json:"objectTypes"`
				Condition   string   `json:"condition"`
			} `json:"filters"`
		} `json:"retainctl"`
	}
	readJSON(t, "../../rego/data.json", &data)
	d := data.Retainctl
	if want := sorted(ObjectTypes); !slices.Equal(sorted(d.ObjectTypes), want) {
		t.Errorf("data.json objectTypes %v, vocabulary %v", d.ObjectTypes, want)
	}
	if d.MaxRetentionDays != MaxRetentionDays {
		t.Errorf("data.json maxRetentionDays %d, vocabulary %d", d.MaxRetentionDays, MaxRetentionDays)
	}
	if d.LimitCeiling != LimitCeiling {
		t.Errorf("data.json limitCeiling %+v, Go %+v", d.LimitCeiling, LimitCeiling)
	}
	if len(d.Filters) != len(Filters) {
		t.Errorf("data.json has %d filter attributes, the vocabulary %d", len(d.Filters), len(Filters))
	}
	for _, spec := range Filters {
		got, ok := d.Filters[string(spec.Attribute)]
		switch {
		case !ok:
			t.Errorf("data.json lacks the filter attribute %s", spec.Attribute)
		case !slices.Equal(got.Operators, spec.Operators), !slices.Equal(sorted(got.ObjectTypes), sorted(spec.ObjectTypes)), got.Condition != spec.Condition:
			t.Errorf("filter %s: data.json %+v, vocabulary %+v", spec.Attribute, got, spec)
		}
	}
}

type enum struct {
	Enum []string `json:"enum"`
}

// The JSON Schemas editors use say what the Go tables say.
func TestSchemasAgreeWithTheVocabulary(t *testing.T) {
	var pol struct {
		Properties struct {
			ObjectType enum `json:"objectType"`
		} `json:"properties"`
		Defs struct {
			Schedule struct {
				Properties struct {
					Frequency enum `json:"frequency"`
				} `json:"properties"`
			} `json:"schedule"`
			Filter struct {
				Properties struct {
					Attribute enum `json:"attribute"`
					Operator  enum `json:"operator"`
				} `json:"properties"`
			} `json:"filter"`
		} `json:"$defs"`
	}
	readJSON(t, "schema/policy.schema.json", &pol)
	var settings struct {
		Properties struct {
			Conflicts struct {
				Properties struct {
					Strategy enum `json:"strategy"`
				} `json:"properties"`
			} `json:"conflicts"`
		} `json:"properties"`
	}
	readJSON(t, "schema/settings.schema.json", &settings)
	var attrs []Attribute
	var ops []string
	for _, f := range Filters {
		attrs = append(attrs, f.Attribute)
		for _, op := range f.Operators {
			if !slices.Contains(ops, op) {
				ops = append(ops, op)
			}
		}
	}
	for _, c := range []struct {
		what        string
		schema, got []string
	}{
		{"objectType", pol.Properties.ObjectType.Enum, sorted(append(slices.Clone(ObjectTypes), SMS))},
		{"schedule.frequency", pol.Defs.Schedule.Properties.Frequency.Enum, sorted(Frequencies)},
		{"filter attribute", pol.Defs.Filter.Properties.Attribute.Enum, sorted(attrs)},
		{"filter operator", pol.Defs.Filter.Properties.Operator.Enum, sorted(ops)},
		{"conflicts.strategy", settings.Properties.Conflicts.Properties.Strategy.Enum, sorted(Strategies)},
	} {
		if s := sorted(c.schema); !slices.Equal(s, c.got) {
			t.Errorf("%s: schema %v, vocabulary %v", c.what, s, c.got)
		}
	}
}
