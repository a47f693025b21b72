//go:build workflows

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rhysd/actionlint"
)

// exprEnv evaluates GitHub Actions expressions (${{ ... }}): actionlint
// parses them, and this file gives the parsed tree GitHub's semantics
// (loose equality, case-insensitive strings and property names, && and ||
// returning an operand). Values are JSON's: nil, bool, float64, string,
// []any and map[string]any.
type exprEnv struct {
	contexts  map[string]any // github, inputs, secrets, matrix, needs, steps, runner, env, ...
	status    string         // the job's status so far: success, failure or cancelled
	workspace string         // where hashFiles looks
}

// interpolate replaces each ${{ }} of s with its value as a string.
func (e *exprEnv) interpolate(s string) (string, error) {
	var out strings.Builder
	for {
		i := strings.Index(s, "${{")
		if i < 0 {
			return out.String() + s, nil
		}
		out.WriteString(s[:i])
		v, rest, err := e.evalPrefix(s[i+3:])
		if err != nil {
			return "", err
		}
		out.WriteString(toString(v))
		s = rest
	}
}

// value is s's value: the expression's own value (an object, a bool)
// when s is exactly one ${{ }}, else the interpolated string.
func (e *exprEnv) value(s string) (any, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "${{") {
		v, rest, err := e.evalPrefix(t[3:])
		if err == nil && strings.TrimSpace(rest) == "" {
			return v, nil
		}
	}
	return e.interpolate(s)
}

// condition evaluates an if: (with or without ${{ }}). As in GitHub, a
// condition that calls no status function means success() && (it).
func (e *exprEnv) condition(s string) (bool, error) {
	src := strings.TrimSpace(s)
	if src == "" {
		src = "success()"
	}
	if inner, ok := strings.CutPrefix(src, "${{"); ok && strings.HasSuffix(inner, "}}") {
		src = strings.TrimSuffix(inner, "}}")
	}
	if !strings.Contains(src, "success()") && !strings.Contains(src, "failure()") &&
		!strings.Contains(src, "always()") && !strings.Contains(src, "cancelled()") {
		src = "success() && (" + src + ")"
	}
	v, rest, err := e.evalPrefix(src + "}}")
	if err != nil {
		return false, err
	}
	if rest != "" {
		return false, fmt.Errorf("if: %q: text after the expression", s)
	}
	return truthy(v), nil
}

// evalPrefix evaluates the expression at the start of src, which ends
// with "}}", and returns the text after it.
func (e *exprEnv) evalPrefix(src string) (any, string, error) {
	l := actionlint.NewExprLexer(src)
	node, perr := actionlint.NewExprParser().Parse(l)
	if perr != nil {
		return nil, "", fmt.Errorf("expression %q: %s", src, perr.Message)
	}
	v, err := e.eval(node)
	if err != nil {
		return nil, "", fmt.Errorf("expression %q: %w", src[:l.Offset()], err)
	}
	return v, src[l.Offset():], nil
}

func (e *exprEnv) eval(n actionlint.ExprNode) (any, error) {
	switch n := n.(type) {
	case *actionlint.NullNode:
		return nil, nil
	case *actionlint.BoolNode:
		return n.Value, nil
	case *actionlint.IntNode:
		return float64(n.Value), nil
	case *actionlint.FloatNode:
		return n.Value, nil
	case *actionlint.StringNode:
		return n.Value, nil
	case *actionlint.VariableNode:
		v, ok := property(e.contexts, n.Name)
		if !ok {
			return nil, fmt.Errorf("unknown context %q", n.Name)
		}
		return v, nil
	case *actionlint.ObjectDerefNode:
		recv, err := e.eval(n.Receiver)
		if err != nil {
			return nil, err
		}
		v, _ := property(recv, n.Property)
		return v, nil
	case *actionlint.IndexAccessNode:
		return e.index(n)
	case *actionlint.NotOpNode:
		v, err := e.eval(n.Operand)
		return !truthy(v), err
	case *actionlint.LogicalOpNode:
		return e.logical(n)
	case *actionlint.CompareOpNode:
		return e.compare(n)
	case *actionlint.FuncCallNode:
		return e.call(n)
	}
	return nil, fmt.Errorf("%T is not supported by this runner", n)
}

func (e *exprEnv) index(n *actionlint.IndexAccessNode) (any, error) {
	recv, err := e.eval(n.Operand)
	if err != nil {
		return nil, err
	}
	idx, err := e.eval(n.Index)
	if err != nil {
		return nil, err
	}
	if arr, ok := recv.([]any); ok {
		i, ok := idx.(float64)
		if !ok || i < 0 || int(i) >= len(arr) {
			return nil, nil
		}
		return arr[int(i)], nil
	}
	v, _ := property(recv, toString(idx))
	return v, nil
}

// logical returns an operand, as GitHub does: a && b is a when a is falsy.
func (e *exprEnv) logical(n *actionlint.LogicalOpNode) (any, error) {
	l, err := e.eval(n.Left)
	if err != nil {
		return nil, err
	}
	if truthy(l) == (n.Kind == actionlint.LogicalOpNodeKindOr) {
		return l, nil
	}
	return e.eval(n.Right)
}

func (e *exprEnv) compare(n *actionlint.CompareOpNode) (any, error) {
	l, err := e.eval(n.Left)
	if err != nil {
		return nil, err
	}
	r, err := e.eval(n.Right)
	if err != nil {
		return nil, err
	}
	switch n.Kind {
	case actionlint.CompareOpNodeKindEq:
		return looseEqual(l, r), nil
	case actionlint.CompareOpNodeKindNotEq:
		return !looseEqual(l, r), nil
	}
	a, b := toNumber(l), toNumber(r)
	switch n.Kind {
	case actionlint.CompareOpNodeKindLess:
		return a < b, nil
	case actionlint.CompareOpNodeKindLessEq:
		return a <= b, nil
	case actionlint.CompareOpNodeKindGreater:
		return a > b, nil
	default:
		return a >= b, nil
	}
}

func (e *exprEnv) call(n *actionlint.FuncCallNode) (any, error) {
	args := make([]any, len(n.Args))
	for i, a := range n.Args {
		v, err := e.eval(a)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	str := func(i int) string {
		if i < len(args) {
			return toString(args[i])
		}
		return ""
	}
	switch strings.ToLower(n.Callee) {
	case "success":
		return e.status == "success", nil
	case "failure":
		return e.status == "failure", nil
	case "cancelled":
		return e.status == "cancelled", nil
	case "always":
		return true, nil
	case "contains":
		if arr, ok := args[0].([]any); ok {
			for _, x := range arr {
				if looseEqual(x, args[1]) {
					return true, nil
				}
			}
			return false, nil
		}
		return strings.Contains(strings.ToLower(str(0)), strings.ToLower(str(1))), nil
	case "startswith":
		return strings.HasPrefix(strings.ToLower(str(0)), strings.ToLower(str(1))), nil
	case "endswith":
		return strings.HasSuffix(strings.ToLower(str(0)), strings.ToLower(str(1))), nil
	case "format":
		return format(str(0), args[1:])
	case "join":
		return join(args), nil
	case "tojson":
		b, err := json.MarshalIndent(args[0], "", "  ")
		return string(b), err
	case "fromjson":
		var v any
		if err := json.Unmarshal([]byte(str(0)), &v); err != nil {
			return nil, fmt.Errorf("fromJSON(%q): %w", str(0), err)
		}
		return v, nil
	case "hashfiles":
		return hashFiles(e.workspace, args)
	}
	return nil, fmt.Errorf("function %s() is not supported by this runner", n.Callee)
}

// format is GitHub's format(): {0} is the first argument, {{ and }} are braces.
func format(f string, args []any) (string, error) {
	var out strings.Builder
	for i := 0; i < len(f); i++ {
		switch {
		case strings.HasPrefix(f[i:], "{{"), strings.HasPrefix(f[i:], "}}"):
			out.WriteByte(f[i])
			i++
		case f[i] == '{':
			end := strings.IndexByte(f[i:], '}')
			n, err := strconv.Atoi(f[i+1 : i+max(end, 1)])
			if end < 0 || err != nil || n >= len(args) {
				return "", fmt.Errorf("format(%q): bad placeholder at %d", f, i)
			}
			out.WriteString(toString(args[n]))
			i += end
		default:
			out.WriteByte(f[i])
		}
	}
	return out.String(), nil
}

func join(args []any) string {
	sep := ","
	if len(args) > 1 {
		sep = toString(args[1])
	}
	arr, ok := args[0].([]any)
	if !ok {
		return toString(args[0])
	}
	parts := make([]string, len(arr))
	for i, x := range arr {
		parts[i] = toString(x)
	}
	return strings.Join(parts, sep)
}

// hashFiles is "" when no file matches, else a sha256 over each matching
// file's sha256. Only filepath.Glob patterns: the workflows use plain names.
func hashFiles(workspace string, patterns []any) (string, error) {
	all := sha256.New()
	found := false
	for _, p := range patterns {
		if strings.Contains(toString(p), "**") {
			return "", fmt.Errorf("hashFiles(%q): ** is not supported by this runner", p)
		}
		matches, err := filepath.Glob(filepath.Join(workspace, toString(p)))
		if err != nil {
			return "", err
		}
		for _, m := range matches {
			b, err := os.ReadFile(m)
			if err != nil {
				continue // a directory
			}
			sum := sha256.Sum256(b)
			all.Write(sum[:])
			found = true
		}
	}
	if !found {
		return "", nil
	}
	return hex.EncodeToString(all.Sum(nil)), nil
}

// property looks name up in an object, case-insensitively as GitHub does.
func property(v any, name string) (any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	if x, ok := m[name]; ok {
		return x, true
	}
	for k, x := range m {
		if strings.EqualFold(k, name) {
			return x, true
		}
	}
	return nil, false
}

func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case float64:
		return v != 0 && !math.IsNaN(v)
	case string:
		return v != ""
	}
	return true
}

func toString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		return v
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func toNumber(v any) float64 {
	switch v := v.(type) {
	case nil:
		return 0
	case bool:
		if v {
			return 1
		}
		return 0
	case float64:
		return v
	case string:
		if strings.TrimSpace(v) == "" {
			return 0
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return math.NaN()
		}
		return f
	}
	return math.NaN()
}

// looseEqual is GitHub's ==: strings compare ignoring case, other mixed
// types as numbers, objects and arrays only as the same value.
func looseEqual(a, b any) bool {
	as, aok := a.(string)
	bs, bok := b.(string)
	if aok && bok {
		return strings.EqualFold(as, bs)
	}
	switch a.(type) {
	case map[string]any, []any:
		return fmt.Sprintf("%p", a) == fmt.Sprintf("%p", b)
	}
	switch b.(type) {
	case map[string]any, []any:
		return false
	}
	if a == nil && b == nil {
		return true
	}
	return toNumber(a) == toNumber(b)
}
