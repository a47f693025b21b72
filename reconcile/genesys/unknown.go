package genesys

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
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
// type with json tags) has no field for, recursing into known fields.
// Entity references may carry any of the entity's fields (only their id
// matters) and raw JSON fields are carried as they are, so neither is
// searched.
func unknownFields(data []byte, typ reflect.Type) []string {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return nil
	}
	var out []string
	walkUnknown(v, typ, "", &out)
	return out
}

func walkUnknown(v any, typ reflect.Type, path string, out *[]string) {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if len(*out) >= maxUnknown || typ == rawType || typ == refType {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		if typ.Kind() != reflect.Struct {
			return
		}
		fields := jsonFields(typ)
		for _, k := range slices.Sorted(maps.Keys(x)) {
			sub := joinPath(path, k)
			f, ok := fields[k]
			if !ok {
				if len(*out) < maxUnknown {
					*out = append(*out, sub)
				}
				continue
			}
			walkUnknown(x[k], f, sub, out)
		}
	case []any:
		if typ.Kind() != reflect.Slice {
			return
		}
		for i, e := range x {
			walkUnknown(e, typ.Elem(), fmt.Sprintf("%s[%d]", path, i), out)
		}
	}
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
