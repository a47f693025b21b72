package policy

import (
	"slices"
	"strings"
	"testing"
)

func TestNameKey(t *testing.T) {
	same := [][2]string{{"Foo policy", "foo policy"}, {"Foo  policy ", "Foo policy"}, {"Ｆｏｏ policy", "Foo policy"}, {"STRASSE", "straße"}}
	for _, p := range same {
		if NameKey(p[0]) != NameKey(p[1]) {
			t.Errorf("%q and %q should read the same", p[0], p[1])
		}
	}
	if NameKey("Cаlls") == NameKey("Calls") { // Cyrillic а: caught as mixed script instead
		t.Error("NFKC does not fold scripts; MixedScripts catches these")
	}
}

func TestMixedScripts(t *testing.T) {
	if got := MixedScripts("Cаlls 90 days"); !slices.Equal(got, []string{"Latin", "Cyrillic"}) {
		t.Errorf("Cyrillic а in a Latin word: %v", got)
	}
	for _, ok := range []string{"Calls 90 days", "Отдел продаж - calls", "Ventes – appels", "Δ calls"} {
		if got := MixedScripts(ok); got != nil {
			t.Errorf("%q: %v", ok, got)
		}
	}
}

// Names that read the same, or mix scripts to look like another, are
// refused with both positions.
func TestLookAlikeNames(t *testing.T) {
	ps := []Policy{
		{Name: "Foo policy", Source: Source{File: "a.yaml", Line: 1}},
		{Name: "foo policy ", Source: Source{File: "b.yaml", Line: 4}},
		{Name: "Cаlls", Source: Source{File: "c.yaml", Line: 1}},
	}
	got := duplicateNames(ps)
	if len(got) != 2 || got[0].Rule != "policy.duplicate-name" || !strings.Contains(got[0].Message, "a.yaml:1") ||
		got[1].Rule != "policy.mixed-script-name" || got[1].File != "c.yaml" {
		t.Errorf("%+v", got)
	}
}
