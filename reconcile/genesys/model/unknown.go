package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// maxUnknown bounds the paths recorded for one answer: a few name the
// problem, and a hostile answer must not grow them without bound.
const maxUnknown = 20

var (
	rawType = reflect.TypeFor[json.RawMessage]()
	refType = reflect.TypeFor[Ref]()
)

// unknownFields lists the paths of the keys in data that typ (a struct
// type with json tags) has no field for, recursing into known fields, and
// of keys that appear twice in one object (Go merges them into one struct
// while a server may keep the last, so what such an answer means is not
// known). Entity references may carry any of the entity's fields (only
// their id matters) and raw JSON fields are carried as they are, so
// neither is searched for unknown keys. One pass over the tokens.
func unknownFields(data []byte, typ reflect.Type) []string {
	w := tokenWalker{dec: json.NewDecoder(bytes.NewReader(data))}
	if !w.value(typ) {
		return nil // not JSON: the decoder has said so already
	}
	return w.out
}

// tokenWalker walks one document. path holds the segments down to the
// value being read: a path string is built only for a key it reports, not
// for every key it reads.
type tokenWalker struct {
	dec  *json.Decoder
	path []segment
	out  []string
}

// segment is an object's key (isKey) or an array's index.
type segment struct {
	key   string
	isKey bool
	index int
}

// note reports the current path, with suffix: keys joined by dots,
// indexes in brackets ("mediaPolicies.callPolicy.filters[0].x").
func (w *tokenWalker) note(suffix string) {
	if len(w.out) >= maxUnknown {
		return
	}
	var b strings.Builder
	for _, seg := range w.path {
		switch {
		case !seg.isKey:
			fmt.Fprintf(&b, "[%d]", seg.index)
		case b.Len() > 0:
			b.WriteString("." + seg.key)
		default:
			b.WriteString(seg.key)
		}
	}
	w.out = append(w.out, b.String()+suffix)
}

// value reads one value of type typ (nil: any) at w.path; false on a
// malformed document.
func (w *tokenWalker) value(typ reflect.Type) bool {
	for typ != nil && typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if typ == rawType || typ == refType {
		typ = nil
	}
	tok, err := w.dec.Token()
	if err != nil {
		return false
	}
	switch tok {
	case json.Delim('{'):
		return w.object(typ)
	case json.Delim('['):
		return w.array(typ)
	}
	return true
}

// object reads the rest of an object of type typ (nil: any).
func (w *tokenWalker) object(typ reflect.Type) bool {
	var fields map[string]reflect.Type
	if typ != nil && typ.Kind() == reflect.Struct {
		fields = jsonFields(typ)
	}
	var seen keySet
	for w.dec.More() {
		key, err := w.dec.Token()
		if err != nil {
			return false
		}
		k, _ := key.(string)
		w.path = append(w.path, segment{key: k, isKey: true})
		if !seen.add(k) {
			w.note(" (twice)")
		}
		f, known := fields[k]
		if fields != nil && !known {
			w.note("")
		}
		if !w.value(f) {
			return false
		}
		w.path = w.path[:len(w.path)-1]
	}
	_, err := w.dec.Token()
	return err == nil
}

// keySet is the keys of one object so far: a slice while there are few, as
// in every object of the API, a map beyond that, so that a hostile object
// of many keys costs no quadratic search.
type keySet struct {
	few  []string
	many map[string]bool
}

// add adds k; false when it was there already.
func (s *keySet) add(k string) bool {
	if s.many == nil && len(s.few) < 32 {
		if slices.Contains(s.few, k) {
			return false
		}
		s.few = append(s.few, k)
		return true
	}
	if s.many == nil {
		s.many = make(map[string]bool, 2*len(s.few))
		for _, f := range s.few {
			s.many[f] = true
		}
	}
	if s.many[k] {
		return false
	}
	s.many[k] = true
	return true
}

// array reads the rest of an array whose type is typ (nil: any).
func (w *tokenWalker) array(typ reflect.Type) bool {
	var elem reflect.Type
	if typ != nil && typ.Kind() == reflect.Slice {
		elem = typ.Elem()
	}
	for i := 0; w.dec.More(); i++ {
		w.path = append(w.path, segment{index: i})
		if !w.value(elem) {
			return false
		}
		w.path = w.path[:len(w.path)-1]
	}
	_, err := w.dec.Token()
	return err == nil
}

// fieldsOf caches jsonFields per type: every object of every answer asks.
var fieldsOf sync.Map // reflect.Type → map[string]reflect.Type

// jsonFields maps a struct's JSON names to their types.
func jsonFields(typ reflect.Type) map[string]reflect.Type {
	if m, ok := fieldsOf.Load(typ); ok {
		return m.(map[string]reflect.Type)
	}
	m := make(map[string]reflect.Type, typ.NumField())
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		m[name] = f.Type
	}
	fieldsOf.Store(typ, m)
	return m
}
