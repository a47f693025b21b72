package sim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// FuzzRequestBodies feeds arbitrary bodies to the endpoints that take one:
// the simulator answers each with a 2xx or a 4xx, never a panic or a 5xx.
func FuzzRequestBodies(f *testing.F) {
	rich, err := os.ReadFile("testdata/rich-policy.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(rich))
	f.Add(`{"action":"DELETE","conversationQuery":{"interval":"2024-01-01T00:00:00Z/2025-01-01T00:00:00Z",` +
		`"segmentFilters":[{"type":"or","clauses":[{"type":"and","predicates":[{"dimension":"queueId","value":"q"}]}]}],"limit":3}}`)
	f.Add(`{"action":"ARCHIVE","agedConversationInterval":"2019-01-01T00:00:00Z/2019-06-01T00:00:00Z"}`)
	f.Add(`{"name":"a","mediaPolicies":{"callPolicy":{"conditions":{"timeAllowed":{"timeSlots":[{"day":1}]}}}}}`)
	f.Add(`{"state":"PROCESSING","enabled":true,"retentionDays":100}`)
	org, err := New(Options{RateLimit: 1 << 30})
	if err != nil {
		f.Fatal(err)
	}
	token := tokenFor(f, org)
	paths := []struct{ method, path string }{
		{"POST", policiesPath}, {"POST", jobsPath}, {"PUT", "/api/v2/analytics/dataretention/settings"},
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, p := range paths {
			req := httptest.NewRequest(p.method, p.path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			org.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("%s %s answered %d for %q: %s", p.method, p.path, rec.Code, body, rec.Body)
			}
		}
	})
}

func tokenFor(tb testing.TB, org *Org) string {
	tb.Helper()
	req := httptest.NewRequest("POST", "/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth(DemoClientID, DemoClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	org.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &tok) != nil {
		tb.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	return tok.AccessToken
}
