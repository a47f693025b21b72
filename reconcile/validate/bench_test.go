package validate_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/overlap"
	"github.com/retainctl/retainctl/reconcile/policy"
)

func pol(name string, objectType policy.ObjectType, days policy.Retention, fs ...policy.Filter) policy.Policy {
	return policy.Policy{Name: name, ObjectType: objectType, RetentionPeriod: days, Filters: fs}
}

func f(attr policy.Attribute, op string, v any) policy.Filter {
	return policy.Filter{Attribute: attr, Operator: op, Value: v}
}

// generate makes n policies shaped like a large organisation's: one per
// queue (every 50th shares its neighbour's queue, an overlap), some also per
// user, and call policies split by direction.
func generate(n int) []policy.Policy {
	ps := make([]policy.Policy, n)
	for i := range ps {
		t := []policy.ObjectType{"call", "chat", "email", "message"}[i%4]
		queue := i
		if i%50 == 1 {
			queue = i - 1
		}
		p := pol(fmt.Sprintf("Policy %05d", i), t, policy.Retention(30+(i%40)*20), f("queue", "EQ", fmt.Sprintf("q-%d", queue)))
		if i%5 == 0 {
			p.Filters = append(p.Filters, f("user", "IN", []any{fmt.Sprintf("u-%d", i%50), fmt.Sprintf("u-%d", i%70)}))
		}
		if t == "call" {
			p.Filters = append(p.Filters, f("direction", "EQ", []string{"INBOUND", "OUTBOUND"}[i%2]))
		}
		ps[i] = p
	}
	return ps
}

func writeYAML(tb testing.TB, dir string, ps []policy.Policy) {
	tb.Helper()
	var b strings.Builder
	for i, p := range ps {
		fmt.Fprintf(&b, "---\nname: %s\nobjectType: %s\nretentionPeriod: %d\nschedule: {frequency: DAILY, timezone: Europe/London}\n", p.Name, p.ObjectType, p.RetentionPeriod)
		if len(p.Filters) > 0 {
			b.WriteString("filters:\n")
			for _, fl := range p.Filters {
				fmt.Fprintf(&b, "  - {attribute: %s, operator: %s, value: %s}\n", fl.Attribute, fl.Operator, yamlValue(fl.Value))
			}
		}
		if (i+1)%500 == 0 || i == len(ps)-1 {
			name := filepath.Join(dir, fmt.Sprintf("p%05d.yaml", i))
			if err := os.WriteFile(name, []byte(b.String()), 0o600); err != nil {
				tb.Fatal(err)
			}
			b.Reset()
		}
	}
}

// yamlValue writes a filter value as YAML: a list as [a, b].
func yamlValue(v any) string {
	if xs, ok := v.([]any); ok {
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = fmt.Sprint(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// BenchmarkValidate10k loads 10,000 policies from YAML files and runs every
// rule and Go check over them: what `retainctl validate` does. Issue 13's
// target is under 0.5 s at GOMAXPROCS=1 (docs/BENCHMARKS.md).
func BenchmarkValidate10k(b *testing.B) {
	oneCore(b)
	dir := b.TempDir()
	writeYAML(b, dir, generate(10_000))
	v := newValidator(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		repo, vs, err := v.ValidateDir(ctx, dir)
		if err != nil || len(repo.Policies) != 10_000 {
			b.Fatalf("%d policies: %v", len(repo.Policies), err)
		}
		b.ReportMetric(float64(len(vs)), "violations")
	}
}

// oneCore runs b on one P: issue 13's target is one core's worth of CPU,
// and the rules' packages otherwise run one per CPU.
func oneCore(b *testing.B) {
	b.Cleanup(func(n int) func() { return func() { runtime.GOMAXPROCS(n) } }(runtime.GOMAXPROCS(1)))
}

// BenchmarkLoad10k is BenchmarkValidate10k's loading alone: reading and
// decoding the YAML files.
func BenchmarkLoad10k(b *testing.B) {
	oneCore(b)
	dir := b.TempDir()
	writeYAML(b, dir, generate(10_000))
	b.ReportAllocs()
	for b.Loop() {
		repo, err := policy.Load(dir)
		if err != nil || len(repo.Policies) != 10_000 {
			b.Fatalf("%d policies: %v", len(repo.Policies), err)
		}
	}
}

// BenchmarkValidate10kLoaded is BenchmarkValidate10k's rules alone, over
// policies already loaded: the overlaps, the Rego input and every rule.
func BenchmarkValidate10kLoaded(b *testing.B) {
	oneCore(b)
	dir := b.TempDir()
	writeYAML(b, dir, generate(10_000))
	repo, err := policy.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	v := newValidator(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Validate(ctx, repo); err != nil {
			b.Fatal(err)
		}
	}
}

// n policies that all overlap make n² pairs; the findings stay linear: at
// most overlap.MaxListed named partners and one summary per policy.
func TestOverlapFindingsStayLinear(t *testing.T) {
	v := newValidator(t)
	const n = 1000
	ps := make([]policy.Policy, n)
	for i := range ps {
		ps[i] = pol(fmt.Sprintf("Broad %04d", i), "call", policy.Retention(30+i*20))
	}
	vs, err := v.Validate(context.Background(), policy.Repo{Policies: ps, Settings: policy.DefaultSettings()})
	if err != nil {
		t.Fatal(err)
	}
	summaries := 0
	for _, x := range vs {
		if strings.Contains(x.Message, "more policies with longer retentions") {
			summaries++
		}
	}
	if len(vs) > n*(overlap.MaxListed+1) || summaries == 0 {
		t.Errorf("%d findings (%d summaries) for %d broad policies", len(vs), summaries, n)
	}
}

func BenchmarkValidateBroadOverlaps(b *testing.B) {
	v := newValidator(b)
	ps := make([]policy.Policy, 2000)
	for i := range ps {
		ps[i] = pol(fmt.Sprintf("Broad %04d", i), "call", policy.Retention(30+i*20))
	}
	repo := policy.Repo{Policies: ps, Settings: policy.DefaultSettings()}
	for b.Loop() {
		if _, err := v.Validate(context.Background(), repo); err != nil {
			b.Fatal(err)
		}
	}
}
