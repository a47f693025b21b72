package sim

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

// The simulator refuses what the per-media models of the official SDKs do
// not have, as the platform does, naming the field.
func TestRefusesFieldsTheModelsLack(t *testing.T) {
	_, c := newRaw(t, Options{})
	for _, tc := range []struct{ name, body, field string }{
		{"languages at the policy level", `{"name":"a","conditions":{"languages":[{"id":"l"}]}}`, "conditions.languages"},
		{"duration on email", `{"name":"a","mediaPolicies":{"emailPolicy":{"conditions":{"duration":{"durationMode":"Over"}}}}}`, "mediaPolicies.emailPolicy.conditions.duration"},
		{"customerParticipation on calls", `{"name":"a","mediaPolicies":{"callPolicy":{"conditions":{"customerParticipation":"YES"}}}}`, "mediaPolicies.callPolicy.conditions.customerParticipation"},
		{"directions on chat", `{"name":"a","mediaPolicies":{"chatPolicy":{"conditions":{"directions":["INBOUND"]}}}}`, "mediaPolicies.chatPolicy.conditions.directions"},
		{"an unknown top-level field", `{"name":"a","excludeHolidays":true}`, "excludeHolidays"},
		{"an unknown media policy", `{"name":"a","mediaPolicies":{"videoPolicy":{}}}`, "mediaPolicies.videoPolicy"},
		{"a full entity in a reference", `{"name":"a","mediaPolicies":{"callPolicy":{"conditions":{"forQueues":[{"id":"q","division":{"id":"d"}}]}}}}`, "mediaPolicies.callPolicy.conditions.forQueues[0].division"},
		{"days as text", `{"name":"a","mediaPolicies":{"callPolicy":{"actions":{"retentionDuration":{"deleteRetention":{"days":"90"}}}}}}`, "mediaPolicies.callPolicy.actions.retentionDuration.deleteRetention.days"},
		{"a slot on day 9", `{"name":"a","mediaPolicies":{"callPolicy":{"conditions":{"timeAllowed":{"timeSlots":[{"day":9,"startTime":"08:00:00.000","stopTime":"09:00:00.000"}]}}}}}`, "mediaPolicies.callPolicy.conditions.timeAllowed.timeSlots[0].day"},
		{"media types other than CALL and CHAT", `{"name":"a","conditions":{"mediaTypes":["EMAIL"]}}`, "conditions.mediaTypes[0]"},
		{"a date range that is no interval", `{"name":"a","mediaPolicies":{"chatPolicy":{"conditions":{"dateRanges":["2024-01-01"]}}}}`, "mediaPolicies.chatPolicy.conditions.dateRanges[0]"},
	} {
		var e rawError
		status := c.do("POST", policiesPath, "application/json", tc.body, &e)
		var details []genesys.ErrorDetail
		_ = json.Unmarshal(e.RawDetails, &details)
		if status != 400 || e.Code != "invalid.value" || len(details) != 1 || details[0].FieldName != tc.field {
			t.Errorf("%s: %d %s %+v, want 400 invalid.value on %s", tc.name, status, e.Code, details, tc.field)
		}
	}
}

// Every field the models have is stored and answered as it was sent.
func TestEchoesEveryFieldItAccepts(t *testing.T) {
	_, c := newRaw(t, Options{})
	sent, err := os.ReadFile("testdata/rich-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var created map[string]any
	if status := c.do("POST", policiesPath, "application/json", string(sent), &created); status != 200 {
		t.Fatalf("create: %d %v", status, created)
	}
	var got map[string]any
	if status := c.do("GET", policiesPath+"/"+created["id"].(string), "", "", &got); status != 200 {
		t.Fatal(status)
	}
	for _, k := range []string{"id", "createdDate", "modifiedDate", "selfUri"} {
		delete(got, k)
	}
	var want map[string]any
	_ = json.Unmarshal(sent, &want)
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		t.Errorf("the answer differs from what was sent:\n%s", g)
	}
}

// jobOf creates a job and takes it to READY, returning it or the error.
func jobOf(t *testing.T, c *rawClient, body string) (genesys.RecordingJob, rawError, int) {
	t.Helper()
	var j genesys.RecordingJob
	var e rawError
	raw := map[string]any{}
	status := c.do("POST", jobsPath, "application/json", body, &raw)
	data, _ := json.Marshal(raw)
	if status != 202 {
		_ = json.Unmarshal(data, &e)
		return j, e, status
	}
	_ = json.Unmarshal(data, &j)
	for range 3 {
		c.do("GET", jobsPath+"/"+j.ID, "", "", &j)
	}
	c.do("DELETE", jobsPath+"/"+j.ID, "", "", nil)
	return j, e, status
}

var simNow = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func count(recs []Recording, keep func(Recording) bool) int {
	n := 0
	for _, r := range recs {
		if keep(r) {
			n++
		}
	}
	return n
}

// Clauses, conversation filters and limit narrow a job exactly; nothing a
// job says is ignored.
func TestJobsApplyEveryFieldTheyAccept(t *testing.T) {
	org, c := newRaw(t, Options{Seed: 4, Now: func() time.Time { return simNow }})
	recs := org.Recordings("")
	interval := "2024-01-01T00:00:00Z/2026-01-01T00:00:00Z"
	inInterval := func(r Recording) bool {
		return !r.CreatedAt.Before(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) && r.CreatedAt.Before(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	q0, q1 := Queues[0], Queues[1]
	tests := []struct {
		name  string
		query string
		want  func(Recording) bool
	}{
		{"segment clauses", `"segmentFilters":[{"type":"and","predicates":[{"dimension":"mediaType","value":"voice"}],` +
			`"clauses":[{"type":"or","predicates":[{"dimension":"queueId","value":"` + q0 + `"},{"dimension":"queueId","value":"` + q1 + `"}]},` +
			`{"type":"and","predicates":[{"dimension":"direction","value":"inbound"}]}]}]`,
			func(r Recording) bool {
				return r.MediaType == "voice" && (r.QueueID == q0 || r.QueueID == q1) && r.Direction == "inbound"
			}},
		{"conversation filters", `"conversationFilters":[{"type":"or","predicates":[{"dimension":"conversationId","value":"` + recs[0].ConversationID + `"}]}]`,
			func(r Recording) bool { return r.ConversationID == recs[0].ConversationID }},
		{"originating direction", `"conversationFilters":[{"type":"and","predicates":[{"dimension":"originatingDirection","value":"outbound"}]}]`,
			func(r Recording) bool { return r.Direction == "outbound" }},
		{"notExists", `"segmentFilters":[{"type":"and","predicates":[{"dimension":"queueId","operator":"notExists"}]}]`,
			func(Recording) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, e, status := jobOf(t, c, `{"action":"DELETE","actionAge":1,"conversationQuery":{"interval":"`+interval+`",`+tt.query+`}}`)
			want := count(recs, func(r Recording) bool { return inInterval(r) && tt.want(r) })
			if status != 202 || j.State != genesys.JobReady || j.TotalRecordings != want {
				t.Errorf("%d %+v: job %s with %d recordings, want READY with %d", status, e.ErrorBody, j.State, j.TotalRecordings, want)
			}
		})
	}
	j, _, _ := jobOf(t, c, `{"action":"DELETE","conversationQuery":{"interval":"`+interval+`","order":"asc","limit":7}}`)
	if j.TotalConversations != 7 {
		t.Errorf("limit 7: %d conversations", j.TotalConversations)
	}
}

// A job the simulator cannot apply exactly is refused, never widened.
func TestJobsRefuseWhatTheyCannotApply(t *testing.T) {
	_, c := newRaw(t, Options{Now: func() time.Time { return simNow }})
	in := `"interval":"2024-01-01T00:00:00Z/2025-01-01T00:00:00Z"`
	for _, tc := range []struct{ name, body, field string }{
		{"an empty filter", `{"action":"DELETE","conversationQuery":{` + in + `,"segmentFilters":[{"type":"or"}]}}`, "conversationQuery.segmentFilters[0]"},
		{"a metric predicate", `{"action":"DELETE","conversationQuery":{` + in + `,"segmentFilters":[{"type":"or","predicates":[{"type":"metric","metric":"tSegmentDuration","range":{"gt":60}}]}]}}`, "conversationQuery.segmentFilters[0].predicates[0].type"},
		{"an unmodelled dimension", `{"action":"DELETE","conversationQuery":{` + in + `,"segmentFilters":[{"type":"or","predicates":[{"dimension":"ani","value":"+1"}]}]}}`, "conversationQuery.segmentFilters[0].predicates[0].dimension"},
		{"evaluation filters", `{"action":"DELETE","conversationQuery":{` + in + `,"evaluationFilters":[{"type":"or"}]}}`, "conversationQuery"},
		{"an unknown field", `{"action":"DELETE","conversationQuery":{` + in + `,"mediaTypes":["voice"]}}`, "conversationQuery.mediaTypes"},
		{"older than five years", `{"action":"DELETE","conversationQuery":{"interval":"2021-01-01T00:00:00Z/2022-01-01T00:00:00Z"}}`, "conversationQuery.interval"},
		{"both selections", `{"action":"DELETE","conversationQuery":{` + in + `},"agedConversationInterval":"2019-01-01T00:00:00Z/2019-06-01T00:00:00Z"}`, "agedConversationInterval"},
		{"an aged interval over six months", `{"action":"DELETE","agedConversationInterval":"2019-01-01T00:00:00Z/2019-08-01T00:00:00Z"}`, "agedConversationInterval"},
		{"an aged interval within five years", `{"action":"DELETE","agedConversationInterval":"2022-01-01T00:00:00Z/2022-06-01T00:00:00Z"}`, "agedConversationInterval"},
		{"neither selection", `{"action":"DELETE"}`, "conversationQuery"},
		{"clearExport on ARCHIVE", `{"action":"ARCHIVE","clearExport":true,"conversationQuery":{` + in + `}}`, "clearExport"},
		{"a screen recording age without screen recordings", `{"action":"DELETE","includeScreenRecordings":false,"screenRecordingActionAge":3,"conversationQuery":{` + in + `}}`, "includeScreenRecordings"},
	} {
		_, e, status := jobOf(t, c, tc.body)
		var details []genesys.ErrorDetail
		_ = json.Unmarshal(e.RawDetails, &details)
		if status != 400 || len(details) != 1 || details[0].FieldName != tc.field {
			t.Errorf("%s: %d %+v, want 400 on %s", tc.name, status, details, tc.field)
		}
	}
}

// agedConversationInterval selects every conversation of its window, and
// the job echoes every field it was sent.
func TestAgedConversationInterval(t *testing.T) {
	org, c := newRaw(t, Options{Seed: 2, HistoryDays: 8 * 365, Now: func() time.Time { return simNow }})
	from, to := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2019, 7, 1, 0, 0, 0, 0, time.UTC)
	body := fmt.Sprintf(`{"action":"DELETE","actionAge":30,"includeSnippetRecordings":false,"includeScreenRecordings":true,`+
		`"screenRecordingActionAge":30,"agedConversationInterval":"%s/%s"}`, from.Format(time.RFC3339), to.Format(time.RFC3339))
	j, e, status := jobOf(t, c, body)
	want := count(org.Recordings(""), func(r Recording) bool { return !r.CreatedAt.Before(from) && r.CreatedAt.Before(to) })
	if status != 202 || want == 0 || j.TotalRecordings != want {
		t.Fatalf("%d %+v: %d recordings, want %d", status, e.ErrorBody, j.TotalRecordings, want)
	}
	q := j.RecordingJobsQuery
	if q.AgedConversationInterval == "" || q.IncludeSnippetRecordings == nil || *q.IncludeSnippetRecordings || q.ScreenRecordingActionAge != 30 {
		t.Errorf("job fields not echoed: %+v", q)
	}
}

// What Genesys' Terraform provider and SDKs ask for first.
func TestIdentityEndpoints(t *testing.T) {
	_, c := newRaw(t, Options{})
	var org map[string]any
	if s := c.do("GET", "/api/v2/organizations/me", "", "", &org); s != 200 || org["defaultCountryCode"] != "US" || org["id"] == "" {
		t.Errorf("organizations/me: %d %v", s, org)
	}
	var products map[string]any
	if s := c.do("GET", "/api/v2/authorization/products", "", "", &products); s != 200 || products["total"] == nil || products["entities"] == nil {
		t.Errorf("authorization/products: %d %v", s, products)
	}
	var tok map[string]any
	if s := c.do("GET", "/api/v2/tokens/me", "", "", &tok); s != 200 || tok["OAuthClient"] == nil {
		t.Errorf("tokens/me: %d %v", s, tok)
	}
}

// With includeTotal=false the job list pages by a cursor inside nextUri.
func TestJobListCursorPaging(t *testing.T) {
	_, c := newRaw(t, Options{Now: func() time.Time { return simNow }})
	for range 3 {
		var j genesys.RecordingJob
		c.do("POST", jobsPath, "application/json", `{"action":"DELETE","conversationQuery":{"interval":"2024-01-01T00:00:00Z/2025-01-01T00:00:00Z"}}`, &j)
		c.do("DELETE", jobsPath+"/"+j.ID, "", "", nil)
	}
	next, seen := jobsPath+"?pageSize=2&includeTotal=false", 0
	for pages := 0; next != ""; pages++ {
		var page map[string]any
		if s := c.do("GET", next, "", "", &page); s != 200 || pages > 3 {
			t.Fatalf("page %d: %d %v", pages, s, page)
		}
		if _, ok := page["total"]; ok {
			t.Errorf("a cursor page has a total: %v", page)
		}
		seen += len(page["entities"].([]any))
		next, _ = page["nextUri"].(string)
		if next != "" && !strings.Contains(next, "cursor=") {
			t.Fatalf("nextUri without a cursor: %s", next)
		}
	}
	if seen != 3 {
		t.Errorf("saw %d jobs over the pages, want 3", seen)
	}
}
