package policy

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func policyDoc(name string, days int) string {
	return "name: " + name + "\nobjectType: call\nretentionPeriod: " + strconv.Itoa(days) + "\n"
}

// An organisation includes the shared policies and overrides one by name.
func TestIncludeAndOverride(t *testing.T) {
	t.Chdir(t.TempDir())
	writeFiles(t, ".", map[string]string{
		"common/shared.yaml":      policyDoc("Calls", 90) + "---\n" + policyDoc("Chats", 30),
		"orgs/eu/retainctl.yaml":  "include: [common]\norganisation: {region: eu-west-1}\n",
		"orgs/eu/overrides.yaml":  policyDoc("calls", 365), // an override matches by name, as Genesys compares them
		"orgs/us/retainctl.yaml":  "include: [common]\n",
		"orgs/bad/retainctl.yaml": "include: [../common, missing]\n",
	})
	eu, err := Load(filepath.Join("orgs", "eu"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range eu.Policies {
		got[p.Name] = p.Source.File + ":" + p.RetentionPeriod.String()
	}
	if len(eu.Policies) != 2 || !strings.HasPrefix(got["calls"], filepath.Join("orgs", "eu")) || !strings.HasPrefix(got["Chats"], "common") {
		t.Errorf("eu: %v", got)
	}
	if eu.Settings.Organisation == nil || eu.Settings.Organisation.Region != "eu-west-1" {
		t.Errorf("organisation %+v", eu.Settings.Organisation)
	}
	us, err := Load(filepath.Join("orgs", "us"))
	if err != nil || len(us.Policies) != 2 {
		t.Fatalf("us, a directory of settings only: %v %+v", err, us.Policies)
	}
	_, err = Load(filepath.Join("orgs", "bad"))
	var le *LoadError
	if !errors.As(err, &le) || len(le.Problems) != 2 || !strings.Contains(le.Problems[0].Message, "not inside the repository") || le.Problems[1].Line != 1 {
		t.Fatalf("bad includes: %v", err)
	}
}

func TestIncludesMustNotConflict(t *testing.T) {
	t.Chdir(t.TempDir())
	writeFiles(t, ".", map[string]string{
		"common/a.yaml":          policyDoc("Calls", 90),
		"voice/a.yaml":           policyDoc("Calls", 30),
		"voice/retainctl.yaml":   "licenseTier: STANDARD\n",
		"orgs/eu/retainctl.yaml": "include: [common, voice]\n",
		"orgs/us/retainctl.yaml": "include: [common, common2]\n",
		"common2/a.yaml":         policyDoc("Calls", 60),
	})
	_, err := Load(filepath.Join("orgs", "eu"))
	if err == nil || !strings.Contains(err.Error(), "settings belong to each organisation") {
		t.Errorf("an include with settings: %v", err)
	}
	_, err = Load(filepath.Join("orgs", "us"))
	if err == nil || !strings.Contains(err.Error(), "is included from") {
		t.Errorf("one name from two includes: %v", err)
	}
}

// A shared legal hold is changed where it is shared, never quietly for one
// organisation; two includes holding one hold name must be told apart.
func TestSharedHolds(t *testing.T) {
	t.Chdir(t.TempDir())
	hold := "name: ACME\nowner: legal\nreason: r\nreviewBy: 2027-01-01\nconversations: [" + convA + "]\n"
	writeFiles(t, ".", map[string]string{
		"common/holds/acme.yaml":       hold,
		"other/holds/acme.yaml":        hold,
		"orgs/eu/retainctl.yaml":       "include: [common]\n",
		"orgs/eu/holds/acme.yaml":      hold + "released: true\n",
		"orgs/us/retainctl.yaml":       "include: [common, other]\n",
		"orgs/ok/retainctl.yaml":       "include: [common]\n",
		"common/calls.yaml":            policyDoc("Calls", 90),
		"other/calls.yaml":             policyDoc("Calls", 30),
		"orgs/ok/calls.yaml":           policyDoc("Calls", 60),
		"orgs/ok/holds/their-own.yaml": strings.Replace(hold, "ACME", "Local matter", 1),
	})
	if _, err := Load(filepath.Join("orgs", "eu")); err == nil || !strings.Contains(err.Error(), "is shared from") {
		t.Errorf("an organisation's hold named as a shared one: %v", err)
	}
	if _, err := Load(filepath.Join("orgs", "us")); err == nil || !strings.Contains(err.Error(), `hold "ACME" is included from`) {
		t.Errorf("one hold from two includes: %v", err)
	}
	ok, err := Load(filepath.Join("orgs", "ok"))
	if err != nil || len(ok.Holds) != 2 || len(ok.Policies) != 1 {
		t.Errorf("a shared hold beside the organisation's own: %v %+v", err, ok.Holds)
	}
}
