package render_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/mapping"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/render"
	"github.com/retainctl/retainctl/reconcile/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// link is a markdown link's "](" not escaped by a backslash.
var link = regexp.MustCompile(`(^|[^\\])\]\(`)

func pol(name string, media policy.ObjectType, days policy.Retention, fs ...policy.Filter) policy.Policy {
	return policy.Policy{Name: name, ObjectType: media, RetentionPeriod: days, Filters: fs,
		Source: policy.Source{File: "policies/" + string(media) + ".yaml", Line: 1}}
}

func liveOf(id string, p policy.Policy, managed bool) genesys.Policy {
	g := mapping.ToAPI(p, nil)
	g.ID = id
	if !managed {
		g.Description = "made in the admin UI"
	}
	return g
}

// representative covers every action, each risk, an overlap, an unmanaged
// and an orphaned policy, and a warning.
func representative(t *testing.T) plan.Plan {
	t.Helper()
	inbound := policy.Filter{Attribute: "direction", Operator: "EQ", Value: "INBOUND"}
	queues := policy.Filter{Attribute: "queue", Operator: "IN", Value: []any{"q1", "q2"}}
	shorter := pol("Inbound calls", "call", 30, inbound)
	shorter.ArchiveAfter = 7
	renamed := pol("Chat - 1 year", "chat", 365)
	renamed.RenamedFrom = "Chat"
	desired := []policy.Policy{
		shorter, renamed,
		pol("Email", "email", 730),
		pol("Messages", "message", 90),
		pol("Complaints", "call", 2555, queues),
	}
	live := []genesys.Policy{
		liveOf("id-1", pol("Inbound calls", "call", 90, inbound), true),
		liveOf("id-2", pol("Chat", "chat", 180), true),
		liveOf("id-3", pol("Messages", "message", 90), false),
		liveOf("id-4", pol("Old voicemail", "call", 60), true),
		liveOf("id-5", pol("Hand made", "email", 14), false),
	}
	s := policy.DefaultSettings()
	s.Prune = true
	p, err := plan.Build(desired, live, s)
	if err != nil {
		t.Fatal(err)
	}
	p.Violations = []validate.Violation{{Rule: "schedule.day-of-month", Severity: "warn", Message: "dayOfMonth 31 runs on the last day of shorter months", File: "policies/email.yaml", Line: 9, Policy: "Email"}}
	return p
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reconcile/render -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n%s", name, render.UnifiedDiff("want", "got", string(want), string(got)))
	}
}

// out renders doc in format f of kind k.
func out[T any](t *testing.T, k render.Kind[T], f render.Format, doc T, opt render.Options) []byte {
	t.Helper()
	r, err := k.Renderer(f)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r(&b, doc, opt); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestColourOnlyWhenAsked(t *testing.T) {
	p := representative(t)
	plain := out(t, render.Plan, render.FormatText, p, render.Options{})
	colour := out(t, render.Plan, render.FormatText, p, render.Options{Color: true})
	if bytes.Contains(plain, []byte("\x1b[")) || !bytes.Contains(colour, []byte("\x1b[31m")) {
		t.Error("colour escapes wrong")
	}
}

// User text cannot break the markdown table or inject HTML.
func TestMarkdownEscapesNames(t *testing.T) {
	p, err := plan.Build([]policy.Policy{pol("a | <script>x</script>", "call", 30)}, nil, policy.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	md := render.Markdown(p)
	inFence := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
		}
		if !inFence && strings.Contains(line, "<script>") {
			t.Errorf("raw HTML outside a code block: %q", line)
		}
	}
	if !strings.Contains(md, `a \| &lt;script&gt;`) {
		t.Errorf("name not escaped in the table:\n%s", md)
	}
}

// Hostile text — a file path with a backtick, a live id, names with
// mentions, links and images — stays plain text in the pull request.
func TestMarkdownNeutralisesHostileText(t *testing.T) {
	evil := "x` </details><img src=https://t.example/p.gif> @everyone @org/team ![](https://t.example/i) [click](https://t.example)" +
		" https://t.example/login www.t.example &#64;octocat"
	d := pol("Calls "+evil, "call", 30)
	d.Source.File = "policies/a`b</details>.yaml"
	live := liveOf("id`</details>", pol("Other "+evil, "chat", 30), false)
	p, err := plan.Build([]policy.Policy{d}, []genesys.Policy{live}, policy.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	p.Violations = []policy.Violation{{Rule: "custom`</details>", Severity: policy.Deny, File: d.Source.File, Line: 3, Policy: d.Name, Message: evil}}
	md := render.Markdown(p)
	inFence := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
		}
		if inFence {
			continue
		}
		for _, bad := range []string{"<img", "</details><img", "@everyone", "@org/team", "![](", "[click]", "https://t.", "www.t.", "&#64;"} {
			if strings.Contains(line, bad) {
				t.Errorf("%q reaches the comment as markdown: %q", bad, line)
			}
		}
		if link.MatchString(line) {
			t.Errorf("a link reaches the comment: %q", line)
		}
	}
}

func TestUnifiedDiff(t *testing.T) {
	a := "a\nb\nc\nd\ne\nf\ng\nh\ni\n"
	b := "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\n"
	want := "--- x\n+++ y\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -7,3 +7,4 @@\n g\n h\n i\n+j\n"
	if got := render.UnifiedDiff("x", "y", a, b); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if render.UnifiedDiff("x", "y", a, a) != "" {
		t.Error("equal inputs diff")
	}
	if got := render.UnifiedDiff("x", "y", "", "new\n"); got != "--- x\n+++ y\n@@ -0,0 +1 @@\n+new\n" {
		t.Errorf("from empty: %q", got)
	}
}

// A plan that could not be made says so, rather than "no changes".
func TestNotPlannedHeadline(t *testing.T) {
	p := plan.Plan{Version: plan.Version, Violations: []validate.Violation{{Rule: "policy.required", Severity: "deny", Message: "name is required", File: "p.yaml", Line: 1}}}
	for _, f := range []render.Format{render.FormatText, render.FormatMarkdown} {
		got := string(out(t, render.Plan, f, p, render.Options{}))
		if !strings.Contains(got, "Not planned") || strings.Contains(got, "No changes") {
			t.Errorf("headline:\n%s", got)
		}
	}
}
