//go:build sdk

package sim

// These tests hold the simulator to Genesys' official JavaScript SDK
// (purecloud-platform-client-v2, pinned in testdata/sdk/package.json): its
// typings for the models, and the SDK itself for the calls. The SDK stays
// out of the Go build; run them with
//
//	npm ci --prefix testdata/sdk
//	go test -tags sdk -run SDK ./reconcile/sim/

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// sdkDir holds the SDK's package.json and the scripts that use it.
var sdkDir = filepath.Join("..", "..", "testdata", "sdk")

// onlyInGoSDK are fields the simulator takes because the Go SDK
// (platformclientv2 188) has them, though the JavaScript SDK 262 does not.
var onlyInGoSDK = map[string][]string{
	"PolicyActions": {"mediaTranscriptions"},
}

// needSDK skips the test when node or the installed SDK is missing (fails
// it in CI, where .ci/run installs both), and returns the path of node.
func needSDK(t *testing.T) string {
	t.Helper()
	skip := t.Skipf
	if os.Getenv("CI") != "" {
		skip = t.Fatalf
	}
	bin, err := exec.LookPath("node")
	if err != nil {
		skip("node is not installed; the SDK tests need Node 20 or later")
	}
	if _, err := os.Stat(filepath.Join(sdkDir, "node_modules", "purecloud-platform-client-v2")); err != nil {
		skip("the SDK is not installed: run `npm ci --prefix testdata/sdk` at the repository root (%v)", err)
	}
	return bin
}

// node runs one of the scripts of sdkDir, bounded to a minute, and
// returns its standard output.
func node(t *testing.T, env []string, script string, args ...string) []byte {
	t.Helper()
	bin := needSDK(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{script}, args...)...)
	cmd.Dir = sdkDir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %s: %v (context: %v)\nstderr:\n%s\nstdout:\n%s", script, err, ctx.Err(), stderr.String(), stdout.String())
	}
	return stdout.Bytes()
}

// Every model the simulator checks bodies against has the fields the
// SDK's typings give it, no more and no fewer.
func TestSDKModelsMatch(t *testing.T) {
	needSDK(t)
	refs := map[string]bool{}       // entity models: deliberately narrower
	usedBy := map[string][]string{} // object model -> the fields of other models that hold it
	for owner, fields := range models {
		for field, s := range fields {
			for ; s.kind == "array"; s = *s.elem {
			}
			switch s.kind {
			case "entity":
				refs[s.model] = true
			case "object":
				usedBy[s.model] = append(usedBy[s.model], owner+"."+field)
			}
		}
	}
	// A model held only by fields of the Go SDK is the Go SDK's alone.
	goOnly := func(name string) bool {
		holders := usedBy[name]
		return len(holders) > 0 && !slices.ContainsFunc(holders, func(h string) bool {
			owner, field, _ := strings.Cut(h, ".")
			return !slices.Contains(onlyInGoSDK[owner], field)
		})
	}
	var names []string
	for name := range models {
		switch {
		case refs[name]:
		case goOnly(name):
			t.Logf("model %s: not compared, only %v (fields of the Go SDK alone) hold it", name, usedBy[name])
		default:
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var sdk map[string][]string
	out := node(t, nil, "models.mjs", names...)
	if err := json.Unmarshal(out, &sdk); err != nil {
		t.Fatalf("models.mjs printed no JSON: %v\n%s", err, out)
	}
	for _, name := range names {
		theirs, ok := sdk[name]
		if !ok || theirs == nil {
			t.Errorf("model %s: the SDK's typings have no such model", name)
			continue
		}
		for field := range models[name] {
			if !slices.Contains(theirs, field) && !slices.Contains(onlyInGoSDK[name], field) {
				t.Errorf("model %s: field %s is in the simulator, not in the SDK", name, field)
			}
		}
		for _, field := range theirs {
			if _, ok := models[name][field]; !ok {
				t.Errorf("model %s: field %s is in the SDK, not in the simulator", name, field)
			}
		}
	}
	for name, fields := range onlyInGoSDK {
		for _, f := range fields {
			if _, ok := models[name][f]; !ok {
				t.Errorf("onlyInGoSDK lists %s.%s, which the simulator lacks: drop it from the list", name, f)
			}
		}
	}
}

// driveResult is what drive.mjs prints.
type driveResult struct {
	RichPolicy struct {
		ID          string   `json:"id"`
		Equal       bool     `json:"equal"`
		Differences []string `json:"differences"`
	} `json:"richPolicy"`
	UnknownField struct {
		HTTPStatus        int             `json:"httpStatus"`
		Status            int             `json:"status"`
		Code              string          `json:"code"`
		FieldName         string          `json:"fieldName"`
		Message           string          `json:"message"`
		UnexpectedSuccess json.RawMessage `json:"unexpectedSuccess"`
	} `json:"unknownField"`
	Job struct {
		ID              string         `json:"id"`
		State           string         `json:"state"`
		States          []string       `json:"states"`
		TotalRecordings int            `json:"totalRecordings"`
		Query           map[string]any `json:"recordingJobsQuery"`
	} `json:"job"`
	Jobs struct {
		Total int      `json:"total"`
		IDs   []string `json:"ids"`
	} `json:"jobs"`
	Organization struct {
		ID                 string `json:"id"`
		DefaultCountryCode string `json:"defaultCountryCode"`
	} `json:"organization"`
	Products struct {
		Total    *int  `json:"total"`
		Entities []any `json:"entities"`
	} `json:"products"`
	Token struct {
		OAuthClient map[string]any `json:"OAuthClient"`
	} `json:"token"`
	Protection struct {
		Protect      sdkAnswer       `json:"protect"`
		AfterProtect []protectionRef `json:"afterProtect"`
		Release      sdkAnswer       `json:"release"`
		AfterRelease []protectionRef `json:"afterRelease"`
		UnknownField sdkRefusal      `json:"unknownField"`
		TooMany      sdkRefusal      `json:"tooMany"`
	} `json:"protection"`
	Directory sdkDirectory `json:"directory"`
}

// sdkDirectory is what the SDK's directory calls answered (drive.mjs,
// directory()).
type sdkDirectory struct {
	Queues      []string `json:"queues"`
	QueuesByID  []string `json:"queuesByID"`
	WrapupCodes []string `json:"wrapupCodes"`
	WrapupCode  string   `json:"wrapupCode"`
	Languages   []string `json:"languages"`
	Teams       []string `json:"teams"`
	Users       struct {
		Total     int      `json:"total"`
		PageCount int      `json:"pageCount"`
		Types     []string `json:"types"`
		Emails    []string `json:"emails"`
	} `json:"users"`
	UsersByID []string   `json:"usersByID"`
	BadState  sdkRefusal `json:"badState"`
}

// checkSDKDirectory checks the directory lookups through the SDK: queue
// wildcards, wrap-up codes, languages, teams across two cursor pages, the
// user search with its two Sam Lees, users by id, and a bad state refused.
func checkSDKDirectory(t *testing.T, d sdkDirectory) {
	t.Helper()
	for _, c := range []struct {
		what      string
		got, want []string
	}{
		{"getRoutingQueues({name: 'Collections*'})", d.Queues, []string{"Collections", "Collections EU"}},
		{"getRoutingQueues({id})", d.QueuesByID, []string{"Sales"}},
		{"getRoutingWrapupcodes({name: 'Dispute'})", d.WrapupCodes, []string{"Dispute"}},
		{"getRoutingWrapupcode", []string{d.WrapupCode}, []string{"Payment arrangement"}},
		{"getRoutingLanguages({name: 'Span'})", d.Languages, []string{"Spanish"}},
		{"getTeams({name: 'tier', pageSize: 1}) and its next page", d.Teams, []string{"Tier 1", "Tier 2"}},
		{"postUsersSearch EXACT Sam Lee", d.Users.Emails, []string{"sam.lee@example.com", "samuel.lee@example.com"}},
		{"getUsers({id})", d.UsersByID, []string{"Sam Lee", "Sam Lee"}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: the SDK saw %v, want %v", c.what, c.got, c.want)
		}
	}
	if u := d.Users; u.Total != 2 || u.PageCount != 1 || !slices.Equal(u.Types, []string{"users"}) {
		t.Errorf("postUsersSearch: total %d, pageCount %d, types %v", u.Total, u.PageCount, u.Types)
	}
	if r := d.BadState; r.HTTPStatus != 400 || r.Code != "invalid.value" || r.FieldName != "state" {
		t.Errorf("getUsers({state: 'gone'}): the SDK saw %d %q on %q (%s), want 400 invalid.value on state", r.HTTPStatus, r.Code, r.FieldName, r.Message)
	}
}

// sdkAnswer is a call's HTTP status and the body the SDK handed back.
type sdkAnswer struct {
	HTTPStatus int             `json:"httpStatus"`
	Body       json.RawMessage `json:"body"`
}

// sdkRefusal is what drive.mjs's refused() saw.
type sdkRefusal struct {
	HTTPStatus        int             `json:"httpStatus"`
	Status            int             `json:"status"`
	Code              string          `json:"code"`
	FieldName         string          `json:"fieldName"`
	Message           string          `json:"message"`
	UnexpectedSuccess json.RawMessage `json:"unexpectedSuccess"`
}

// The SDK itself logs in, round-trips the rich policy, is refused an
// unknown field, runs a job with segment clauses to READY and reads who
// it is.
func TestSDKDrivesTheSimulator(t *testing.T) {
	needSDK(t)
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	org, err := New(Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)

	from, to := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	q0, q1 := Queues[0], Queues[1]
	query := `{"action":"DELETE","actionAge":1,"conversationQuery":{"interval":"` + from.Format(time.RFC3339) + "/" + to.Format(time.RFC3339) + `",` +
		`"segmentFilters":[{"type":"and","predicates":[{"dimension":"mediaType","value":"voice"}],` +
		`"clauses":[{"type":"or","predicates":[{"dimension":"queueId","value":"` + q0 + `"},{"dimension":"queueId","value":"` + q1 + `"}]},` +
		`{"type":"and","predicates":[{"dimension":"direction","value":"inbound"}]}]}]}}`
	want := count(org.Recordings(""), func(r Recording) bool {
		return !r.CreatedAt.Before(from) && r.CreatedAt.Before(to) &&
			r.MediaType == "voice" && (r.QueueID == q0 || r.QueueID == q1) && r.Direction == "inbound"
	})
	if want == 0 {
		t.Fatal("the filter matches no recording: pick one that does")
	}

	policy, err := filepath.Abs(filepath.Join("testdata", "rich-policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	var protect []string
	for _, r := range org.Recordings("") {
		if len(protect) == 3 {
			break
		}
		if !slices.Contains(protect, r.ConversationID) {
			protect = append(protect, r.ConversationID)
		}
	}
	out := node(t, []string{
		"SIM_URL=" + srv.URL, "SIM_CLIENT_ID=" + DemoClientID, "SIM_CLIENT_SECRET=" + DemoClientSecret, "SIM_JOB_QUERY=" + query,
		"SIM_PROTECT_IDS=" + strings.Join(protect, ","),
	}, "drive.mjs", policy)
	var got driveResult
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("drive.mjs printed no JSON: %v\n%s", err, out)
	}

	if !got.RichPolicy.Equal || got.RichPolicy.ID == "" {
		t.Errorf("the rich policy did not come back as sent:\n%s", strings.Join(got.RichPolicy.Differences, "\n"))
	}
	u := got.UnknownField
	if u.HTTPStatus != 400 || u.Status != 400 || u.Code != "invalid.value" || u.FieldName != "conditions.languages" {
		t.Errorf("unknown field: the SDK saw %d (body status %d) %q on %q (%s; success %s), want 400 invalid.value on conditions.languages",
			u.HTTPStatus, u.Status, u.Code, u.FieldName, u.Message, u.UnexpectedSuccess)
	}
	j := got.Job
	if j.State != "READY" || j.TotalRecordings != want {
		t.Errorf("job %s went %v with %d recordings, want READY with %d", j.ID, j.States, j.TotalRecordings, want)
	}
	if cq, _ := j.Query["conversationQuery"].(map[string]any); cq == nil || cq["segmentFilters"] == nil {
		t.Errorf("the job does not echo its segment filters: %v", j.Query)
	}
	if !slices.Contains(got.Jobs.IDs, j.ID) || got.Jobs.Total < 1 {
		t.Errorf("the job list (total %d) lacks job %s: %v", got.Jobs.Total, j.ID, got.Jobs.IDs)
	}
	if got.Organization.DefaultCountryCode == "" || got.Organization.ID == "" {
		t.Errorf("organizations/me: %+v", got.Organization)
	}
	if got.Products.Total == nil || got.Products.Entities == nil {
		t.Errorf("authorization/products has no total or entities: %+v", got.Products)
	}
	if got.Token.OAuthClient["id"] != DemoClientID {
		t.Errorf("tokens/me: OAuthClient %v, want id %s", got.Token.OAuthClient, DemoClientID)
	}
	checkSDKProtection(t, got, protect)
	checkSDKDirectory(t, got.Directory)
}

// checkSDKProtection checks what the SDK saw of deletion protection: the
// PUT protects with protect left out (its default is true) and answers 200
// with a ManageDeleteProtectionResult, the POST answers AddressableEntityRefs
// of exactly the protected conversations, a release takes effect, and an
// unknown field or 101 ids are 400s naming the field.
func checkSDKProtection(t *testing.T, got driveResult, ids []string) {
	t.Helper()
	p := got.Protection
	var res struct {
		FailedUpdates []any `json:"failedUpdates"`
	}
	for name, a := range map[string]sdkAnswer{"protect": p.Protect, "release": p.Release} {
		if err := json.Unmarshal(a.Body, &res); a.HTTPStatus != 200 || err != nil || res.FailedUpdates == nil || len(res.FailedUpdates) != 0 {
			t.Errorf("PUT deletionprotection (%s): the SDK saw %d %s, want 200 {\"failedUpdates\":[]}", name, a.HTTPStatus, a.Body)
		}
	}
	want := func(stage string, refs []protectionRef, ids ...string) {
		var gotIDs []string
		for _, r := range refs {
			gotIDs = append(gotIDs, r.ID)
			if r.SelfURI != conversationsPath+"/"+r.ID {
				t.Errorf("%s: selfUri %q for %s", stage, r.SelfURI, r.ID)
			}
		}
		slices.Sort(gotIDs)
		slices.Sort(ids)
		if !slices.Equal(gotIDs, ids) {
			t.Errorf("%s: the SDK saw protected %v, want %v", stage, gotIDs, ids)
		}
	}
	want("after protecting two", p.AfterProtect, ids[0], ids[1])
	want("after releasing one", p.AfterRelease, ids[1])
	for name, r := range map[string]sdkRefusal{"unknown field": p.UnknownField, "101 ids": p.TooMany} {
		field := map[string]string{"unknown field": "recordingIds", "101 ids": "conversationIds"}[name]
		if r.HTTPStatus != 400 || r.Status != 400 || r.Code != "invalid.value" || r.FieldName != field {
			t.Errorf("deletion protection, %s: the SDK saw %d (body %d) %q on %q (%s; success %s), want 400 invalid.value on %s",
				name, r.HTTPStatus, r.Status, r.Code, r.FieldName, r.Message, r.UnexpectedSuccess, field)
		}
	}
}
