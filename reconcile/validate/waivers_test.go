package validate_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/validate"
)

// waiverRepo writes a policies directory with one policy the custom rule
// denies, and settings holding waivers.
func waiverRepo(t *testing.T, waivers string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"calls.yaml":     "name: Calls - short\nobjectType: call\nretentionPeriod: 30\n",
		"retainctl.yaml": "waiverMaxDays: 90\nwaivers:\n" + waivers,
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const ownerRule = "acme.owner-tag"

func validateAt(t *testing.T, dir string, now time.Time) []validate.Violation {
	t.Helper()
	v, err := validate.New(context.Background(), writeRules(t, map[string]string{"acme.rego": customRule}))
	if err != nil {
		t.Fatal(err)
	}
	_, vs, err := v.At(now).ValidateDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func findRule(vs []validate.Violation, rule string) (validate.Violation, bool) {
	for _, v := range vs {
		if v.Rule == rule {
			return v, true
		}
	}
	return validate.Violation{}, false
}

// A running waiver turns the deny into a waived finding that names its
// owner; on the day after it expires the deny is back, and says when the
// waiver ran out.
func TestWaiverSuppressesUntilItsExpiry(t *testing.T) {
	dir := waiverRepo(t, "  - {rule: acme.owner-tag, policy: \"Calls - *\", owner: qa-lead@example.com, reason: migration in progress, expires: 2027-01-31}\n")
	on := func(day string) time.Time {
		t.Helper()
		d, err := time.Parse(time.RFC3339, day)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	vs := validateAt(t, dir, on("2027-01-31T23:00:00Z"))
	got, ok := findRule(vs, ownerRule)
	if !ok || got.Severity != policy.Waived || got.Waiver == nil || got.Waiver.Owner != "qa-lead@example.com" || validate.HasDeny(vs) {
		t.Fatalf("on the last day: %+v (deny %v)", got, validate.HasDeny(vs))
	}
	vs = validateAt(t, dir, on("2027-02-01T00:00:00Z"))
	got, _ = findRule(vs, ownerRule)
	if got.Severity != policy.Deny || !strings.Contains(got.Message, "waiver expired on 2027-01-31") {
		t.Fatalf("the day after: %+v", got)
	}
}

func TestWaiverThatIsItselfWrongIsADeny(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct{ waiver, want string }{
		"no owner":        {"{rule: acme.owner-tag, policy: x, reason: r, expires: 2027-01-01}", "owner is required"},
		"no expiry":       {"{rule: acme.owner-tag, policy: x, owner: o, reason: r}", "expires is required"},
		"too long":        {"{rule: acme.owner-tag, policy: x, owner: o, reason: r, expires: 2027-06-01}", "more than waiverMaxDays (90)"},
		"not a date":      {"{rule: acme.owner-tag, policy: x, owner: o, reason: r, expires: soon}", "not a date"},
		"unwaivable rule": {"{rule: hold.overdue, policy: x, owner: o, reason: r, expires: 2027-01-01}", "cannot be waived"},
		"bad glob":        {"{rule: acme.owner-tag, policy: \"[\", owner: o, reason: r, expires: 2027-01-01}", "not a valid glob"},
	} {
		t.Run(name, func(t *testing.T) {
			vs := validateAt(t, waiverRepo(t, "  - "+tc.waiver+"\n"), now)
			bad, ok := findRule(vs, "waiver.invalid")
			if !ok || bad.Severity != policy.Deny || !strings.Contains(bad.Message, tc.want) || bad.Line != 3 {
				t.Fatalf("want a waiver.invalid deny at line 3 saying %q, got %+v", tc.want, vs)
			}
			if got, _ := findRule(vs, ownerRule); got.Severity != policy.Deny {
				t.Errorf("a wrong waiver waived %+v", got)
			}
		})
	}
}

// WaiverCases is what `retainctl verify --policies` reports.
func TestWaiverCases(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	dir := waiverRepo(t, "  - {rule: acme.owner-tag, policy: \"Calls*\", owner: o, reason: r, expires: 2027-01-01}\n"+
		"  - {rule: acme.owner-tag, policy: Email, owner: o, reason: r, expires: 2027-01-01}\n"+
		"  - {rule: acme.owner-tag, policy: Calls - short, owner: o, reason: r, expires: 2026-11-01}\n")
	vs := validateAt(t, dir, now)
	repo, err := policy.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	cs := validate.WaiverCases(repo.Settings, vs, now)
	if len(cs) != 3 || cs[0].Problem != "" || cs[0].Waived != 1 ||
		!strings.Contains(cs[1].Problem, "covers no finding") || !strings.Contains(cs[2].Problem, "expired on 2026-11-01") {
		t.Fatalf("cases %+v", cs)
	}
}
