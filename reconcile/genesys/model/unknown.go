package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
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
	if !w.value(typ, "") {
		return nil // not JSON: the decoder has said so already
	}
	return w.out
}

type tokenWalker struct {
	dec *json.Decoder
	out []string
}

func (w *tokenWalker) note(path string) {
	if len(w.out) < maxUnknown {
		w.out = append(w.out, path)
	}
}

// value reads one value of type typ (nil: any) at path; false on a
// malformed document.
func (w *tokenWalker) value(typ reflect.Type, path string) bool {
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
		var fields map[string]reflect.Type
		if typ != nil && typ.Kind() == reflect.Struct {
			fields = jsonFields(typ)
		}
		seen := map[string]bool{}
		for w.dec.More() {
			key, err := w.dec.Token()
			if err != nil {
				return false
			}
			k, _ := key.(string)
			sub := joinPath(path, k)
			if seen[k] {
				w.note(sub + " (twice)")
			}
			seen[k] = true
			f, known := fields[k]
			if fields != nil && !known {
				w.note(sub)
			}
			if !w.value(f, sub) {
				return false
			}
		}
		_, err = w.dec.Token()
		return err == nil
	case json.Delim('['):
		var elem reflect.Type
		if typ != nil && typ.Kind() == reflect.Slice {
			elem = typ.Elem()
		}
		for i := 0; w.dec.More(); i++ {
			if !w.value(elem, fmt.Sprintf("%s[%d]", path, i)) {
				return false
			}
		}
		_, err = w.dec.Token()
		return err == nil
	}
	return true
}

// jsonFields maps a struct's JSON names to their types.
func jsonFields(typ reflect.Type) map[string]reflect.Type {
	m := make(map[string]reflect.Type, typ.NumField())
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		m[name] = f.Type
	}
	return m
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
