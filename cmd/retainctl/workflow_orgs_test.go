//go:build workflows

package main

import (
	"slices"
	"strings"
	"testing"
)

// orgNames are the organisations of testdata/workflows/adopter-orgs; eu
// and eu-west share a prefix, as names of one region's organisations do.
var orgNames = []string{"eu", "eu-west", "us"}

// orgSuffix is the organisation's suffix of secret names: EU_WEST.
func orgSuffix(org string) string { return strings.ReplaceAll(strings.ToUpper(org), "-", "_") }

// newOrgsWorld is an adopting repository of three organisations
// (testdata/workflows/adopter-orgs): each its own simulated organisation
// and OAuth client, its read-only client in the repository's secrets
// ..._READONLY_EU, its write clients in the environments production-eu
// and enforcement-eu.
func newOrgsWorld(t *testing.T, rel *release) (*wfWorld, map[string]simTarget) {
	orgs := map[string]simTarget{}
	vars := map[string]string{}
	var urls []string
	for _, org := range orgNames {
		orgs[org] = startSimOrg(t, org+"-client", org+"-secret-4c1d")
		vars["SIM_"+orgSuffix(org)] = orgs[org].url
		urls = append(urls, orgs[org].url)
	}
	w := newWorldFrom(t, rel, "testdata/workflows/adopter-orgs", vars)
	// An organisation's settings name its API; the runner's machine allows
	// those URLs, as whoever runs retainctl must for a private deployment.
	w.machine[envAllowedURLs] = strings.Join(urls, ",")
	w.secrets, w.environments = map[string]string{}, map[string]map[string]string{}
	for _, org := range orgNames {
		up := orgSuffix(org)
		w.secrets["GENESYSCLOUD_OAUTHCLIENT_ID_READONLY_"+up] = org + "-client"
		w.secrets["GENESYSCLOUD_OAUTHCLIENT_SECRET_READONLY_"+up] = org + "-secret-4c1d"
		for _, env := range []string{"production-", "enforcement-"} {
			w.environments[env+org] = map[string]string{"GENESYSCLOUD_OAUTHCLIENT_ID": org + "-client", "GENESYSCLOUD_OAUTHCLIENT_SECRET": org + "-secret-4c1d"}
		}
		w.bootstrap(rel.bin, []string{envAllowedURLs + "=" + w.machine[envAllowedURLs], up + "_CLIENT_ID=" + org + "-client", up + "_CLIENT_SECRET=" + org + "-secret-4c1d"}, "--org", org)
	}
	return w, orgs
}

// A change under orgs/eu/ plans and applies eu alone; one under common/,
// which all include, plans and applies all, each organisation with its
// own comment, credentials, environment and audit log.
func manyOrganisations(t *testing.T, w *wfWorld, orgs map[string]simTarget) {
	calls := strings.Replace("name: Calls\ndescription: Customer calls of the EU organisation\nobjectType: call\nschedule: {frequency: DAILY, timezone: UTC}\nretentionPeriod: 90\n", "90", "120", 1)
	eu, ev := w.openPR("eu-calls", map[string]string{"orgs/eu/calls.yaml": calls}, false)
	r := w.run(w.caller("plan.yml"), ev)
	concluded(t, r, "plan eu", "success")
	if len(r.jobs) != 2 {
		t.Errorf("a change of eu ran jobs %v", jobNames(r))
	}
	if c := w.gh.comments(eu); len(c) != 1 || !strings.HasPrefix(c[0], "<!-- retainctl:plan org=eu fingerprint=sha256:") || !strings.Contains(c[0], "organisation `eu`") {
		t.Fatalf("eu's plan comments: %q", c)
	}
	shared, ev := w.openPR("chats-60", map[string]string{"common/shared.yaml": strings.Replace(
		"name: Chats\ndescription: Chat transcripts, the same in every organisation\nobjectType: chat\nschedule: {frequency: DAILY, timezone: UTC}\nretentionPeriod: 30\n", "30", "60", 1)}, false)
	r = w.run(w.caller("plan.yml"), ev)
	for _, org := range orgNames {
		concluded(t, r, "plan "+org, "success")
	}
	if c := w.gh.comments(shared); len(c) != 3 || !slices.ContainsFunc(c, func(b string) bool { return strings.HasPrefix(b, "<!-- retainctl:plan org=us ") }) {
		t.Fatalf("the shared change's plan comments: %q", c)
	}

	r = w.run(w.caller("apply.yml"), w.mergePR(eu))
	if j := concluded(t, r, "apply eu", "success"); j.env != "production-eu" || len(r.jobs) != 2 {
		t.Errorf("eu's merge ran %v, apply eu in environment %q", jobNames(r), j.env)
	}
	if c := w.gh.comments(eu); len(c) != 2 || !strings.HasPrefix(c[1], "<!-- retainctl:apply org=eu -->") {
		t.Fatalf("eu's comments after its merge: %q", c)
	}
	auditOf(t, w, r, "eu")
	r = w.run(w.caller("apply.yml"), w.mergePR(shared))
	for _, org := range orgNames {
		if j := concluded(t, r, "apply "+org, "success"); j.env != "production-"+org {
			t.Errorf("apply %s ran in environment %q", org, j.env)
		}
		auditOf(t, w, r, org)
	}
	// eu once more, now that eu-west has saved an audit log too.
	again, ev := w.openPR("eu-calls-150", map[string]string{"orgs/eu/calls.yaml": strings.Replace(calls, "120", "150", 1)}, false)
	concluded(t, w.run(w.caller("plan.yml"), ev), "plan eu", "success")
	auditOf(t, w, concludedRun(t, w.run(w.caller("apply.yml"), w.mergePR(again)), "apply eu"), "eu")
	for org, want := range map[string][2]float64{"eu": {150, 60}, "eu-west": {90, 60}, "us": {90, 60}} {
		if calls, chats := retention(t, orgs[org], "Calls"), retention(t, orgs[org], "Chats"); calls != want[0] || chats != want[1] {
			t.Errorf("%s keeps calls %v and chats %v days, want %v", org, calls, chats, want)
		}
	}
	w.noLeaks()
}

// Drift in eu alone: eu's enforcement job fails and opens eu's issue; the
// others' jobs pass and open none.
func orgsDrift(t *testing.T, w *wfWorld, orgs map[string]simTarget) {
	calls := livePolicy(t, orgs["eu"], "Calls")
	simAPI(t, orgs["eu"], "PUT", "/api/v2/recording/mediaretentionpolicies/"+calls["id"].(string), setRetention(t, calls, 7))
	r := w.run(w.caller("enforce.yml"), w.scheduled())
	if eu := concluded(t, r, "enforce eu", "failure"); eu.env != "enforcement-eu" {
		t.Errorf("enforce eu ran in environment %q", eu.env)
	}
	for _, org := range []string{"eu-west", "us"} {
		if j := concluded(t, r, "enforce "+org, "success"); j.env != "enforcement-"+org {
			t.Errorf("enforce %s ran in environment %q", org, j.env)
		}
	}
	issues := w.gh.driftIssues()
	if len(issues) != 1 || !strings.HasPrefix(issues[0].Body, "<!-- retainctl:drift org=eu -->") || issues[0].State != "open" {
		t.Fatalf("want eu's drift issue alone, got %+v", issues)
	}
	w.noLeaks()
}

// auditOf checks the audit log the run's apply of org kept: org's own,
// and nobody else's.
func auditOf(t *testing.T, w *wfWorld, r *wfRun, org string) {
	t.Helper()
	files := w.artifactFiles(r, "retainctl-audit-"+org+"-"+w.repo.sha("main")+"-1")
	if !slices.Contains(files, org+"/retainctl-audit.jsonl") || slices.ContainsFunc(files, func(f string) bool { return !strings.HasPrefix(f, org+"/") }) {
		t.Errorf("the audit log kept by %s's apply: %q", org, files)
	}
}
