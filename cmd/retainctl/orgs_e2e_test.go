package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/policy"
	"github.com/retainctl/retainctl/reconcile/sim"
)

// twoOrgs lays out a repository of two organisations, each its own
// simulator with its own credentials, sharing common/ and one overriding a
// shared policy.
func twoOrgs(t *testing.T) {
	t.Helper()
	t.Chdir(t.TempDir())
	urls := map[string]string{}
	for _, name := range []string{"eu", "us"} {
		org, err := sim.New(sim.Options{ClientID: name + "-client", ClientSecret: name + "-secret-5d4c3b2a"})
		if err != nil {
			t.Fatal(err)
		}
		url, stop, err := org.Start(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		urls[name] = url
		up := strings.ToUpper(name)
		t.Setenv(up+"_ID", name+"-client")
		t.Setenv(up+"_SECRET", name+"-secret-5d4c3b2a")
	}
	// The simulators are on loopback, not a Genesys region: whoever runs
	// retainctl allows them, as a private deployment would.
	t.Setenv(envAllowedURLs, urls["eu"]+","+urls["us"])
	settings := func(name string) string {
		up := strings.ToUpper(name)
		return "include: [common]\naudit: {log: audit/" + name + "/retainctl-audit.jsonl}\n" +
			"organisation:\n  apiUrl: " + urls[name] + "\n  credentials: {clientIdEnv: " + up + "_ID, clientSecretEnv: " + up + "_SECRET}\n"
	}
	writeAll(t, map[string]string{
		"common/shared.yaml":     "name: Calls\nobjectType: call\nretentionPeriod: 90\n---\nname: Chats\nobjectType: chat\nretentionPeriod: 30\n",
		"orgs/eu/retainctl.yaml": settings("eu"),
		"orgs/eu/calls.yaml":     "# The EU keeps calls longer than the shared policy says.\nname: Calls\nobjectType: call\nretentionPeriod: 120\n",
		"orgs/us/retainctl.yaml": settings("us"),
	})
}

func writeAll(t *testing.T, files map[string]string) {
	t.Helper()
	for name, src := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Two organisations from one repository: a shared policy with one override
// plans differently in each, each with its own credentials; --org all runs
// both, one section each, and combines the exit codes.
func TestManyOrganisations(t *testing.T) {
	twoOrgs(t)
	retention := func(org string) policy.Retention {
		t.Helper()
		code, out, errOut := cli(t, "plan", "--org", org, "--format", "json")
		if code != exitOK {
			t.Fatalf("plan --org %s: exit %d: %s", org, code, errOut)
		}
		var p struct {
			Changes []struct {
				Name  string
				After *policy.Policy
			}
		}
		if err := json.Unmarshal([]byte(out), &p); err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Changes {
			if c.Name == "Calls" {
				return c.After.RetentionPeriod
			}
		}
		t.Fatalf("no Calls in %s", out)
		return 0
	}
	if eu, us := retention("eu"), retention("us"); eu != 120 || us != 90 {
		t.Errorf("Calls: eu %d days, us %d; want the override 120 and the shared 90", eu, us)
	}

	code, out, errOut := cli(t, "plan", "--org", "all", "--detailed-exitcode")
	if code != exitChanges || !strings.Contains(out, "== organisation eu ==") || !strings.Contains(out, "== organisation us ==") {
		t.Fatalf("plan --org all: exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(out+errOut, "secret-5d4c3b2a") {
		t.Error("an organisation's secret reached the output")
	}
	if code, _, errOut := cli(t, "apply", "--org", "eu", "--auto-approve"); code != exitOK {
		t.Fatalf("apply eu: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat("audit/eu/retainctl-audit.jsonl"); err != nil {
		t.Errorf("eu's audit log: %v", err)
	}
	if code, _, errOut := cli(t, "export", "--org", "eu", "--out", "eu-export"); code != exitOK {
		t.Fatalf("export eu: exit %d: %s", code, errOut)
	} else if b, _ := os.ReadFile("eu-export/calls.yaml"); !strings.Contains(string(b), "retentionPeriod: 120") {
		t.Errorf("export --org eu exported another organisation:\n%s", b)
	}
	if code, _, _ := cli(t, "plan", "--org", "all", "--detailed-exitcode"); code != exitChanges {
		t.Errorf("us still has changes: exit %d", code)
	}
	if code, _, _ := cli(t, "apply", "--org", "us", "--auto-approve"); code != exitOK {
		t.Fatalf("apply us: exit %d", code)
	}
	if code, out, _ := cli(t, "plan", "--org", "all", "--detailed-exitcode"); code != exitOK {
		t.Errorf("both applied: exit %d\n%s", code, out)
	}

	// A failure in one organisation wins over changes in another.
	writeAll(t, map[string]string{"orgs/us/bad.yaml": "name: Bad\nobjectType: call\nretentionPeriod: -1\n", "orgs/eu/more.yaml": "name: More\nobjectType: email\nretentionPeriod: 60\n"})
	if code, _, _ := cli(t, "plan", "--org", "all", "--detailed-exitcode"); code != exitFailure {
		t.Errorf("a deny in us and changes in eu: exit %d, want 1", code)
	}
	if code, _, errOut := cli(t, "plan", "--org", "nowhere"); code != exitUsage || !strings.Contains(errOut, "eu, us") {
		t.Errorf("an unknown organisation: exit %d: %s", code, errOut)
	}
	if code, _, _ := cli(t, "plan", "--org", ".."); code != exitUsage {
		t.Errorf("--org ..: exit %d", code)
	}
}

// An organisation's settings are in the repository a pull request changes:
// they may not send its credentials off Genesys, nor read another secret
// as them, and no organisation connects with the default credentials.
func TestOrganisationSettingsCannotRedirectCredentials(t *testing.T) {
	twoOrgs(t)
	t.Setenv("GITHUB_TOKEN", "ghp-not-for-genesys")
	for name, settings := range map[string]string{
		"elsewhere":     "organisation: {apiUrl: \"https://api.evil.example\", credentials: {clientIdEnv: EU_ID, clientSecretEnv: EU_SECRET}}\n",
		"plain http":    "organisation: {apiUrl: \"http://api.mypurecloud.ie\", credentials: {clientIdEnv: EU_ID, clientSecretEnv: EU_SECRET}}\n",
		"github token":  "organisation: {region: eu-west-1, credentials: {clientIdEnv: EU_ID, clientSecretEnv: GITHUB_TOKEN}}\n",
		"default creds": "organisation: {region: eu-west-1}\n",
	} {
		t.Run(name, func(t *testing.T) {
			writeAll(t, map[string]string{"orgs/eu/retainctl.yaml": "include: [common]\naudit: {log: audit/eu/retainctl-audit.jsonl}\n" + settings})
			code, out, errOut := cli(t, "plan", "--org", "eu")
			if code == exitOK || strings.Contains(out+errOut, "ghp-not-for-genesys") {
				t.Errorf("exit %d\n%s%s", code, out, errOut)
			}
		})
	}
}
