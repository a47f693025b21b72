package policy

import (
	"encoding"
	"fmt"
	"iter"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/agnivade/levenshtein"
	"gopkg.in/yaml.v3"
)

// decoder decodes yaml.Nodes into the model strictly: unknown and repeated
// keys and wrongly typed values become Problems with their line and column,
// and decoding carries on so that one run reports them all.
// (yaml.Node.Decode has no KnownFields, and yaml.v3's TypeError carries the
// line only inside its text, hence this small reflective decoder.)
type decoder struct {
	file     string
	root     string // what the document is, for messages: "the policy"
	policy   string
	problems []Problem
	// base and segs are the path of the value being decoded ("filters",
	// then [1], then "value"), joined only for a message: most values
	// decode without one.
	base string
	segs []segment
}

// segment is one step of a path: a key, or a list index when key is "".
type segment struct {
	key   string
	index int
}

func (d *decoder) push(key string) { d.segs = append(d.segs, segment{key: key}) }
func (d *decoder) pushIndex(i int) { d.segs = append(d.segs, segment{index: i}) }
func (d *decoder) pop()            { d.segs = d.segs[:len(d.segs)-1] }
func (d *decoder) path() string    { return appendPath(nil, d.base, d.segs) }
func (d *decoder) here() string    { return d.where(d.path()) }

// appendPath writes base and segs as a dotted path with list indexes, as
// join and "%s[%d]" would.
func appendPath(buf []byte, base string, segs []segment) string {
	buf = append(buf, base...)
	for _, sg := range segs {
		if sg.key == "" {
			buf = append(buf, '[')
			buf = strconv.AppendInt(buf, int64(sg.index), 10)
			buf = append(buf, ']')
			continue
		}
		if len(buf) > 0 {
			buf = append(buf, '.')
		}
		buf = append(buf, sg.key...)
	}
	return string(buf)
}

func (d *decoder) problem(n *yaml.Node, rule, format string, args ...any) {
	d.problems = append(d.problems, Problem{
		Rule: rule, Message: fmt.Sprintf(format, args...),
		File: d.file, Line: n.Line, Column: n.Column, Policy: d.policy,
	})
}

// value decodes n into v; path names the key for messages.
func (d *decoder) value(n *yaml.Node, v reflect.Value, path string) {
	base, segs := d.base, d.segs
	d.base, d.segs = path, d.segs[len(d.segs):]
	d.decode(n, v)
	d.base, d.segs = base, segs
}

// decode decodes n into v, at the path d.segs names.
func (d *decoder) decode(n *yaml.Node, v reflect.Value) {
	if n.Tag == "!!null" {
		return // an empty value leaves the default
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		d.decode(n, elem.Elem())
		v.Set(elem)
	case reflect.Struct:
		d.mapping(n, v)
	case reflect.Slice:
		d.sequence(n, v)
	case reflect.Map:
		d.stringMap(n, v)
	case reflect.Interface:
		if x, ok := d.filterValue(n); ok {
			v.Set(reflect.ValueOf(x))
		}
	default:
		d.scalar(n, v)
	}
}

func (d *decoder) mapping(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.problem(n, "yaml.type", "%s must be a mapping of keys to values, got %s", d.here(), describe(n))
		return
	}
	fields := fieldsOf(v.Type())
	for kn, vn := range d.pairs(n) {
		key := kn.Value
		i, ok := fields.index[key]
		if !ok {
			d.problem(kn, "yaml.unknown-key", "unknown key %q in %s%s", key, d.here(), fields.suggest(key))
			continue
		}
		d.push(key)
		d.decode(vn, v.Field(i))
		d.pop()
	}
}

func (d *decoder) stringMap(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.problem(n, "yaml.type", "%s must be a mapping, got %s", d.path(), describe(n))
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	for kn, vn := range d.pairs(n) {
		key := kn.Value
		elem := reflect.New(v.Type().Elem()).Elem()
		before := len(d.problems)
		d.push(key)
		d.decode(vn, elem)
		d.pop()
		if len(d.problems) == before {
			v.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), elem)
		}
	}
}

// pairs yields each key of a mapping, reporting non-string and repeated
// keys. A mapping has a handful of keys: they are compared with the earlier
// ones, which costs less than a map per mapping; a long one gets a map.
func (d *decoder) pairs(n *yaml.Node) iter.Seq2[*yaml.Node, *yaml.Node] {
	return func(yield func(kn, vn *yaml.Node) bool) {
		var seen map[string]bool
		if len(n.Content) > 32 {
			seen = make(map[string]bool, len(n.Content)/2)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			kn, vn := n.Content[i], n.Content[i+1]
			if kn.Kind != yaml.ScalarNode {
				d.problem(kn, "yaml.type", "keys of %s must be plain names, got %s", d.here(), describe(kn))
				continue
			}
			if d.seenKey(n, i, kn.Value, seen) {
				d.problem(kn, "yaml.duplicate-key", "key %q appears twice in %s", kn.Value, d.here())
				continue
			}
			if !yield(kn, vn) {
				return
			}
		}
	}
}

// seenKey reports whether key was yielded before position i of mapping n:
// an earlier scalar key of the same text that was not itself a repeat.
func (d *decoder) seenKey(n *yaml.Node, i int, key string, seen map[string]bool) bool {
	if seen != nil {
		if seen[key] {
			return true
		}
		seen[key] = true
		return false
	}
	for j := 0; j < i; j += 2 {
		if k := n.Content[j]; k.Kind == yaml.ScalarNode && k.Value == key {
			return true // the first one was yielded; later ones are repeats
		}
	}
	return false
}

func (d *decoder) sequence(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.SequenceNode {
		d.problem(n, "yaml.type", "%s must be a list, got %s", d.path(), describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, c := range n.Content {
		d.pushIndex(i)
		d.decode(c, s.Index(i))
		d.pop()
	}
	v.Set(s)
}

// scalarTags are the YAML tags each Go kind accepts: no silent "90" → 90.
var scalarTags = map[reflect.Kind][]string{
	reflect.String:  {"!!str"},
	reflect.Int:     {"!!int"},
	reflect.Float64: {"!!int", "!!float"},
	reflect.Bool:    {"!!bool"},
}

func (d *decoder) scalar(n *yaml.Node, v reflect.Value) {
	if v.Type() == dateType && n.Kind == yaml.ScalarNode && (n.Tag == "!!str" || n.Tag == "!!timestamp") {
		v.SetString(n.Value) // YAML reads 2027-06-30 as a timestamp; a Date keeps it as written
		return
	}
	want := scalarTags[v.Kind()]
	if n.Kind != yaml.ScalarNode || !slices.Contains(want, n.Tag) {
		d.problem(n, "yaml.type", "%s must be %s, got %s", d.path(), kindName(v.Kind()), describe(n))
		return
	}
	if !setScalar(n, v) {
		if err := n.Decode(v.Addr().Interface()); err != nil {
			d.problem(n, "yaml.type", "%s must be %s, got %s", d.path(), kindName(v.Kind()), describe(n))
			return
		}
	}
	if v.Kind() == reflect.Float64 && !finite(v.Float()) {
		d.problem(n, "yaml.type", "%s must be a finite number, got %s", d.path(), n.Value)
		v.SetFloat(0)
	}
	if v.Kind() == reflect.Float64 && math.Abs(v.Float()) > MaxNumber {
		d.problem(n, "yaml.range", "%s is %s, more than %g: no volume, multiplier or threshold is that large, and storage arithmetic on it would overflow", d.path(), n.Value, MaxNumber)
		v.SetFloat(0)
	}
}

// setScalar sets v from a scalar whose tag v accepts, as yaml.Node.Decode
// would, for the usual cases: text, a whole number written in decimal,
// true or false. It reports false for anything else (a hexadecimal or
// octal number, a decimal fraction, a type with its own decoding), which
// Decode then reads: it is exact but costs a decoder per value.
func setScalar(n *yaml.Node, v reflect.Value) bool {
	if !plainType(v.Type()) {
		return false
	}
	switch {
	case v.Kind() == reflect.String && n.Tag == "!!str":
		v.SetString(n.Value)
		return true
	case v.Kind() == reflect.Bool && n.Tag == "!!bool":
		b, ok := yamlBool(n.Value)
		if ok {
			v.SetBool(b)
		}
		return ok
	case n.Tag == "!!int" && (v.Kind() == reflect.Int || v.Kind() == reflect.Float64):
		i, ok := decimal(n.Value)
		switch {
		case !ok:
			return false
		case v.Kind() == reflect.Int:
			v.SetInt(int64(i))
		default:
			v.SetFloat(float64(i))
		}
		return true
	}
	return false
}

// decimal reads a whole number written in plain decimal, no sign but a
// minus, no leading zero, no underscore, at most 18 digits: the numbers
// yaml.v3 reads with strconv.ParseInt(s, 0, 64) to the same int.
func decimal(s string) (int, bool) {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || len(digits) > 18 || (digits[0] == '0' && len(digits) > 1) {
		return 0, false
	}
	for i := range len(digits) {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	i, err := strconv.Atoi(s)
	return i, err == nil
}

// yamlBool reads the booleans yaml.v3 resolves by itself.
func yamlBool(s string) (bool, bool) {
	switch s {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}

var plainTypes sync.Map // reflect.Type → bool

// plainType reports whether t decodes by its kind alone: yaml.v3 gives a
// TextUnmarshaler the text, and a time.Duration its own parsing.
func plainType(t reflect.Type) bool {
	if p, ok := plainTypes.Load(t); ok {
		return p.(bool)
	}
	p := t != reflect.TypeFor[time.Duration]() && !reflect.PointerTo(t).Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
	plainTypes.Store(t, p)
	return p
}

var dateType = reflect.TypeFor[Date]()

// MaxNumber bounds every decimal number in the YAML (volumes in GB a day,
// multipliers, TB thresholds), far above any real organisation's.
const MaxNumber = 1e9

// finite rejects YAML's .nan and .inf, which no JSON document, plan or rule
// can carry.
func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// filterValue decodes a filter's value: a scalar or a list of scalars, kept
// as written (strings, ints, floats, bools) for the rules to check.
func (d *decoder) filterValue(n *yaml.Node) (any, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		return d.filterScalar(n)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			d.pushIndex(i)
			x, ok := d.filterScalar(c)
			d.pop()
			if !ok {
				return nil, false
			}
			out = append(out, x)
		}
		return out, true
	}
	d.problem(n, "yaml.type", "%s must be a value or a list of values, got %s", d.path(), describe(n))
	return nil, false
}

func (d *decoder) filterScalar(n *yaml.Node) (any, bool) {
	if n.Kind != yaml.ScalarNode {
		d.problem(n, "yaml.type", "%s must be a plain value, got %s", d.path(), describe(n))
		return nil, false
	}
	var x any
	switch n.Tag {
	case "!!int":
		if i, ok := decimal(n.Value); ok {
			return i, true
		}
		var i int
		x = &i
	case "!!float":
		var f float64
		x = &f
	case "!!bool":
		if b, ok := yamlBool(n.Value); ok {
			return b, true
		}
		var b bool
		x = &b
	default: // strings, and timestamps kept as written
		return n.Value, true
	}
	if err := n.Decode(x); err != nil {
		d.problem(n, "yaml.type", "%s: cannot read %s", d.path(), describe(n))
		return nil, false
	}
	if f, ok := x.(*float64); ok && !finite(*f) {
		d.problem(n, "yaml.type", "%s must be a finite number, got %s", d.path(), n.Value)
		return nil, false
	}
	return reflect.ValueOf(x).Elem().Interface(), true
}

// structFields maps a struct's YAML keys to field indexes.
type structFields struct {
	index map[string]int
	keys  []string
}

var fieldCache sync.Map // reflect.Type → *structFields

func fieldsOf(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	f := &structFields{index: map[string]int{}}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		f.index[name] = i
		f.keys = append(f.keys, name)
	}
	fieldCache.Store(t, f)
	return f
}

// suggest names the closest known key, or lists them all.
func (f *structFields) suggest(key string) string {
	best, dist := "", 3
	for _, k := range f.keys {
		if d := levenshtein.ComputeDistance(strings.ToLower(key), strings.ToLower(k)); d < dist {
			best, dist = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return fmt.Sprintf(" (known keys: %s)", strings.Join(f.keys, ", "))
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!str" {
			return fmt.Sprintf("the text %q", n.Value)
		}
		return fmt.Sprintf("%s %q", strings.TrimPrefix(n.Tag, "!!"), n.Value)
	}
	return "an alias"
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Int:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	}
	return "text"
}

func (d *decoder) where(path string) string {
	if path == "" {
		return d.root
	}
	return path
}

// typeErrors reports whether a value was left undecoded (as opposed to an
// unknown or repeated key, which leave the rest intact).
func (d *decoder) typeErrors() bool {
	return slices.ContainsFunc(d.problems, func(p Problem) bool { return p.Rule == "yaml.type" })
}
