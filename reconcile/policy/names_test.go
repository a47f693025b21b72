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
	for _, hidden := range []string{"Calls\u200b", "Ca\u00adlls", "C\u2060alls", "Calls\ufe0f", "\u202eCalls"} {
		if NameKey(hidden) != NameKey("Calls") {
			t.Errorf("%q should read as Calls", hidden)
		}
	}
	if NameKey("Cаlls") == NameKey("Calls") { // Cyrillic а: caught as mixed script instead
		t.Error("NFKC does not fold scripts; MixedScripts catches these")
	}
}

func TestMixedScripts(t *testing.T) {
	for _, mixed := range []string{"Cаlls 90 days", "C\u200bа\u200blls"} {
		if got := MixedScripts(mixed); !slices.Equal(got, []string{"Latin", "Cyrillic"}) {
			t.Errorf("%q: Cyrillic а in a Latin word: %v", mixed, got)
		}
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
		{Name: "Foo\u200b policy", Source: Source{File: "d.yaml", Line: 1}},
	}
	got := duplicateNames(ps)
	if len(got) != 4 || got[0].Rule != "policy.duplicate-name" || !strings.Contains(got[0].Message, "a.yaml:1") ||
		got[1].Rule != "policy.mixed-script-name" || got[1].File != "c.yaml" ||
		got[2].Rule != "policy.invisible-name" || !strings.Contains(got[2].Message, "U+200B") || got[3].Rule != "policy.duplicate-name" {
		t.Errorf("%+v", got)
	}
}
