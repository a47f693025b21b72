package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// reviewsServer serves the reviews of pull request 7, 2 a page, and
// answers 404 for any other.
func reviewsServer(t *testing.T, reviews []map[string]any) *Client {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api-v3/repos/acme/policies/pulls/{n}/reviews", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.PathValue("n") != "7" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"Not Found"}`)
			return
		}
		page := 1
		fmt.Sscan(r.URL.Query().Get("page"), &page)
		lo, hi := min((page-1)*2, len(reviews)), min(page*2, len(reviews))
		if hi < len(reviews) {
			w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?page=%d>; rel="next"`, r.Host, r.URL.Path, page+1))
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(reviews[lo:hi])
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := NewClient(Env{Owner: "acme", Repo: "policies", Token: testToken, APIURL: srv.URL + "/api-v3/", SHA: "m1"}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func review(login, state, at string) map[string]any {
	return map[string]any{"user": map[string]any{"login": login}, "state": state, "submitted_at": at, "commit_id": "c-" + login}
}

func TestApprovers(t *testing.T) {
	c := reviewsServer(t, []map[string]any{
		review("zoe", "APPROVED", "2026-03-01T10:00:00Z"),
		review("bob", "APPROVED", "2026-03-01T09:00:00Z"),
		review("eve", "APPROVED", "2026-03-01T08:00:00Z"),
		review("bob", "COMMENTED", "2026-03-01T11:00:00Z"),         // a comment keeps bob's approval
		review("eve", "CHANGES_REQUESTED", "2026-03-01T12:00:00Z"), // eve changed her mind (third page)
		review("<script>", "DISMISSED", "2026-03-01T12:30:00Z"),
		review("ann", "CHANGES_REQUESTED", "2026-03-01T07:00:00Z"),
		review("ann", "APPROVED", "2026-03-01T13:00:00Z"),
	})
	got, err := c.Approvers(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	var logins []string
	for _, r := range got {
		logins = append(logins, r.Login+"@"+r.Commit+"@"+r.SubmittedAt.Format("15:04"))
	}
	if strings.Join(logins, " ") != "ann@c-ann@13:00 bob@c-bob@09:00 zoe@c-zoe@10:00" {
		t.Fatalf("approvers %v", logins)
	}
	if _, err := c.Approvers(context.Background(), 8); err == nil || !strings.Contains(err.Error(), "#8") {
		t.Fatalf("a missing pull request: %v", err)
	}
}
