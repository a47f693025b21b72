package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// yamlV3Documents is parseDocuments' yaml.v3 path without the checks: the
// non-empty documents' top nodes, or an error.
func yamlV3Documents(data []byte) ([]*yaml.Node, error) {
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
			continue
		}
		docs = append(docs, doc.Content[0])
	}
}

// sameTree says where a and b differ in what the loader reads of a node
// (everything but comments), or "".
func sameTree(a, b *yaml.Node, at string) string {
	if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value ||
		a.Line != b.Line || a.Column != b.Column || a.Anchor != b.Anchor || (a.Alias == nil) != (b.Alias == nil) {
		return fmt.Sprintf("%s: kind %v/%v style %v/%v tag %s/%s value %q/%q at %d:%d/%d:%d", at,
			a.Kind, b.Kind, a.Style, b.Style, a.Tag, b.Tag, a.Value, b.Value, a.Line, a.Column, b.Line, b.Column)
	}
	if len(a.Content) != len(b.Content) {
		return fmt.Sprintf("%s: %d children, yaml.v3 %d", at, len(a.Content), len(b.Content))
	}
	for i := range a.Content {
		if d := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", at, i)); d != "" {
			return d
		}
	}
	return ""
}

// checkFast holds fastDocuments to yaml.v3: whatever it accepts, yaml.v3
// parses to the same trees.
func checkFast(t *testing.T, data []byte) bool {
	t.Helper()
	fast, release, ok := fastDocuments(data)
	if !ok {
		return false
	}
	defer release()
	slow, err := yamlV3Documents(data)
	if err != nil {
		t.Fatalf("fast path accepted what yaml.v3 refuses (%v):\n%s", err, data)
	}
	if len(fast) != len(slow) {
		t.Fatalf("fast path: %d documents, yaml.v3 %d:\n%s", len(fast), len(slow), data)
	}
	for i := range fast {
		if d := sameTree(fast[i], slow[i], fmt.Sprintf("doc %d", i)); d != "" {
			t.Fatalf("fast path differs from yaml.v3 at %s:\n%s", d, data)
		}
	}
	return true
}

// fastSeeds are policy, settings and hold files as written in the
// repository and its fixtures, and shapes at the subset's edges.
func fastSeeds(tb testing.TB) [][]byte {
	var out [][]byte
	for _, g := range []string{"../../policies/*.y*ml", "../../policies/*/*.y*ml", "../../testdata/invalid/*/*.y*ml", "../../testdata/invalid/*/*/*.y*ml"} {
		names, _ := filepath.Glob(g)
		for _, name := range names {
			if b, err := os.ReadFile(name); err == nil {
				out = append(out, b)
			}
		}
	}
	for _, s := range []string{
		"name: A\nobjectType: call\nretentionPeriod: 30\n",
		"---\nname: A # the name\nretentionPeriod: -0\n---\n\n---\nname: B\nfilters:\n- {attribute: queue, operator: IN, value: [q1, q 2, 3]}\n-   attribute: user\n    operator: EQ\n    value: u1\n",
		"  name: Ä ö\n  tags: [ä, b]\n  schedule: {frequency: DAILY, timezone: Europe/London}\n",
		"a:\n  b:\n    c: [[x], {y: z}, []]\n  d: {}\nn: true\nm: False\nk: 12\nfilters:\n  - a: 1\n    b: 2\n  - x\n",
		"name: A\ndescription: two\n  lines\n",
		"name: A\nvalue: 0x1F\nother: 010\nfloat: 1.5\nnull: ~\nempty:\n",
		"a: [x,\n  y]\n",
		"a: {b: c,}\nd: [e, , f]\n",
		"- a\n- b\n",
		"a: b: c\n",
		"a:\n- b\n- c\nd: e\n",
		"x:\n    - a\n  - b\n",
		"key : value\n",
		"a: b\n c: d\n",
		"a:  b  \n#c\n   # d\nb:   [ x ,y ]  # e\n",
		"q: 00000000-0000-4000-8000-000000000001\nu: [5B7B5A0E-0d4e-4c2b-9a51-4a1f2c3d4e03, 12345678-1234-1234-1234-1234567890ab]\n",
		"a: 2026-12-02\nb: 1e10\nc: 1234-5678-9abc-def0-123456789abc\nd: 12345678-1234-1234-1234-1234567890abc\ne: 1_000\n",
	} {
		out = append(out, []byte(s))
	}
	return out
}

func TestFastYAMLMatchesYAMLv3(t *testing.T) {
	accepted := 0
	for _, b := range fastSeeds(t) {
		if checkFast(t, b) {
			accepted++
		}
	}
	var big strings.Builder
	for i := range 500 {
		fmt.Fprintf(&big, "---\nname: Policy %05d\nobjectType: call\nretentionPeriod: %d\nschedule: {frequency: DAILY, timezone: Europe/London}\nfilters:\n  - {attribute: queue, operator: EQ, value: q-%d}\n  - {attribute: user, operator: IN, value: [u-%d, u-1]}\n  - attribute: wrapupCode\n    operator: EQ\n    value: %08d-0000-4000-8000-000000000000\n", i, 30+i, i, i, i)
	}
	if !checkFast(t, []byte(big.String())) {
		t.Fatal("the fast path refused a file of plain policies")
	}
	if accepted < 10 {
		t.Errorf("the fast path took only %d of the seeds", accepted)
	}
}

func FuzzFastYAML(f *testing.F) {
	for _, b := range fastSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		checkFast(t, data)
	})
}
