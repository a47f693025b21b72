package model

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestPolicyRecordsUnknownFields(t *testing.T) {
	body := `{"id":"p1","name":"x","excludeHolidays":true,
	  "mediaPolicies":{"callPolicy":{"conditions":{"forQueues":[{"id":"q","name":"Sales","division":{"id":"d"}}],
	    "timeAllowed":{"timeSlots":[{"day":1,"startTime":"08:00:00.000","stopTime":"09:00:00.000","weekOfMonth":2}]}},
	    "actions":{"assignEvaluations":[{"anything":1}],"purgeAfter":3}}}}`
	var p Policy
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	want := []string{ // in the order of the document
		"excludeHolidays",
		"mediaPolicies.callPolicy.conditions.timeAllowed.timeSlots[0].weekOfMonth",
		"mediaPolicies.callPolicy.actions.purgeAfter",
	}
	if !slices.Equal(p.Unknown, want) {
		t.Fatalf("unknown = %q, want %q", p.Unknown, want)
	}
	if p.MediaPolicies.CallPolicy.Conditions.ForQueues[0].ID != "q" {
		t.Fatal("known fields must still decode")
	}
}

func TestUnknownFieldsAreBounded(t *testing.T) {
	m := map[string]int{}
	for i := range 500 {
		m["x"+string(rune('a'+i%26))+string(rune('a'+i/26))] = i
	}
	data, _ := json.Marshal(m)
	var p Policy
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Unknown) != maxUnknown {
		t.Fatalf("recorded %d unknown paths, want the cap %d", len(p.Unknown), maxUnknown)
	}
}

// A key twice in one object makes the answer ambiguous: it is recorded.
func TestDuplicateKeysAreRecorded(t *testing.T) {
	var p Policy
	body := `{"id":"p","name":"x","mediaPolicies":{"callPolicy":{"conditions":{"forQueues":[{"id":"q1"}]},"conditions":{}}}}`
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Unknown, []string{"mediaPolicies.callPolicy.conditions (twice)"}) {
		t.Errorf("unknown = %q", p.Unknown)
	}
}

// A repeat among many keys is found too, past the few kept in a slice.
func TestDuplicateKeyAmongMany(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"id":"p","extra":{`)
	for i := range 50 {
		fmt.Fprintf(&b, `"k%d":%d,`, i, i)
	}
	b.WriteString(`"k40":0},"name":"x"}`)
	var p Policy
	if err := json.Unmarshal([]byte(b.String()), &p); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Unknown, []string{"extra", "extra.k40 (twice)"}) {
		t.Errorf("unknown = %q", p.Unknown)
	}
}

// Paths read as they are written, whatever the keys: a key that looks like
// an index keeps its dot, and an empty key adds none.
func TestUnknownPathsOfOddKeys(t *testing.T) {
	for body, want := range map[string][]string{
		`{"id":"p","mediaPolicies":{"[x":1}}`: {"mediaPolicies.[x"},
		`{"id":"p","":{"a":1,"a":2}}`:         {"", "a (twice)"},
		`{"id":"p","mediaPolicies":{"callPolicy":{"conditions":{"forQueues":[{"id":"q"},{"id":"r","x":{"y":1}}]},"zz":[[1]]}}}`: {"mediaPolicies.callPolicy.zz"},
	} {
		var p Policy
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Unknown, want) {
			t.Errorf("%s: unknown = %q, want %q", body, p.Unknown, want)
		}
	}
}
