package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Limits on untrusted YAML.
const (
	MaxFileSize = 1 << 20 // bytes per file
	MaxDepth    = 16      // nesting of mappings and lists; policies need 5
)

// ParsePolicies decodes the policy documents of one file. It returns the
// policies that decoded cleanly and the problems of the others.
func ParsePolicies(file string, data []byte) ([]Policy, []Problem) {
	docs, problems, release := parseDocumentsReleasing(file, data)
	defer release() // the policies keep the nodes' strings, never a node
	var out []Policy
	var segs []segment // the decoders' path stack, one for the file
	var kl keyLiner
	for _, n := range docs {
		d := decoder{file: file, root: "the policy", policy: policyName(n), segs: segs[:0]}
		var p Policy
		d.value(n, reflect.ValueOf(&p).Elem(), "")
		segs = d.segs
		problems = append(problems, d.problems...)
		if d.typeErrors() {
			continue // a half-read policy would only add misleading findings
		}
		if p.ObjectType == "sms" {
			p.ObjectType = Message
		}
		p.Source = Source{File: file, Line: n.Line, Lines: kl.lines(n)}
		problems = append(problems, repeatedFilters(p)...)
		out = append(out, p)
	}
	return out, problems
}

// repeatedFilters reports a filter attribute written twice in one policy:
// Genesys has one condition per attribute, so one would silently replace the
// other. (A structural check, like a repeated key, so it is made here.)
func repeatedFilters(p Policy) []Problem {
	seen := map[Attribute]bool{}
	var out []Problem
	for i, f := range p.Filters {
		if seen[f.Attribute] {
			out = append(out, Problem{Rule: "filter.duplicate", File: p.Source.File, Policy: p.Name,
				Line:    p.Source.LineOf(fmt.Sprintf("filters[%d].attribute", i)),
				Message: fmt.Sprintf("filter attribute %s appears more than once: combine the values into one IN filter", f.Attribute)})
		}
		seen[f.Attribute] = true
	}
	return out
}

// ParseSettings decodes retainctl.yaml over DefaultSettings. With problems it
// returns the defaults, so that rules still run with sane settings.
func ParseSettings(file string, data []byte) (Settings, []Problem) {
	s := DefaultSettings()
	s.Source = Source{File: file, Line: 1}
	docs, problems := parseDocuments(file, data)
	switch {
	case len(problems) > 0:
		return s, problems
	case len(docs) == 0:
		return s, nil
	case len(docs) > 1:
		return s, []Problem{{Rule: "yaml.syntax", Message: "the settings file must hold one YAML document", File: file, Line: docs[1].Line}}
	}
	d := decoder{file: file, root: "the settings"}
	d.value(docs[0], reflect.ValueOf(&s).Elem(), "")
	if d.typeErrors() {
		def := DefaultSettings()
		def.Source = s.Source
		return def, d.problems
	}
	s.Lines = keyLines(docs[0], "", nil)
	return s, d.problems
}

// parseDocuments checks encoding, syntax, aliases and depth, and returns the
// non-empty documents' top nodes. A file in the plain subset fastDocuments
// reads is parsed by it; any other by yaml.v3.
func parseDocuments(file string, data []byte) ([]*yaml.Node, []Problem) {
	docs, problems, _ := parseDocumentsReleasing(file, data)
	return docs, problems
}

// parseDocumentsReleasing is parseDocuments, and a function to call once the
// caller holds no node any longer: it hands the nodes' memory to the next
// file's parse. (The nodes' strings stay valid: they are the file's.)
func parseDocumentsReleasing(file string, data []byte) ([]*yaml.Node, []Problem, func()) {
	none := func() {}
	if len(data) > MaxFileSize {
		return nil, []Problem{{Rule: "file.too-large", File: file, Line: 1,
			Message: fmt.Sprintf("file is %d bytes, over the %d-byte limit: split it into several files", len(data), MaxFileSize)}}, none
	}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidUTF8At(data)], []byte("\n"))
		return nil, []Problem{{Rule: "file.encoding", File: file, Line: line, Message: "file is not valid UTF-8: save it as UTF-8"}}, none
	}
	if docs, release, ok := fastDocuments(data); ok {
		var problems []Problem
		kept := docs[:0]
		for _, top := range docs {
			if p := checkTree(file, top, 1); p != nil {
				problems = append(problems, *p)
				continue
			}
			kept = append(kept, top)
		}
		return kept, problems, release
	}
	var docs []*yaml.Node
	var problems []Problem
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return docs, append(problems, syntaxProblem(file, data, err)), none
		}
		if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
			continue // an empty document, e.g. a trailing ---
		}
		top := doc.Content[0]
		if p := checkTree(file, top, 1); p != nil {
			problems = append(problems, *p)
			continue
		}
		docs = append(docs, top)
	}
	return docs, problems, none
}

// checkTree refuses anchors and aliases (no alias bombs, and policies read as
// written) and nesting deeper than MaxDepth.
func checkTree(file string, n *yaml.Node, depth int) *Problem {
	if depth > MaxDepth {
		return &Problem{Rule: "yaml.depth", File: file, Line: n.Line, Column: n.Column,
			Message: fmt.Sprintf("nesting deeper than %d levels", MaxDepth)}
	}
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return &Problem{Rule: "yaml.alias", File: file, Line: n.Line, Column: n.Column,
			Message: "YAML anchors and aliases (&, *, <<) are not allowed: write each policy out in full"}
	}
	for _, c := range n.Content {
		if p := checkTree(file, c, depth+1); p != nil {
			return p
		}
	}
	return nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxProblem turns yaml.v3's error into a finding at the line and
// column of the mistake, with a hint for the usual causes. yaml.v3 gives
// only a line; the column is found on that line of data.
func syntaxProblem(file string, data []byte, err error) Problem {
	p := Problem{Rule: "yaml.syntax", File: file, Line: 1, Message: err.Error()}
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return p
	}
	p.Line, _ = strconv.Atoi(m[1])
	p.Message = m[2]
	if parserProblems[p.Message] {
		p.Line++
	}
	col, hint := syntaxHint(p.Message, lineOf(data, p.Line))
	p.Column = col
	if hint != "" {
		p.Message += ": " + hint
	}
	return p
}

// The hints for the common causes of a syntax error.
const (
	hintTab    = "YAML forbids tabs for indentation; use spaces"
	hintIndent = "check the indentation: keys of one mapping line up, and a nested key is indented further than its parent"
	hintColon  = "a value that holds \": \" must be quoted, e.g. description: \"Sales: EMEA\""
	hintKey    = "a key needs a colon and a space before its value, e.g. objectType: call"
	hintClose  = "a [list] or {mapping} written on one line needs its closing bracket"
	hintQuote  = "a quoted value is not closed: end it with the same quote it starts with"
)

// syntaxHint finds, on the line yaml.v3 blames, the column of the mistake
// (1-based, 0 when unknown) and the hint for its likely cause.
func syntaxHint(msg, line string) (int, string) {
	indent := len(line) - len(strings.TrimLeft(line, " "))
	first := 0
	if strings.TrimSpace(line) != "" {
		first = indent + 1
	}
	switch {
	case strings.Contains(msg, "tab character"), strings.HasPrefix(msg, "found character that cannot start any token") && strings.Contains(line, "\t"):
		return strings.IndexByte(line, '\t') + 1, hintTab
	case msg == "mapping values are not allowed in this context":
		// Either a second ": " in a plain value, or a key indented where
		// no mapping can start.
		if k := keyColon(line); k >= 0 {
			if v := keyColon(line[k+1:]); v >= 0 {
				return k + 1 + v + 1, hintColon
			}
		}
		return first, hintIndent
	case msg == "did not find expected key", msg == "did not find expected '-' indicator",
		msg == "block sequence entries are not allowed in this context":
		return first, hintIndent
	case msg == "could not find expected ':'":
		return first, hintKey
	case msg == "did not find expected ',' or ']'", msg == "did not find expected ',' or '}'":
		return 0, hintClose
	case msg == "found unexpected end of stream":
		return 0, hintQuote
	}
	return first, ""
}

// keyColon is the index of the first ": " (or a colon ending the line)
// outside quotes, -1 if there is none; a comment ends the search.
func keyColon(s string) int {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || s[i-1] == ' '):
			return -1
		case c == ':' && (i+1 == len(s) || s[i+1] == ' '):
			return i
		}
	}
	return -1
}

// lineOf returns line n (1-based) of data, without its line break.
func lineOf(data []byte, n int) string {
	for i := 1; i < n; i++ {
		nl := bytes.IndexByte(data, '\n')
		if nl < 0 {
			return ""
		}
		data = data[nl+1:]
	}
	if nl := bytes.IndexByte(data, '\n'); nl >= 0 {
		data = data[:nl]
	}
	return strings.TrimSuffix(string(data), "\r")
}

// parserProblems are yaml.v3's parser (not scanner) errors, whose line it
// prints 0-based (v3.0.1 decode.go, parser.fail).
var parserProblems = map[string]bool{
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected key":              true,
	"did not find expected '-' indicator":    true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
}

func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// policyName finds the name key of a policy document, for messages.
func policyName(n *yaml.Node) string {
	if n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "name" && n.Content[i+1].Kind == yaml.ScalarNode {
			return n.Content[i+1].Value
		}
	}
	return ""
}

// keyLines records the line of every key, by dotted path with list
// indexes ("filters[0].value"), so that findings point at the offending line.
// The paths are written into one string and the map holds slices of it: a
// policy's fifteen keys cost one string and one map, not fifteen of each.
func keyLines(n *yaml.Node, path string, out map[string]int) map[string]int {
	var kl keyLiner
	return kl.into(n, path, out)
}

// keyLiner collects keyLines' paths: buf holds them one after another. One
// keyLiner serves the documents of a file in turn.
type keyLiner struct {
	buf     []byte
	entries []struct{ start, end, line int }
}

// lines is keyLines(n, "", map[string]int{}).
func (kl *keyLiner) lines(n *yaml.Node) map[string]int { return kl.into(n, "", nil) }

func (kl *keyLiner) into(n *yaml.Node, path string, out map[string]int) map[string]int {
	kl.buf, kl.entries = append(kl.buf[:0], path...), kl.entries[:0]
	kl.walk(n, kl.buf)
	if len(out) == 0 {
		out = make(map[string]int, len(kl.entries))
	}
	all := string(kl.buf[len(path):])
	for _, e := range kl.entries {
		out[all[e.start-len(path):e.end-len(path)]] = e.line
	}
	return out
}

func (kl *keyLiner) walk(n *yaml.Node, prefix []byte) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			start := len(kl.buf)
			kl.buf = append(kl.buf, prefix...)
			if len(prefix) > 0 {
				kl.buf = append(kl.buf, '.')
			}
			kl.buf = append(kl.buf, n.Content[i].Value...)
			kl.add(start, n.Content[i].Line)
			kl.walk(n.Content[i+1], kl.buf[start:])
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			start := len(kl.buf)
			kl.buf = append(kl.buf, prefix...)
			kl.buf = append(kl.buf, '[')
			kl.buf = strconv.AppendInt(kl.buf, int64(i), 10)
			kl.buf = append(kl.buf, ']')
			kl.add(start, c.Line)
			kl.walk(c, kl.buf[start:])
		}
	}
}

func (kl *keyLiner) add(start, line int) {
	kl.entries = append(kl.entries, struct{ start, end, line int }{start, len(kl.buf), line})
}
