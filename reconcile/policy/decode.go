package policy

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"

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
}

func (d *decoder) problem(n *yaml.Node, rule, format string, args ...any) {
	d.problems = append(d.problems, Problem{
		Rule: rule, Message: fmt.Sprintf(format, args...),
		File: d.file, Line: n.Line, Column: n.Column, Policy: d.policy,
	})
}

// value decodes n into v; path names the key for messages.
func (d *decoder) value(n *yaml.Node, v reflect.Value, path string) {
	if n.Tag == "!!null" {
		return // an empty value leaves the default
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		d.value(n, elem.Elem(), path)
		v.Set(elem)
	case reflect.Struct:
		d.mapping(n, v, path)
	case reflect.Slice:
		d.sequence(n, v, path)
	case reflect.Map:
		d.stringMap(n, v, path)
	case reflect.Interface:
		if x, ok := d.filterValue(n, path); ok {
			v.Set(reflect.ValueOf(x))
		}
	default:
		d.scalar(n, v, path)
	}
}

func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.problem(n, "yaml.type", "%s must be a mapping of keys to values, got %s", d.where(path), describe(n))
		return
	}
	fields := fieldsOf(v.Type())
	d.pairs(n, path, func(key string, kn, vn *yaml.Node) {
		i, ok := fields.index[key]
		if !ok {
			d.problem(kn, "yaml.unknown-key", "unknown key %q in %s%s", key, d.where(path), fields.suggest(key))
			return
		}
		d.value(vn, v.Field(i), join(path, key))
	})
}

func (d *decoder) stringMap(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.problem(n, "yaml.type", "%s must be a mapping, got %s", path, describe(n))
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	d.pairs(n, path, func(key string, _, vn *yaml.Node) {
		elem := reflect.New(v.Type().Elem()).Elem()
		before := len(d.problems)
		d.value(vn, elem, join(path, key))
		if len(d.problems) == before {
			v.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), elem)
		}
	})
}

// pairs calls fn for each key of a mapping, reporting non-string and
// repeated keys.
func (d *decoder) pairs(n *yaml.Node, path string, fn func(key string, kn, vn *yaml.Node)) {
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		if kn.Kind != yaml.ScalarNode {
			d.problem(kn, "yaml.type", "keys of %s must be plain names, got %s", d.where(path), describe(kn))
			continue
		}
		if seen[kn.Value] {
			d.problem(kn, "yaml.duplicate-key", "key %q appears twice in %s", kn.Value, d.where(path))
			continue
		}
		seen[kn.Value] = true
		fn(kn.Value, kn, vn)
	}
}

func (d *decoder) sequence(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.problem(n, "yaml.type", "%s must be a list, got %s", path, describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, c := range n.Content {
		d.value(c, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
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

func (d *decoder) scalar(n *yaml.Node, v reflect.Value, path string) {
	if v.Type() == dateType && n.Kind == yaml.ScalarNode && (n.Tag == "!!str" || n.Tag == "!!timestamp") {
		v.SetString(n.Value) // YAML reads 2027-06-30 as a timestamp; a Date keeps it as written
		return
	}
	want := scalarTags[v.Kind()]
	if n.Kind != yaml.ScalarNode || !slices.Contains(want, n.Tag) {
		d.problem(n, "yaml.type", "%s must be %s, got %s", path, kindName(v.Kind()), describe(n))
		return
	}
	if err := n.Decode(v.Addr().Interface()); err != nil {
		d.problem(n, "yaml.type", "%s must be %s, got %s", path, kindName(v.Kind()), describe(n))
		return
	}
	if v.Kind() == reflect.Float64 && !finite(v.Float()) {
		d.problem(n, "yaml.type", "%s must be a finite number, got %s", path, n.Value)
		v.SetFloat(0)
	}
	if v.Kind() == reflect.Float64 && math.Abs(v.Float()) > MaxNumber {
		d.problem(n, "yaml.range", "%s is %s, more than %g: no volume, multiplier or threshold is that large, and storage arithmetic on it would overflow", path, n.Value, MaxNumber)
		v.SetFloat(0)
	}
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
func (d *decoder) filterValue(n *yaml.Node, path string) (any, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		return d.filterScalar(n, path)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			x, ok := d.filterScalar(c, fmt.Sprintf("%s[%d]", path, i))
			if !ok {
				return nil, false
			}
			out = append(out, x)
		}
		return out, true
	}
	d.problem(n, "yaml.type", "%s must be a value or a list of values, got %s", path, describe(n))
	return nil, false
}

func (d *decoder) filterScalar(n *yaml.Node, path string) (any, bool) {
	if n.Kind != yaml.ScalarNode {
		d.problem(n, "yaml.type", "%s must be a plain value, got %s", path, describe(n))
		return nil, false
	}
	var x any
	switch n.Tag {
	case "!!int":
		var i int
		x = &i
	case "!!float":
		var f float64
		x = &f
	case "!!bool":
		var b bool
		x = &b
	default: // strings, and timestamps kept as written
		return n.Value, true
	}
	if err := n.Decode(x); err != nil {
		d.problem(n, "yaml.type", "%s: cannot read %s", path, describe(n))
		return nil, false
	}
	if f, ok := x.(*float64); ok && !finite(*f) {
		d.problem(n, "yaml.type", "%s must be a finite number, got %s", path, n.Value)
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
		if d := editDistance(strings.ToLower(key), strings.ToLower(k)); d < dist {
			best, dist = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return fmt.Sprintf(" (known keys: %s)", strings.Join(f.keys, ", "))
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
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

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// typeErrors reports whether a value was left undecoded (as opposed to an
// unknown or repeated key, which leave the rest intact).
func (d *decoder) typeErrors() bool {
	return slices.ContainsFunc(d.problems, func(p Problem) bool { return p.Rule == "yaml.type" })
}
