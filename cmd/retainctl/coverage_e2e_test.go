package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/enforce"
	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/plan"
	"github.com/retainctl/retainctl/reconcile/sim"
)

// liveOrg serves an empty simulated organisation holding the given policy
// bodies (sent as a client would, so the simulator checks them), points
// retainctl at it, and returns a client to read it back.
func liveOrg(t *testing.T, bodies ...string) (*genesys.Client, []string) {
	t.Helper()
	t.Chdir(t.TempDir())
	org, err := sim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	t.Setenv("GENESYSCLOUD_API_URL", srv.URL)
	t.Setenv("GENESYSCLOUD_OAUTHCLIENT_ID", sim.DemoClientID)
	t.Setenv("GENESYSCLOUD_OAUTHCLIENT_SECRET", sim.DemoClientSecret)
	client, err := genesys.New(genesys.Config{BaseURL: srv.URL, ClientID: sim.DemoClientID, ClientSecret: sim.DemoClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, b := range bodies {
		var p genesys.Policy
		if err := json.Unmarshal([]byte(b), &p); err != nil {
			t.Fatal(err)
		}
		got, err := client.CreatePolicy(context.Background(), p)
		if err != nil {
			t.Fatalf("the simulator refused a fixture: %v", err)
		}
		ids = append(ids, got.ID)
	}
	return client, ids
}

func writeYAML(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A hand-made policy using every condition and action the SDK models goes
// through export, plan, apply (adopt) and export again with nothing
// changed but the managed marker.
func TestRichPolicyRoundTrip(t *testing.T) {
	rich, err := os.ReadFile("../../reconcile/sim/testdata/rich-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	client, ids := liveOrg(t, string(rich))
	ctx := context.Background()
	before, err := client.GetPolicy(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := cli(t, "export", "--out", "first"); code != exitOK {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	exported, _ := os.ReadFile("first/rich-policy.yaml")
	for _, want := range []string{"mediaPolicies.chatPolicy", "mediaPolicies.emailPolicy", "assignEvaluations", "initiateScreenRecording",
		"policy level: keeps recordings 400 days", "durationOperator: GT", "value: PT5M", "timeAllowed:"} {
		if !strings.Contains(string(exported), want) {
			t.Errorf("the export does not show %q:\n%s", want, exported)
		}
	}
	code, out, errOut := cli(t, "plan", "--policies", "first", "--format", "json")
	if code != exitOK {
		t.Fatalf("plan: exit %d: %s", code, errOut)
	}
	var p plan.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	c := p.Changes[0]
	if c.Action != plan.Adopt || len(c.Fields) != 0 || len(c.Removed) != 0 || len(c.Kept) == 0 || c.Risk != plan.Safe {
		t.Fatalf("the adoption changes more than the marker: %+v", c)
	}
	if code, out, errOut := cli(t, "apply", "--policies", "first", "--auto-approve"); code != exitOK {
		t.Fatalf("apply: exit %d: %s%s", code, out, errOut)
	}
	after, err := client.GetPolicy(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(after.Description, "Managed by retainctl — edit in Git") {
		t.Errorf("no managed marker: %q", after.Description)
	}
	before.Description, before.ModifiedDate = after.Description, after.ModifiedDate
	if !reflect.DeepEqual(before, after) {
		b, _ := json.MarshalIndent(before, "", " ")
		a, _ := json.MarshalIndent(after, "", " ")
		t.Errorf("adoption changed the live policy:\nbefore %s\nafter  %s", b, a)
	}
	if code, _, errOut := cli(t, "export", "--out", "second"); code != exitOK {
		t.Fatalf("second export: exit %d: %s", code, errOut)
	}
	again, _ := os.ReadFile("second/rich-policy.yaml")
	strip := func(b []byte) string { _, rest, _ := strings.Cut(string(b), "\n"); return rest }
	if strip(exported) != strip(again) {
		t.Errorf("the second export differs beyond its header:\n%s\n---\n%s", exported, again)
	}
}

// A live policy whose coverage a job cannot reproduce gets no job, and
// enforce says why; nothing is deleted.
func TestEnforceRefusesTimeSlots(t *testing.T) {
	yaml := "name: Morning calls\nobjectType: call\nretentionPeriod: 30\nschedule: {frequency: DAILY}\n" +
		"timeAllowed: {timezone: Europe/Paris, slots: [{day: MONDAY, start: \"08:00\", stop: \"09:00\"}]}\n"
	liveOrg(t, `{"name":"Morning calls","enabled":true,"mediaPolicies":{"callPolicy":{"actions":{"retainRecording":true,`+
		`"retentionDuration":{"deleteRetention":{"days":30}}},"conditions":{"timeAllowed":{"timeZoneId":"Europe/Paris",`+
		`"timeSlots":[{"day":1,"startTime":"08:00:00.000","stopTime":"09:00:00.000"}]}}}}}`)
	writeYAML(t, "policies", "morning.yaml", yaml)
	if code, out, errOut := cli(t, "plan"); code != exitOK || !strings.Contains(out, "1 to adopt") || strings.Contains(out, "timeAllowed") {
		t.Fatalf("the YAML should match the live policy: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut := cli(t, "enforce", "--format", "json")
	var rep enforce.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	if len(rep.Jobs) != 0 || len(rep.Policies) != 1 || !strings.Contains(rep.Policies[0].Refused, "time of day") {
		t.Errorf("report %+v", rep)
	}
}

// A policy-level policy with media types is refused by validation, with
// the reason, and enforce deletes nothing for it.
func TestPolicyLevelPoliciesAreRefused(t *testing.T) {
	liveOrg(t, `{"name":"Legacy","enabled":true,"conditions":{"mediaTypes":["CALL"]},`+
		`"actions":{"retainRecording":true,"retentionDuration":{"deleteRetention":{"days":30}}}}`)
	writeYAML(t, "policies", "legacy.yaml", "name: Legacy\nobjectType: interaction\nretentionPeriod: 30\nschedule: {frequency: DAILY}\n")
	code, _, errOut := cli(t, "enforce")
	if code != exitFailure || !strings.Contains(errOut, "documents no scope") || !strings.Contains(errOut, "nothing was enforced") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	code, _, errOut = cli(t, "export", "--out", "exported")
	if code != exitFailure || !strings.Contains(errOut, `skipped "Legacy"`) || !strings.Contains(errOut, "policy-level") {
		t.Errorf("export: exit %d: %s", code, errOut)
	}
}

// A retention longer than the five years a filtered job reaches is not
// enforced, and the report says why.
func TestRetentionBeyondFiveYearsIsNotEnforced(t *testing.T) {
	liveOrg(t, `{"name":"Six years","enabled":true,"mediaPolicies":{"chatPolicy":{"actions":{"retainRecording":true,`+
		`"retentionDuration":{"deleteRetention":{"days":2190}}}}}}`)
	writeYAML(t, "policies", "six.yaml", "name: Six years\nobjectType: chat\nretentionPeriod: 2190\nschedule: {frequency: DAILY}\n")
	_, out, errOut := cli(t, "enforce", "--format", "json")
	var rep enforce.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%s %s", out, errOut)
	}
	if len(rep.Jobs) != 0 || !strings.Contains(rep.Policies[0].Refused, "five years") {
		t.Errorf("report %+v", rep)
	}
}

// Adopting one part of a multi-media policy keeps the other parts and says
// so; changing the object type names exactly what the update removes.
func TestMultiMediaAdoption(t *testing.T) {
	client, ids := liveOrg(t, `{"name":"Both","enabled":true,"mediaPolicies":{`+
		`"callPolicy":{"actions":{"retainRecording":true,"retentionDuration":{"deleteRetention":{"days":90}},`+
		`"assignEvaluations":[{"evaluationForm":{"id":"form-1"},"user":{"id":"qa-1"}}]}},`+
		`"chatPolicy":{"actions":{"retainRecording":true,"retentionDuration":{"deleteRetention":{"days":30}}}}}}`)
	writeYAML(t, "policies", "both.yaml", "name: Both\nobjectType: call\nretentionPeriod: 90\n")
	code, out, errOut := cli(t, "plan", "--format", "markdown")
	if code != exitOK || !strings.Contains(out, "kept as it is, not in the YAML: mediaPolicies.chatPolicy (keeps recordings 30 days)") ||
		!strings.Contains(out, "mediaPolicies.callPolicy.actions.assignEvaluations (1 evaluation assignment(s))") {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	if code, out, errOut := cli(t, "apply", "--auto-approve"); code != exitOK {
		t.Fatalf("apply: %d %s%s", code, out, errOut)
	}
	live, _ := client.GetPolicy(context.Background(), ids[0])
	if live.MediaPolicies.ChatPolicy == nil || len(live.MediaPolicies.CallPolicy.Actions.AssignEvaluations) == 0 {
		t.Fatalf("the adoption removed what the YAML cannot say: %+v", live.MediaPolicies)
	}
	writeYAML(t, "policies", "both.yaml", "name: Both\nobjectType: email\nretentionPeriod: 90\n")
	code, out, _ = cli(t, "plan", "--format", "json")
	var p plan.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil || code != exitOK {
		t.Fatalf("exit %d: %v %s", code, err, out)
	}
	c := p.Changes[0]
	if c.Risk != plan.Destructive || len(c.Removed) != 1 || c.Removed[0].Path != "mediaPolicies.callPolicy.actions.assignEvaluations" ||
		len(c.Kept) != 1 || c.Kept[0].Path != "mediaPolicies.chatPolicy" {
		t.Errorf("change %+v", c)
	}
}

// A job a crashed enforce left running holds one of the organisation's two
// slots for ever: the next run finds it through the audit log, cancels it
// and says so, and then enforces as usual.
func TestEnforceRecoversJobsLeftRunning(t *testing.T) {
	client, _ := liveOrg(t, `{"name":"Chats","enabled":true,"mediaPolicies":{"chatPolicy":{"actions":{"retainRecording":true,`+
		`"retentionDuration":{"deleteRetention":{"days":30}}}}}}`)
	writeYAML(t, "policies", "chats.yaml", "name: Chats\nobjectType: chat\nretentionPeriod: 30\nschedule: {frequency: DAILY}\n")
	ctx := context.Background()
	newJob := func() genesys.RecordingJob {
		j, err := client.CreateRecordingJob(ctx, genesys.RecordingJobsQuery{Action: genesys.JobDelete, ActionAge: 30,
			ConversationQuery: &genesys.AsyncConversationQuery{Interval: "2025-01-01T00:00:00Z/2025-02-01T00:00:00Z"}})
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	// The second job is logged by a run against another organisation: only
	// that organisation can answer for it, so this run leaves it alone.
	left, elsewhere := newJob(), newJob()
	created := func(seq int, org, job string) string {
		return fmt.Sprintf(`{"id":"e%d","time":"2026-11-30T12:00:00Z","runId":"crashed-run","seq":%d,"org":%q,"type":"job.created","jobId":%q,"policy":"Chats","action":"DELETE"}`+"\n", seq, seq, org, job)
	}
	writeYAML(t, "audit", "retainctl-audit.jsonl", created(1, os.Getenv("GENESYSCLOUD_API_URL"), left.ID)+created(2, "https://api.mypurecloud.de", elsewhere.ID))
	code, out, errOut := cli(t, "enforce", "--format", "json")
	var rep enforce.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitOK {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	if len(rep.Recovered) != 1 || !strings.Contains(rep.Recovered[0], left.ID) || !strings.Contains(rep.Recovered[0], "cancelled") {
		t.Errorf("recovered %v", rep.Recovered)
	}
	if j, err := client.GetRecordingJob(ctx, left.ID); err != nil || j.State != genesys.JobCancelled {
		t.Errorf("the job left running: %+v %v", j, err)
	}
	if j, err := client.GetRecordingJob(ctx, elsewhere.ID); err != nil || j.State == genesys.JobCancelled {
		t.Errorf("another organisation's job was settled: %+v %v", j, err)
	}
	if rep.Totals.Succeeded == 0 {
		t.Errorf("the run did not enforce after recovering: %+v", rep.Totals)
	}
	if code, out, _ := cli(t, "enforce", "--format", "json"); code != exitOK || strings.Contains(out, `"recovered"`) {
		t.Errorf("a second run recovered again (exit %d): %s", code, out)
	}
}
