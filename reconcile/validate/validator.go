package validate

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"
	opa "github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"golang.org/x/sync/errgroup"

	"github.com/retainctl/retainctl/reconcile/overlap"
	"github.com/retainctl/retainctl/reconcile/policy"
	rules "github.com/retainctl/retainctl/rego"
)

// unsafeBuiltins are refused in every module, embedded or custom: rules
// read policies, they never reach the network or the process environment
// (which holds the Genesys client secret when plan and apply run).
var unsafeBuiltins = map[string]struct{}{
	"http.send":          {},
	"net.lookup_ip_addr": {},
	"opa.runtime":        {},
}

// RulesRoot is the package under which every module's deny and warn rules
// are collected: a custom module adds rules by declaring them in its own
// package below it.
const RulesRoot = "data.retainctl.rules"

// Validator holds the prepared queries over the embedded and custom rules:
// one per rules package, so that packages evaluate in parallel over the same
// input. Every package still sees every policy. It is safe for concurrent use.
type Validator struct {
	groups []group
	now    time.Time // the day holds and waivers are judged on; zero: the clock
}

// At returns a validator that judges holds and waivers as of now, for a
// plan reviewed ahead of time or a test of an expiry.
func (v *Validator) At(now time.Time) *Validator {
	c := *v
	c.now = now
	return &c
}

func (v *Validator) today() time.Time {
	if v.now.IsZero() {
		return time.Now()
	}
	return v.now
}

// group is the prepared query of one rules package and its deny/warn sets.
type group struct {
	query opa.PreparedEvalQuery
	refs  []ruleRef
}

// ruleRef is one deny or warn rule set, bound to a query variable.
type ruleRef struct {
	binding, pkg string
	severity     Severity
}

// New compiles the embedded rules and the .rego files of customRulesDir (none
// when empty). A custom module that does not parse or compile is an error
// naming its file and line.
func New(ctx context.Context, customRulesDir string) (*Validator, error) {
	mods, data, err := loadRules(customRulesDir, false)
	if err != nil {
		return nil, err
	}
	v := &Validator{}
	// The modules are compiled once, by the first query, into a compiler
	// the others share: compiling them for each package's query was most of
	// the time every command spent before reading a policy.
	compiler := ast.NewCompiler().WithUnsafeBuiltins(unsafeBuiltins).WithUseTypeCheckAnnotations(true)
	store := inmem.NewFromObject(data)
	for i, refs := range byPackage(rulesRefs(mods)) {
		opts := []func(*opa.Rego){opa.Query(query(refs)), opa.Store(store), opa.Compiler(compiler), opa.UnsafeBuiltins(unsafeBuiltins)}
		if i == 0 {
			for _, m := range slices.Sorted(maps.Keys(mods)) {
				opts = append(opts, opa.ParsedModule(mods[m]))
			}
		}
		pq, err := opa.New(opts...).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("compiling rules: %w", err)
		}
		v.groups = append(v.groups, group{query: pq, refs: refs})
	}
	return v, nil
}

// ValidateDir loads dir and validates it: the loader's problems and the
// rules' findings, sorted. The error is for a directory that cannot be used
// at all (missing, no policy files) or a failed evaluation.
func (v *Validator) ValidateDir(ctx context.Context, dir string) (policy.Repo, []Violation, error) {
	repo, err := policy.Load(dir)
	var loadErr *policy.LoadError
	if err != nil && !errors.As(err, &loadErr) {
		return repo, nil, err
	}
	vs, err := v.Validate(ctx, repo)
	if err != nil {
		return repo, nil, err
	}
	if loadErr != nil {
		vs = append(vs, FromProblems(loadErr.Problems)...)
		Sort(vs)
	}
	return repo, vs, nil
}

// Validate evaluates every rule over the whole repository, adds the Go
// checks, and returns the violations sorted. The packages' queries share
// one converted input and run concurrently, one per CPU.
func (v *Validator) Validate(ctx context.Context, repo policy.Repo) ([]Violation, error) {
	conflicts, omitted := overlap.Bound(repo.Policies, distinctNames(repo.Policies, overlap.Conflicts(repo.Policies, repo.Settings.Conflicts.WindowDays)))
	now := v.today()
	parsed, err := input(repo, conflicts, now)
	if err != nil {
		return nil, fmt.Errorf("rules input: %w", err)
	}
	found := make([][]Violation, len(v.groups))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, grp := range v.groups {
		g.Go(func() (err error) {
			found[i], err = grp.eval(gctx, parsed)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := append(timezoneViolations(repo.Policies), slices.Concat(found...)...)
	out = append(out, unlistedOverlaps(repo, omitted)...)
	atKeys(out, repo)
	out = Waive(out, repo.Settings, now)
	Sort(out)
	return out, nil
}

// distinctNames drops the overlaps of two policies of one name: that is one
// mistake, reported as policy.duplicate-name, not a policy overlapping
// itself.
func distinctNames(ps []policy.Policy, cs []overlap.Conflict) []overlap.Conflict {
	return slices.DeleteFunc(cs, func(c overlap.Conflict) bool {
		return policy.NameKey(ps[c.Policy].Name) == policy.NameKey(ps[c.Other].Name)
	})
}

// atKeys moves each finding that names a key to that key's line. Rules name
// the key rather than look the line up, so that the lines of every key of
// every policy need not travel in the rules' input.
func atKeys(vs []Violation, repo policy.Repo) {
	type at struct {
		file string
		line int
	}
	sources := make(map[at]policy.Source, len(repo.Policies)+len(repo.Holds))
	for _, p := range repo.Policies {
		sources[at{p.Source.File, p.Source.Line}] = p.Source
	}
	for _, h := range repo.Holds {
		sources[at{h.Source.File, h.Source.Line}] = h.Source
	}
	for i, v := range vs {
		if src, ok := sources[at{v.File, v.Line}]; ok && v.Key != "" {
			vs[i].Line = src.LineOf(v.Key)
		}
	}
}

func (grp group) eval(ctx context.Context, in ast.Value) ([]Violation, error) {
	rs, err := grp.query.Eval(ctx, opa.EvalParsedInput(in))
	if err != nil {
		return nil, fmt.Errorf("evaluating rules: %w", err)
	}
	var out []Violation
	if len(rs) == 1 {
		for _, r := range grp.refs {
			vs, err := decodeSet(r, rs[0].Bindings[r.binding])
			if err != nil {
				return nil, err
			}
			out = append(out, vs...)
		}
	}
	return out, nil
}

// rulesRefs finds every package's deny and warn under RulesRoot, sorted,
// each bound to its own query variable.
func rulesRefs(mods map[string]*ast.Module) []ruleRef {
	root := ast.MustParseRef(RulesRoot)
	byRef := map[string]ruleRef{}
	for _, m := range mods {
		if !m.Package.Path.HasPrefix(root) {
			continue
		}
		for _, r := range m.Rules {
			head := r.Head.Ref()
			if len(head) != 1 || (head[0].String() != string(Deny) && head[0].String() != string(Warn)) {
				continue
			}
			ref := m.Package.Path.Append(ast.StringTerm(head[0].String())).String()
			byRef[ref] = ruleRef{pkg: strings.TrimPrefix(m.Package.Path.String(), "data."), severity: Severity(head[0].String())}
		}
	}
	var refs []ruleRef
	for i, ref := range slices.Sorted(maps.Keys(byRef)) {
		r := byRef[ref]
		r.binding = fmt.Sprintf("r%d", i)
		refs = append(refs, r)
	}
	return refs
}

// byPackage groups sorted refs by their package.
func byPackage(refs []ruleRef) [][]ruleRef {
	var out [][]ruleRef
	for i, r := range refs {
		if i == 0 || r.pkg != refs[i-1].pkg {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], r)
	}
	return out
}

// query binds each ref's set to its variable: "r0 := data...deny; ...".
func query(refs []ruleRef) string {
	terms := make([]string, len(refs))
	for i, r := range refs {
		terms[i] = fmt.Sprintf("%s := data.%s.%s", r.binding, r.pkg, r.severity)
	}
	return strings.Join(terms, "; ")
}

// decodeSet reads one deny or warn set: objects {rule, msg, policy, file,
// line} as the embedded rules make them, or plain messages (conftest style).
func decodeSet(r ruleRef, x any) ([]Violation, error) {
	set, ok := x.([]any)
	if !ok {
		return nil, fmt.Errorf("rule %s.%s must be a set (deny contains ... if ...), got %T", r.pkg, r.severity, x)
	}
	out := make([]Violation, 0, len(set))
	for _, e := range set {
		v := Violation{Rule: r.pkg, Severity: r.severity}
		switch e := e.(type) {
		case string:
			v.Message = e
		case map[string]any:
			var raw struct {
				Rule, Msg, Message, Policy, File, Key string
				Line                                  json.Number
			}
			b, _ := json.Marshal(e)
			if err := json.Unmarshal(b, &raw); err != nil {
				return nil, fmt.Errorf("rule %s.%s: a violation must be {rule, msg, policy, file, line}: %w", r.pkg, r.severity, err)
			}
			line, _ := raw.Line.Int64()
			v.Rule = cmp.Or(raw.Rule, r.pkg)
			v.Message, v.Policy, v.File, v.Line, v.Key = cmp.Or(raw.Msg, raw.Message), raw.Policy, raw.File, int(line), raw.Key
		default:
			return nil, fmt.Errorf("rule %s.%s: a violation must be an object or a string, got %T", r.pkg, r.severity, e)
		}
		out = append(out, v)
	}
	return out, nil
}

// loadRules reads the embedded modules and data, and the custom directory's
// .rego files; withTests keeps the *_test.rego modules.
func loadRules(customDir string, withTests bool) (map[string]*ast.Module, map[string]any, error) {
	filter := func(_ string, info fs.FileInfo, _ int) bool {
		if info.IsDir() {
			return false
		}
		isTest := strings.HasSuffix(info.Name(), "_test.rego")
		return (isTest && !withTests) || !(strings.HasSuffix(info.Name(), ".rego") || info.Name() == "data.json")
	}
	embedded, err := loader.NewFileLoader().WithFS(rules.FS).Filtered([]string{"."}, filter)
	if err != nil {
		return nil, nil, fmt.Errorf("embedded rules: %w", err)
	}
	mods := embedded.ParsedModules()
	if customDir == "" {
		return mods, embedded.Documents, nil
	}
	if info, err := os.Stat(customDir); err != nil || !info.IsDir() {
		return nil, nil, fmt.Errorf("--rules %s: not a readable directory", customDir)
	}
	regoOnly := func(p string, info fs.FileInfo, d int) bool {
		return filter(p, info, d) || (!info.IsDir() && info.Name() == "data.json")
	}
	custom, err := loader.NewFileLoader().Filtered([]string{customDir}, regoOnly)
	if err != nil {
		return nil, nil, fmt.Errorf("custom rules in %s: %w", customDir, err)
	}
	maps.Copy(mods, custom.ParsedModules())
	return mods, embedded.Documents, nil
}
