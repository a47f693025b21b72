package policy

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// NameKey is the form under which two policy names are the same name to a
// person, and to Genesys, which compares names without regard to case:
// NFKC-normalised (so full-width and compatibility forms fold), case-folded,
// trimmed, with runs of white space as one space.
func NameKey(name string) string {
	return cases.Fold().String(strings.Join(strings.Fields(norm.NFKC.String(name)), " "))
}

// scripts are the writing systems whose letters pass for Latin ones.
var scripts = []struct {
	name  string
	table *unicode.RangeTable
}{{"Latin", unicode.Latin}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek}}

// MixedScripts names the scripts of the first word of name that mixes
// Latin, Cyrillic and Greek letters — a look-alike such as "Cаlls" with a
// Cyrillic а — or returns nil. Words in different scripts side by side
// ("Отдел продаж - calls") are fine.
func MixedScripts(name string) []string {
	for _, word := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) }) {
		var found []string
		for _, s := range scripts {
			if strings.ContainsFunc(word, func(r rune) bool { return unicode.Is(s.table, r) }) {
				found = append(found, s.name)
			}
		}
		if len(found) > 1 {
			return found
		}
	}
	return nil
}
