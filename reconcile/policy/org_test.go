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
