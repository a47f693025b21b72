package sim

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

// idsBody is a ConversationDeletionProtectionQuery.
func idsBody(ids ...string) string {
	b, _ := json.Marshal(map[string][]string{"conversationIds": ids})
	return string(b)
}

// protectedOf asks the simulator which of ids are protected.
func protectedOf(t *testing.T, c *rawClient, ids ...string) []protectionRef {
	t.Helper()
	var refs []protectionRef
	if s := c.do("POST", protectionPath, "application/json", idsBody(ids...), &refs); s != 200 {
		t.Fatalf("POST deletionprotection: %d", s)
	}
	return refs
}

// pollTo reads a job until it is in state, failing after a few polls.
func pollTo(t *testing.T, c *rawClient, id, state string) genesys.RecordingJob {
	t.Helper()
	var j genesys.RecordingJob
	for range 10 {
		if c.do("GET", jobsPath+"/"+id, "", "", &j); j.State == state {
			return j
		}
	}
	t.Fatalf("job %s is %s, never %s", id, j.State, state)
	return j
}

// details decodes an error's details (rawError keeps them raw).
func details(e rawError) []genesys.ErrorDetail {
	var d []genesys.ErrorDetail
	_ = json.Unmarshal(e.RawDetails, &d)
	return d
}

func refIDs(refs []protectionRef) []string {
	var out []string
	for _, r := range refs {
		out = append(out, r.ID)
	}
	return out
}

func TestProtectThenReleaseThenList(t *testing.T) {
	org, c := newRaw(t, Options{Seed: 2})
	recs := org.Recordings("")
	a, b, other := recs[0].ConversationID, recs[10].ConversationID, recs[20].ConversationID
	if got := protectedOf(t, c, a, b, other); len(got) != 0 {
		t.Fatalf("nothing is protected by default: %v", got)
	}

	var res map[string]json.RawMessage
	if s := c.do("PUT", protectionPath+"?protect=true", "application/json", idsBody(a, b, a), &res); s != 200 || string(res["failedUpdates"]) != "[]" {
		t.Fatalf("protect: %d %s", s, res["failedUpdates"])
	}
	got := protectedOf(t, c, other, b, a, b)
	if !slices.Equal(refIDs(got), []string{b, a}) {
		t.Fatalf("protected among those asked: %v, want [%s %s] once each, in the order asked", refIDs(got), b, a)
	}
	for _, r := range got {
		if r.SelfURI != "/api/v2/conversations/"+r.ID {
			t.Errorf("selfUri %q", r.SelfURI)
		}
	}

	if s := c.do("PUT", protectionPath+"?protect=false", "application/json", idsBody(a), nil); s != 200 {
		t.Fatalf("release: %d", s)
	}
	if got := refIDs(protectedOf(t, c, a, b, other)); !slices.Equal(got, []string{b}) {
		t.Fatalf("after releasing %s: %v", a, got)
	}
	// protect defaults to true.
	if s := c.do("PUT", protectionPath, "application/json", idsBody(other), nil); s != 200 {
		t.Fatalf("protect by default: %d", s)
	}
	if want := slices.Sorted(slices.Values([]string{b, other})); !slices.Equal(org.Protected(), want) {
		t.Fatalf("Protected() = %v, want %v", org.Protected(), want)
	}
}

func TestProtectionRefusesBadRequests(t *testing.T) {
	_, c := newRaw(t, Options{})
	many := make([]string, maxProtectionIDs+1)
	for i := range many {
		many[i] = fmt.Sprintf("c%03d", i)
	}
	for _, tc := range []struct {
		name, method, query, ctype, body string
		status                           int
		code, field                      string
	}{
		{"unknown field", "POST", "", "application/json", `{"conversationIds":["a"],"recordingIds":["r"]}`, 400, "invalid.value", "recordingIds"},
		{"unknown field on put", "PUT", "?protect=true", "application/json", `{"ids":["a"]}`, 400, "invalid.value", "ids"},
		{"no conversationIds", "POST", "", "application/json", `{}`, 400, "invalid.value", "conversationIds"},
		{"null conversationIds", "PUT", "", "application/json", `{"conversationIds":null}`, 400, "invalid.value", "conversationIds"},
		{"empty conversationIds", "PUT", "?protect=true", "application/json", `{"conversationIds":[]}`, 400, "invalid.value", "conversationIds"},
		{"blank id", "PUT", "?protect=true", "application/json", `{"conversationIds":["a"," "]}`, 400, "invalid.value", "conversationIds[1]"},
		{"not strings", "POST", "", "application/json", `{"conversationIds":[1]}`, 400, "invalid.value", "conversationIds[0]"},
		{"too many", "POST", "", "application/json", idsBody(many...), 400, "invalid.value", "conversationIds"},
		{"too many on put", "PUT", "?protect=false", "application/json", idsBody(many...), 400, "invalid.value", "conversationIds"},
		{"bad protect", "PUT", "?protect=yes", "application/json", idsBody("a"), 400, "invalid.value", "protect"},
		{"empty protect", "PUT", "?protect=", "application/json", idsBody("a"), 400, "invalid.value", "protect"},
		{"protect twice", "PUT", "?protect=true&protect=false", "application/json", idsBody("a"), 400, "invalid.value", "protect"},
		{"malformed", "POST", "", "application/json", `{"conversationIds":`, 400, "bad.request", ""},
		{"not JSON", "PUT", "?protect=true", "text/plain", `a`, 415, "unsupported.media.type", ""},
		{"no DELETE", "DELETE", "", "", "", 404, "not.found", ""},
	} {
		var e rawError
		status := c.do(tc.method, protectionPath+tc.query, tc.ctype, tc.body, &e)
		if status != tc.status || e.Code != tc.code || e.Status != tc.status || e.ContextID == "" || e.Message == "" || string(e.RawErrors) != "[]" {
			t.Errorf("%s: got %d %+v, want %d %s", tc.name, status, e.ErrorBody, tc.status, tc.code)
			continue
		}
		if d := details(e); tc.field != "" && (len(d) != 1 || d[0].FieldName != tc.field) {
			t.Errorf("%s: details %+v, want field %s", tc.name, d, tc.field)
		}
	}
	// Exactly the limit is fine, and nothing refused was stored.
	if s := c.do("PUT", protectionPath+"?protect=true", "application/json", idsBody(many[:maxProtectionIDs]...), nil); s != 200 {
		t.Fatalf("%d ids: %d", maxProtectionIDs, s)
	}
	if got := protectedOf(t, c, "a", many[maxProtectionIDs]); len(got) != 0 {
		t.Fatalf("a refused request changed the state: %v", got)
	}
}

// A DELETE job skips the recordings of a protected conversation, even one
// protected after the job was READY; its READY totals counted them.
func TestJobSkipsProtectedRecordings(t *testing.T) {
	org, c := newRaw(t, Options{Seed: 4, Now: func() time.Time { return simNow }})
	recs := org.Recordings("")
	// A voice conversation with two recordings, if the seed has one.
	byConv := map[string][]Recording{}
	for _, r := range recs {
		byConv[r.ConversationID] = append(byConv[r.ConversationID], r)
	}
	held, early := "", ""
	for _, r := range recs {
		if len(byConv[r.ConversationID]) == 2 && held == "" {
			held = r.ConversationID
		} else if len(byConv[r.ConversationID]) == 1 && early == "" {
			early = r.ConversationID
		}
	}
	if held == "" || early == "" {
		t.Fatal("the seed has no two-recording conversation: pick another seed")
	}
	// Protected before the job, and after it is READY.
	if s := c.do("PUT", protectionPath+"?protect=true", "application/json", idsBody(early), nil); s != 200 {
		t.Fatal(s)
	}
	ids := []string{held, early, recs[len(recs)-1].ConversationID}
	query := `{"action":"DELETE","conversationQuery":{"interval":"2000-01-01T00:00:00Z/2027-01-01T00:00:00Z",` +
		`"conversationFilters":[{"type":"or","predicates":[` +
		`{"dimension":"conversationId","value":"` + ids[0] + `"},{"dimension":"conversationId","value":"` + ids[1] + `"},` +
		`{"dimension":"conversationId","value":"` + ids[2] + `"}]}]}}`
	// The interval must not start more than five years back.
	query = strings.Replace(query, "2000-01-01", simNow.AddDate(-5, 0, 1).Format("2006-01-02"), 1)
	var j genesys.RecordingJob
	if s := c.do("POST", jobsPath, "application/json", query, &j); s != 202 {
		t.Fatalf("create: %d %+v", s, j)
	}
	j = pollTo(t, c, j.ID, genesys.JobReady)
	wantTotal := len(byConv[ids[0]]) + len(byConv[ids[1]]) + len(byConv[ids[2]])
	if j.TotalRecordings != wantTotal || j.TotalConversations != 3 {
		t.Fatalf("READY: %d recordings in %d conversations, want %d in 3 (protection is not known at READY)", j.TotalRecordings, j.TotalConversations, wantTotal)
	}
	if s := c.do("PUT", protectionPath+"?protect=true", "application/json", idsBody(held), nil); s != 200 {
		t.Fatal(s)
	}
	if s := c.do("PUT", jobsPath+"/"+j.ID, "application/json", `{"state":"PROCESSING"}`, &j); s != 200 {
		t.Fatalf("execute: %d", s)
	}
	j = pollTo(t, c, j.ID, genesys.JobFulfilled)
	skipped := len(byConv[held]) + len(byConv[early])
	if j.TotalSkippedRecordings != skipped || j.TotalProcessedRecordings != wantTotal-skipped || j.TotalFailedRecordings != 0 {
		t.Fatalf("fulfilled: skipped %d processed %d failed %d, want skipped %d processed %d",
			j.TotalSkippedRecordings, j.TotalProcessedRecordings, j.TotalFailedRecordings, skipped, wantTotal-skipped)
	}
	left := map[string]int{}
	for _, r := range org.Recordings("") {
		left[r.ConversationID]++
	}
	if left[held] != 2 || left[early] != 1 || left[ids[2]] != 0 {
		t.Fatalf("recordings left: held %d (want 2), early %d (want 1), unprotected %d (want 0)", left[held], left[early], left[ids[2]])
	}
}

// An ARCHIVE job leaves protected recordings as they are too.
func TestArchiveJobSkipsProtectedRecordings(t *testing.T) {
	org, c := newRaw(t, Options{Seed: 4, Now: func() time.Time { return simNow }})
	rec := org.Recordings("chat")[0]
	if s := c.do("PUT", protectionPath, "application/json", idsBody(rec.ConversationID), nil); s != 200 {
		t.Fatal(s)
	}
	query := `{"action":"ARCHIVE","conversationQuery":{"interval":"` + simNow.AddDate(-4, 0, 0).Format(time.RFC3339) + "/" + simNow.Format(time.RFC3339) + `",` +
		`"conversationFilters":[{"type":"and","predicates":[{"dimension":"conversationId","value":"` + rec.ConversationID + `"}]}]}}`
	var j genesys.RecordingJob
	if s := c.do("POST", jobsPath, "application/json", query, &j); s != 202 {
		t.Fatalf("create: %d", s)
	}
	j = pollTo(t, c, j.ID, genesys.JobReady)
	c.do("PUT", jobsPath+"/"+j.ID, "application/json", `{"state":"PROCESSING"}`, &j)
	j = pollTo(t, c, j.ID, genesys.JobFulfilled)
	if j.TotalRecordings != 1 || j.TotalSkippedRecordings != 1 || j.TotalProcessedRecordings != 0 {
		t.Fatalf("archive job: %+v", j)
	}
	for _, r := range org.Recordings("chat") {
		if r.RecordingID == rec.RecordingID && r.Archived {
			t.Fatal("a protected recording was archived")
		}
	}
}

func TestProtectionSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	_, c := newRaw(t, Options{StatePath: path, Seed: 3})
	if s := c.do("PUT", protectionPath+"?protect=true", "application/json", idsBody("conv-b", "conv-a", "conv-c"), nil); s != 200 {
		t.Fatal(s)
	}
	if s := c.do("PUT", protectionPath+"?protect=false", "application/json", idsBody("conv-c"), nil); s != 200 {
		t.Fatal(s)
	}
	org2, err := New(Options{StatePath: path, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got := org2.Protected(); !slices.Equal(got, []string{"conv-a", "conv-b"}) {
		t.Fatalf("after a restart: %v", got)
	}
}
