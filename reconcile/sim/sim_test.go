package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

// rawClient speaks HTTP to an Org the way curl would.
type rawClient struct {
	t     *testing.T
	base  string
	token string
}

func newRaw(t *testing.T, opts Options) (*Org, *rawClient) {
	t.Helper()
	org, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(org)
	t.Cleanup(srv.Close)
	rc := &rawClient{t: t, base: srv.URL}
	req, _ := http.NewRequest("POST", srv.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth(DemoClientID, DemoClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if status := rc.send(req, &tok); status != 200 {
		t.Fatalf("token: %d", status)
	}
	rc.token = tok.AccessToken
	return org, rc
}

func (c *rawClient) send(req *http.Request, out any) int {
	c.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			c.t.Fatalf("answer is not JSON: %s", data)
		}
	}
	return resp.StatusCode
}

func (c *rawClient) do(method, path, contentType, body string, out any) int {
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return c.send(req, out)
}

// rawError is the ErrorBody with its arrays kept raw, to check they are
// arrays (the shallower fields win over the embedded ones).
type rawError struct {
	genesys.ErrorBody
	RawDetails json.RawMessage `json:"details"`
	RawErrors  json.RawMessage `json:"errors"`
}

func TestRejectsWhatTheAPIRejects(t *testing.T) {
	_, c := newRaw(t, Options{Demo: true})
	const pol = policiesPath
	for _, tc := range []struct {
		name, method, path, ctype, body string
		status                          int
		code, field                     string
	}{
		{"bad direction", "POST", pol, "application/json", `{"name":"a","mediaPolicies":{"callPolicy":{"conditions":{"directions":["SIDEWAYS"]}}}}`, 400, "invalid.value", "mediaPolicies.callPolicy.conditions.directions[0]"},
		{"missing name", "POST", pol, "application/json", `{"description":"no name"}`, 400, "invalid.value", "name"},
		{"wrong storage medium", "POST", pol, "application/json", `{"name":"a","mediaPolicies":{"callPolicy":{"actions":{"retentionDuration":{"archiveRetention":{"days":5,"storageMedium":"GLACIER"}}}}}}`, 400, "invalid.value", "mediaPolicies.callPolicy.actions.retentionDuration.archiveRetention.storageMedium"},
		{"bad participation", "POST", pol, "application/json", `{"name":"a","mediaPolicies":{"emailPolicy":{"conditions":{"customerParticipation":"MAYBE"}}}}`, 400, "invalid.value", "mediaPolicies.emailPolicy.conditions.customerParticipation"},
		{"bad duration mode", "POST", pol, "application/json", `{"name":"a","mediaPolicies":{"callPolicy":{"conditions":{"duration":{"durationMode":"Around"}}}}}`, 400, "invalid.value", "mediaPolicies.callPolicy.conditions.duration.durationMode"},
		{"negative days", "POST", pol, "application/json", `{"name":"a","mediaPolicies":{"chatPolicy":{"actions":{"retentionDuration":{"deleteRetention":{"days":-1}}}}}}`, 400, "invalid.value", "mediaPolicies.chatPolicy.actions.retentionDuration.deleteRetention.days"},
		{"directions on chat", "POST", pol, "application/json", `{"name":"a","mediaPolicies":{"chatPolicy":{"conditions":{"directions":["INBOUND"]}}}}`, 400, "invalid.value", "mediaPolicies.chatPolicy.conditions.directions"},
		{"malformed JSON", "POST", pol, "application/json", `{"name":`, 400, "bad.request", ""},
		{"form body", "POST", pol, "application/x-www-form-urlencoded", `name=a`, 415, "unsupported.media.type", ""},
		{"unknown id", "GET", pol + "/no-such-id", "", "", 404, "not.found", ""},
		{"unknown id put", "PUT", pol + "/no-such-id", "application/json", `{"name":"a"}`, 404, "not.found", ""},
		{"duplicate name", "POST", pol, "application/json", `{"name":"web chat - 180 DAYS"}`, 409, "conflict", "name"},
		{"patch without enabled", "PATCH", pol + "/x", "application/json", `{}`, 400, "invalid.value", "enabled"},
		{"bulk delete without ids", "DELETE", pol, "", "", 400, "bad.request", ""},
		{"retention too short", "PUT", "/api/v2/analytics/dataretention/settings", "application/json", `{"retentionDays":89}`, 400, "invalid.value", "retentionDays"},
		{"bad page size", "GET", pol + "?pageSize=abc", "", "", 400, "invalid.value", "pageSize"},
	} {
		var e rawError
		status := c.do(tc.method, tc.path, tc.ctype, tc.body, &e)
		if status != tc.status || e.Code != tc.code || e.Status != tc.status || e.ContextID == "" || e.Message == "" {
			t.Errorf("%s: got %d %+v, want %d %s", tc.name, status, e.ErrorBody, tc.status, tc.code)
			continue
		}
		if string(e.RawDetails) == "" || string(e.RawErrors) != "[]" {
			t.Errorf("%s: details/errors must be arrays: %s %s", tc.name, e.RawDetails, e.RawErrors)
		}
		var details []genesys.ErrorDetail
		_ = json.Unmarshal(e.RawDetails, &details)
		if tc.field != "" && (len(details) != 1 || details[0].FieldName != tc.field) {
			t.Errorf("%s: details %+v, want field %s", tc.name, details, tc.field)
		}
	}
}

func TestAuthErrors(t *testing.T) {
	org, c := newRaw(t, Options{})
	var e genesys.ErrorBody
	tok := c.token
	c.token = ""
	if s := c.do("GET", policiesPath, "", "", &e); s != 401 || e.Code != "authentication.required" {
		t.Fatalf("no token: %d %+v", s, e)
	}
	c.token = tok
	org.ExpireTokens()
	if s := c.do("GET", policiesPath, "", "", &e); s != 401 || e.Code != "bad.credentials" {
		t.Fatalf("expired token: %d %+v", s, e)
	}
	var oe map[string]string
	req, _ := http.NewRequest("POST", c.base+"/oauth/token", strings.NewReader("grant_type=client_credentials&client_id="+DemoClientID+"&client_secret="+DemoClientSecret))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if s := c.send(req, &oe); s != 401 || oe["error"] != "invalid_client" || oe["error_description"] == "" {
		t.Fatalf("credentials in the form, not Basic: %d %v", s, oe)
	}
}

func TestPerTokenRateLimit(t *testing.T) {
	_, c := newRaw(t, Options{RateLimit: 3})
	for range 3 {
		if s := c.do("GET", policiesPath, "", "", nil); s != 200 {
			t.Fatalf("under the limit: %d", s)
		}
	}
	req, _ := http.NewRequest("GET", c.base+policiesPath, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e genesys.ErrorBody
	_ = json.NewDecoder(resp.Body).Decode(&e)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || e.Code != "too.many.requests.retry.after" ||
		!strings.HasPrefix(e.Message, "Rate limit exceeded the maximum. Retry the request in [") {
		t.Fatalf("got %d Retry-After=%q %+v", resp.StatusCode, resp.Header.Get("Retry-After"), e)
	}
}

func TestListingEnvelope(t *testing.T) {
	_, c := newRaw(t, Options{Demo: true})
	var l genesys.Listing[genesys.Policy]
	if s := c.do("GET", policiesPath+"?pageSize=3&pageNumber=2", "", "", &l); s != 200 {
		t.Fatal(s)
	}
	if l.Total != 4 || l.PageCount != 2 || len(l.Entities) != 1 || l.PreviousURI == "" || l.NextURI != "" ||
		l.FirstURI != policiesPath+"?pageNumber=1&pageSize=3" || l.LastURI != policiesPath+"?pageNumber=2&pageSize=3" {
		t.Fatalf("envelope %+v", l)
	}
	if s := c.do("GET", policiesPath+"?pageSize=500", "", "", &l); s != 200 || l.PageSize != maxPageSize {
		t.Fatalf("page size is capped at 100: %d %d", s, l.PageSize)
	}
	// A page past the end is empty, even one whose offset overflows.
	for _, page := range []string{"3", "9223372036854775807"} {
		if s := c.do("GET", policiesPath+"?pageSize=100&pageNumber="+page, "", "", &l); s != 200 || len(l.Entities) != 0 || l.Total != 4 {
			t.Fatalf("page %s: %d %+v", page, s, l)
		}
	}
}

func TestStatePersistsAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	org, c := newRaw(t, Options{Demo: true, StatePath: path, Seed: 3})
	var created genesys.Policy
	if s := c.do("POST", policiesPath, "application/json", `{"name":"Kept"}`, &created); s != 200 {
		t.Fatal(s)
	}
	before := len(org.Recordings(""))
	org2, err := New(Options{Demo: true, StatePath: path, Seed: 99})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(org2.st.Policies); n != 5 {
		t.Fatalf("reloaded %d policies, want 5", n)
	}
	if len(org2.Recordings("")) != before {
		t.Fatal("recordings must be regenerated from the stored seed")
	}
}

func TestDeterministicGivenSeed(t *testing.T) {
	a, _ := New(Options{Seed: 5, Demo: true})
	b, _ := New(Options{Seed: 5, Demo: true})
	ra, rb := a.Recordings("chat"), b.Recordings("chat")
	if len(ra) != len(rb) || ra[0].RecordingID != rb[0].RecordingID || a.st.Policies[0].ID != b.st.Policies[0].ID {
		t.Fatal("the same seed must give the same org")
	}
	for _, media := range []string{"call", "chat", "email", "message"} {
		if n := len(a.Recordings(media)); n < 300 || n > 3000 {
			t.Errorf("%s: %d recordings", media, n)
		}
	}
}

// The enabled filter takes true or false in any case and refuses the rest,
// and a policy sent without "enabled" is stored, and answered, as disabled.
func TestEnabledFilter(t *testing.T) {
	_, c := newRaw(t, Options{})
	const path = "/api/v2/recording/mediaretentionpolicies"
	var created genesys.Policy
	if code := c.do("POST", path, "application/json", `{"name":"quiet"}`, &created); code != 200 || created.Enabled == nil || *created.Enabled {
		t.Fatalf("create without enabled: %d %+v", code, created)
	}
	var list genesys.Listing[genesys.Policy]
	if code := c.do("GET", path+"?enabled=FALSE", "", "", &list); code != 200 || len(list.Entities) != 1 {
		t.Errorf("enabled=FALSE: %d %+v", code, list)
	}
	var e rawError
	if code := c.do("GET", path+"?enabled=maybe", "", "", &e); code != 400 || e.Code != "invalid.value" {
		t.Errorf("enabled=maybe: %d %+v", code, e)
	}
}

// The analytics data retention cannot go below what a policy keeps.
func TestRetentionCeilingBelowAPolicyRefused(t *testing.T) {
	_, c := newRaw(t, Options{})
	const retentionPath = "/api/v2/analytics/dataretention/settings"
	put := func(days int) (int, rawError) {
		var e rawError
		s := c.do("PUT", retentionPath, "application/json", fmt.Sprintf(`{"retentionDays":%d}`, days), &e)
		return s, e
	}
	if s, _ := put(120); s != 200 {
		t.Fatalf("no policies: %d", s)
	}
	var p genesys.Policy
	body := `{"name":"Chats kept 400 days","actions":{"retentionDuration":{"deleteRetention":{"days":10}}},` +
		`"mediaPolicies":{"callPolicy":{"actions":{"retentionDuration":{"deleteRetention":{"days":200}}}},` +
		`"chatPolicy":{"actions":{"retentionDuration":{"deleteRetention":{"days":400}}}}}}`
	if s := c.do("POST", policiesPath, "application/json", body, &p); s != 200 {
		t.Fatalf("create: %d", s)
	}
	s, e := put(399)
	var d []genesys.ErrorDetail
	_ = json.Unmarshal(e.RawDetails, &d)
	if s != 400 || e.Code != "invalid.value" || len(d) != 1 || d[0].FieldName != "retentionDays" ||
		!strings.Contains(e.Message, "Chats kept 400 days") || !strings.Contains(e.Message, "400") {
		t.Fatalf("below the chat policy's 400 days: %d %+v", s, e.ErrorBody)
	}
	var dr genesys.DataRetention
	if c.do("GET", retentionPath, "", "", &dr); dr.RetentionDays != 120 {
		t.Fatalf("a refused PUT changed the setting: %d", dr.RetentionDays)
	}
	if s, e := put(400); s != 200 {
		t.Fatalf("equal to the longest policy: %d %+v", s, e.ErrorBody)
	}
	// A policy-level delete retention counts as well.
	if s := c.do("POST", policiesPath, "application/json", `{"name":"Top level","actions":{"retentionDuration":{"deleteRetention":{"days":900}}}}`, &p); s != 200 {
		t.Fatalf("create: %d", s)
	}
	if s, e := put(800); s != 400 || !strings.Contains(e.Message, "Top level") {
		t.Fatalf("below the top-level 900 days: %d %+v", s, e.ErrorBody)
	}
	if s := c.do("DELETE", policiesPath+"/"+p.ID, "", "", nil); s != 200 {
		t.Fatal(s)
	}
	if s, e := put(800); s != 200 {
		t.Fatalf("after deleting that policy: %d %+v", s, e.ErrorBody)
	}
}
