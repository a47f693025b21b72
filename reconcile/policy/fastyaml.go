package policy

import (
	"strings"
	"sync"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// fastDocuments parses data when it is written in the plain subset of YAML
// that policy files are mostly written in, and returns the top nodes of its
// documents, as yaml.v3 would give them but without comments (which nothing
// reads). For anything outside the subset it returns false, and yaml.v3
// parses the file: every syntax error, quote, anchor, tag, block scalar,
// multi-line value or number other than a plain decimal whole number is
// left to it. FuzzFastYAML holds the two to the same trees.
//
// The subset: documents separated by "---" lines; block mappings and block
// sequences nested by indentation; values written on the key's line as a
// plain scalar or a one-line flow collection ({a: b, c: [d, e]}); comments
// after a space or on their own line; space indentation only. yaml.v3
// spends a third of a 10,000-policy validation parsing, in a million small
// allocations; this builds the same nodes from two slabs.
//
// release hands the nodes' memory to the next file's parse: call it once
// nothing holds a node any longer (the nodes' strings are the file's and
// stay valid), or never.
func fastDocuments(data []byte) (docs []*yaml.Node, release func(), ok bool) {
	f := &fastParser{src: string(data)}
	if !f.split() {
		return nil, nil, false
	}
	docs, ok = f.documents()
	if !ok {
		f.release()
		return nil, nil, false
	}
	return docs, f.release, true
}

func (f *fastParser) documents() ([]*yaml.Node, bool) {
	var docs []*yaml.Node
	for len(f.lines) > 0 {
		if f.lines[0].doc {
			f.lines = f.lines[1:]
			continue
		}
		n, ok := f.block(f.lines[0].indent, false)
		if !ok || n.Kind != yaml.MappingNode {
			return nil, false
		}
		if len(f.lines) > 0 && !f.lines[0].doc {
			return nil, false // a line no block took: yaml.v3 explains it
		}
		docs = append(docs, n)
	}
	return docs, true
}

// fastLine is one line that holds content: its indentation, its text
// without the indentation and any comment, and where it is.
type fastLine struct {
	indent int    // spaces before the text
	text   string // no trailing spaces, no comment
	line   int    // 1-based
	col    int    // column of text's first character, 1-based, in characters
	doc    bool   // a "---" line
}

type fastParser struct {
	src   string
	lines []fastLine
	nodes []yaml.Node  // slab
	ptrs  []*yaml.Node // slab for Content
	taken []*fastChunk // the chunks the slabs came from
	stack []*yaml.Node // children being collected
	depth int          // of the collection being parsed
}

// enter counts a level of nesting; past MaxDepth yaml.v3 takes over, and
// checkTree reports it.
func (f *fastParser) enter() bool {
	f.depth++
	return f.depth <= MaxDepth
}

func (f *fastParser) leave() { f.depth-- }

// split cuts src into content lines, refusing what the subset leaves to
// yaml.v3.
func (f *fastParser) split() bool {
	s := f.src
	f.lines = make([]fastLine, 0, strings.Count(s, "\n")+1)
	for no := 1; len(s) > 0; no++ {
		raw := s
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			raw, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if !plainText(raw) {
			return false
		}
		text := strings.TrimLeft(raw, " ")
		indent := len(raw) - len(text)
		if i := commentAt(text); i >= 0 {
			text = text[:i]
		}
		text = strings.TrimRight(text, " ")
		switch {
		case text == "":
			continue
		case text == "---" && indent == 0:
			f.lines = append(f.lines, fastLine{doc: true, line: no})
			continue
		case strings.HasPrefix(text, "---") && indent == 0, strings.HasPrefix(text, "...") && indent == 0:
			return false
		case strings.ContainsAny(text, "\"'&*!|>%@`?#<"):
			return false
		}
		f.lines = append(f.lines, fastLine{indent: indent, text: text, line: no, col: indent + 1})
	}
	return true
}

// plainText refuses tabs, carriage returns, and every character yaml.v3
// would refuse or read as a line break.
func plainText(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1, r < 0xa0, r == 0x2028, r == 0x2029, r == 0xfeff,
			r >= 0xd800 && r < 0xe000, r == 0xfffe, r == 0xffff:
			return false
		}
		i += size
	}
	return true
}

// commentAt is where a comment starts in text (a # at its start or after a
// space), or -1.
func commentAt(text string) int {
	for i := 0; i < len(text); i++ {
		if text[i] == '#' && (i == 0 || text[i-1] == ' ') {
			return i
		}
	}
	return -1
}

// fastChunk is a slab of nodes and one of Content pointers. A file's
// chunks go back to fastChunks when its nodes are released.
type fastChunk struct {
	nodes [256]yaml.Node
	ptrs  [1024]*yaml.Node
}

var fastChunks = sync.Pool{New: func() any { return new(fastChunk) }}

func (f *fastParser) release() {
	for _, c := range f.taken {
		fastChunks.Put(c)
	}
	f.taken = nil
}

func (f *fastParser) node(kind yaml.Kind, tag, value string, line, col int) *yaml.Node {
	if len(f.nodes) == 0 {
		c := fastChunks.Get().(*fastChunk)
		f.taken = append(f.taken, c)
		f.nodes = c.nodes[:]
	}
	n := &f.nodes[0]
	f.nodes = f.nodes[1:]
	*n = yaml.Node{Kind: kind, Tag: tag, Value: value, Line: line, Column: col}
	return n
}

// content moves the children collected since mark into n.Content.
func (f *fastParser) content(n *yaml.Node, mark int) {
	kids := f.stack[mark:]
	if len(f.ptrs) < len(kids) {
		if len(kids) > len(fastChunk{}.ptrs) {
			f.ptrs = make([]*yaml.Node, len(kids))
		} else {
			c := fastChunks.Get().(*fastChunk)
			f.taken = append(f.taken, c)
			f.ptrs = c.ptrs[:]
		}
	}
	n.Content = f.ptrs[:len(kids):len(kids)]
	f.ptrs = f.ptrs[len(kids):]
	copy(n.Content, kids)
	f.stack = f.stack[:mark]
}

// block parses the block node whose first line is f.lines[0], at indent.
// inSeq says the node is a sequence entry's ("- key: value"), whose further
// keys line up with its first.
func (f *fastParser) block(indent int, inSeq bool) (*yaml.Node, bool) {
	if !f.enter() {
		return nil, false
	}
	defer f.leave()
	l := f.lines[0]
	if isItem(l.text) {
		if inSeq {
			return nil, false // "- - x"
		}
		return f.sequence(indent)
	}
	return f.mapping(indent)
}

// isItem reports whether a line's text starts a block sequence's item.
func isItem(text string) bool { return text == "-" || strings.HasPrefix(text, "- ") }

func (f *fastParser) mapping(indent int) (*yaml.Node, bool) {
	first := f.lines[0]
	m := f.node(yaml.MappingNode, "!!map", "", first.line, first.col)
	mark := len(f.stack)
	for len(f.lines) > 0 {
		l := f.lines[0]
		if l.doc || l.indent < indent {
			break
		}
		if l.indent > indent {
			return nil, false
		}
		key, rest, ok := cutKey(l.text)
		if !ok || strings.ContainsAny(key, "{}[],") {
			return nil, false
		}
		kn, ok := f.scalar(key, l.line, l.col)
		if !ok {
			return nil, false
		}
		f.lines = f.lines[1:]
		var vn *yaml.Node
		if rest == "" {
			// The value is the block below: deeper, or a sequence at the
			// key's own indentation.
			if len(f.lines) == 0 || f.lines[0].doc {
				return nil, false // an empty value: null
			}
			next := f.lines[0]
			switch {
			case next.indent > indent:
				vn, ok = f.block(next.indent, false)
			case next.indent == indent && isItem(next.text):
				vn, ok = f.sequence(indent)
			default:
				return nil, false
			}
		} else {
			col := l.col + utf8.RuneCountInString(l.text[:len(l.text)-len(rest)])
			vn, ok = f.inline(rest, l.line, col)
			if ok && len(f.lines) > 0 && !f.lines[0].doc && f.lines[0].indent > indent {
				return nil, false // a value continued on the next line
			}
		}
		if !ok {
			return nil, false
		}
		f.stack = append(f.stack, kn, vn)
	}
	f.content(m, mark)
	return m, true
}

func (f *fastParser) sequence(indent int) (*yaml.Node, bool) {
	first := f.lines[0]
	s := f.node(yaml.SequenceNode, "!!seq", "", first.line, first.col)
	mark := len(f.stack)
	for len(f.lines) > 0 {
		l := f.lines[0]
		if l.doc || l.indent < indent {
			break
		}
		if l.indent > indent {
			return nil, false
		}
		if !strings.HasPrefix(l.text, "- ") {
			break // a key after a sequence written at its key's indentation
		}
		item := strings.TrimLeft(l.text[2:], " ")
		if item == "" {
			return nil, false
		}
		offset := len(l.text) - len(item) // "- " and any further spaces
		at := fastLine{indent: l.indent + offset, text: item, line: l.line, col: l.col + offset}
		var n *yaml.Node
		var ok bool
		if _, _, isKey := cutKey(item); isKey && item[0] != '{' && item[0] != '[' {
			f.lines[0] = at // the entry is a mapping starting on this line
			n, ok = f.block(at.indent, true)
		} else {
			f.lines = f.lines[1:]
			n, ok = f.inline(item, at.line, at.col)
			if ok && len(f.lines) > 0 && !f.lines[0].doc && f.lines[0].indent > indent {
				return nil, false
			}
		}
		if !ok {
			return nil, false
		}
		f.stack = append(f.stack, n)
	}
	f.content(s, mark)
	return s, true
}

// cutKey splits "key: rest" or "key:" at its first colon, which must end
// the key: a key holds no colon of its own.
func cutKey(text string) (key, rest string, ok bool) {
	i := strings.IndexByte(text, ':')
	if i <= 0 || text[i-1] == ' ' {
		return "", "", false
	}
	switch {
	case i == len(text)-1:
		return text[:i], "", true
	case text[i+1] == ' ':
		rest = strings.TrimLeft(text[i+1:], " ")
		return text[:i], rest, true
	}
	return "", "", false
}

// inline parses a value written on its key's (or dash's) line: a flow
// collection, or a plain scalar.
func (f *fastParser) inline(text string, line, col int) (*yaml.Node, bool) {
	if text[0] == '{' || text[0] == '[' {
		n, rest, ok := f.flow(text, line, col)
		if !ok || strings.TrimLeft(rest, " ") != "" {
			return nil, false
		}
		return n, true
	}
	if strings.ContainsAny(text, ":{}[],") {
		return nil, false
	}
	return f.scalar(text, line, col)
}

// flow parses one flow node at the start of text and returns what follows.
func (f *fastParser) flow(text string, line, col int) (*yaml.Node, string, bool) {
	if text == "" {
		return nil, "", false // unclosed
	}
	switch text[0] {
	case '{', '[':
	default:
		end := strings.IndexAny(text, ",[]{}:")
		if end < 0 {
			end = len(text)
		}
		value := strings.TrimRight(text[:end], " ")
		n, ok := f.scalar(value, line, col)
		return n, text[end:], ok
	}
	if !f.enter() {
		return nil, "", false
	}
	defer f.leave()
	open, closing := text[0], byte('}')
	kind, tag := yaml.MappingNode, "!!map"
	if open == '[' {
		kind, tag, closing = yaml.SequenceNode, "!!seq", ']'
	}
	n := f.node(kind, tag, "", line, col)
	n.Style = yaml.FlowStyle
	mark := len(f.stack)
	rest, at := text[1:], col+1
	skip := func() {
		trimmed := strings.TrimLeft(rest, " ")
		at += len(rest) - len(trimmed)
		rest = trimmed
	}
	advance := func(from string) { at += utf8.RuneCountInString(from[:len(from)-len(rest)]) }
	skip()
	if rest != "" && rest[0] == closing {
		f.content(n, mark)
		return n, rest[1:], true
	}
	for {
		from := rest
		item, after, ok := f.flow(rest, line, at)
		if !ok {
			return nil, "", false
		}
		rest = after
		advance(from)
		skip()
		f.stack = append(f.stack, item)
		if kind == yaml.MappingNode {
			if item.Kind != yaml.ScalarNode || !strings.HasPrefix(rest, ": ") {
				return nil, "", false
			}
			rest, at = rest[1:], at+1
			skip()
			from := rest
			value, after, ok := f.flow(rest, line, at)
			if !ok {
				return nil, "", false
			}
			rest = after
			advance(from)
			skip()
			f.stack = append(f.stack, value)
		}
		switch {
		case rest == "":
			return nil, "", false // closed on a later line, or never
		case rest[0] == closing:
			f.content(n, mark)
			return n, rest[1:], true
		case rest[0] != ',':
			return nil, "", false
		}
		rest, at = rest[1:], at+1
		skip()
		if rest == "" || rest[0] == closing || rest[0] == ',' {
			return nil, "", false // a trailing or empty entry
		}
	}
}

// scalar makes the node of a plain scalar, resolved as yaml.v3 resolves
// it, or refuses one whose resolution is not plainly text, true/false or a
// decimal whole number.
func (f *fastParser) scalar(value string, line, col int) (*yaml.Node, bool) {
	if value == "" || len(value) > 1000 {
		return nil, false
	}
	tag := "!!str"
	switch c := value[0]; {
	case strings.IndexByte("-?:,[]{}#&*!|>'\"%@`", c) >= 0 && !(c == '-' && len(value) > 1 && value[1] >= '0' && value[1] <= '9'):
		return nil, false
	case hyphenatedUUID(value):
		// An id: yaml.v3 reads no number or timestamp into the 8-4-4-4-12
		// shape, and many ids start with a digit.
	case c >= '0' && c <= '9', c == '-', c == '+', c == '.':
		if _, ok := decimal(value); !ok {
			return nil, false
		}
		tag = "!!int"
	case value == "true" || value == "True" || value == "TRUE" || value == "false" || value == "False" || value == "FALSE":
		tag = "!!bool"
	case value == "~" || value == "null" || value == "Null" || value == "NULL":
		return nil, false
	}
	return f.node(yaml.ScalarNode, tag, value, line, col), true
}

// hyphenatedUUID says s is 8-4-4-4-12 hexadecimal digits, a UUID's text.
func hyphenatedUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
