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
// without invisible characters, trimmed, with runs of white space as one
// space.
func NameKey(name string) string {
	if printableASCII(name) {
		return asciiKey(name)
	}
	visible := strings.Map(func(r rune) rune {
		if Invisible(r) {
			return -1
		}
		return r
	}, norm.NFKC.String(name))
	return cases.Fold().String(strings.Join(strings.Fields(visible), " "))
}

// printableASCII reports whether s is printable ASCII alone (space to
// tilde): the usual name, which holds no invisible character, mixes no
// scripts, and which NFKC leaves as it is.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// asciiKey is NameKey of a printable ASCII name, without its allocations:
// NFKC and the invisible characters change nothing, case folding is A-Z to
// a-z, and the only white space is the space. A name already in its key's
// form is returned as it is.
func asciiKey(name string) string {
	same := len(name) > 0 && name[0] != ' ' && name[len(name)-1] != ' '
	for i := 0; same && i < len(name); i++ {
		c := name[i]
		same = !('A' <= c && c <= 'Z') && !(c == ' ' && name[i+1] == ' ')
	}
	if same || name == "" {
		return name
	}
	b := make([]byte, 0, len(name))
	for _, w := range strings.Fields(name) {
		if len(b) > 0 {
			b = append(b, ' ')
		}
		for i := 0; i < len(w); i++ {
			c := w[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
		}
	}
	return string(b)
}

// Invisible reports whether r shows nothing, or something other than
// itself, where a reviewer reads a name: control characters, format
// characters (zero-width space, soft hyphen, bidirectional overrides) and
// the other default-ignorable code points. "Calls\u200b" passes for "Calls".
func Invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
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
	// An invisible character does not end a word: "C\u200bаlls" is one.
	for _, word := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !Invisible(r) }) {
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
