package genesys_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/retainctl/retainctl/reconcile/genesys"
	"github.com/retainctl/retainctl/reconcile/sim"
)

const routeProtection = "/api/v2/recordings/deletionprotection"

// conversations returns n distinct conversation ids of the org.
func conversations(t *testing.T, org *sim.Org, n int) []string {
	t.Helper()
	var out []string
	for _, r := range org.Recordings("") {
		if !slices.Contains(out, r.ConversationID) {
			out = append(out, r.ConversationID)
		}
		if len(out) == n {
			return out
		}
	}
	t.Fatalf("the org has fewer than %d conversations", n)
	return nil
}

// protectionCalls counts the recorded attempts of method on the protection route.
func protectionCalls(e *env, method string) int {
	n := 0
	for _, s := range e.stats.all() {
		if s.Method == method && s.Path == routeProtection {
			n++
		}
	}
	return n
}

func TestProtectThenReleaseThenList(t *testing.T) {
	e := newEnv(t, sim.Options{Seed: 3}, nil)
	ctx := context.Background()
	ids := conversations(t, e.org, 260)
	held, free := ids[:230], ids[230:]

	// 230 ids and a few repeats: three batches of at most 100.
	if err := e.client.SetDeletionProtection(ctx, true, append(slices.Clone(held), held[:20]...)); err != nil {
		t.Fatal(err)
	}
	if n := protectionCalls(e, http.MethodPut); n != 3 {
		t.Fatalf("%d PUTs for 230 distinct ids, want 3", n)
	}
	if got, want := e.org.Protected(), slices.Sorted(slices.Values(held)); !slices.Equal(got, want) {
		t.Fatalf("the org holds %d protected conversations, want %d", len(got), len(want))
	}

	asked := append(slices.Clone(free), held...)
	slices.Reverse(asked)
	got, err := e.client.ProtectedConversations(ctx, asked)
	if err != nil {
		t.Fatal(err)
	}
	if want := slices.Sorted(slices.Values(held)); !slices.Equal(got, want) {
		t.Fatalf("protected: %d ids (sorted %v), want the %d held", len(got), slices.IsSorted(got), len(want))
	}
	if n := protectionCalls(e, http.MethodPost); n != 3 {
		t.Fatalf("%d POSTs for 260 ids, want 3", n)
	}

	if err := e.client.SetDeletionProtection(ctx, false, held[:200]); err != nil {
		t.Fatal(err)
	}
	got, err = e.client.ProtectedConversations(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if want := slices.Sorted(slices.Values(held[200:])); !slices.Equal(got, want) {
		t.Fatalf("after releasing 200: %v, want %v", got, want)
	}
	for _, s := range e.stats.all() {
		if strings.ContainsAny(s.Path, "?=") {
			t.Fatalf("recorded path %q carries the query", s.Path)
		}
	}
}

// No ids, no request; a blank id is refused before anything is sent.
func TestProtectionSendsNothingForNothing(t *testing.T) {
	e := newEnv(t, sim.Options{}, nil)
	ctx := context.Background()
	if got, err := e.client.ProtectedConversations(ctx, nil); err != nil || len(got) != 0 {
		t.Fatalf("no ids: %v %v", got, err)
	}
	if err := e.client.SetDeletionProtection(ctx, true, []string{}); err != nil {
		t.Fatal(err)
	}
	if err := e.client.SetDeletionProtection(ctx, true, []string{"a", " "}); err == nil || !strings.Contains(err.Error(), "id 2 of 2 is empty") {
		t.Fatalf("blank id: %v", err)
	}
	if _, err := e.client.ProtectedConversations(ctx, []string{""}); err == nil {
		t.Fatal("an empty id was sent")
	}
	if n := e.org.RequestCount(); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// The POST only reads: when its answer is lost it is asked again, not
// left as an unknown outcome. A PUT answered 503 is retried (idempotent).
func TestProtectionRetries(t *testing.T) {
	e := newEnv(t, sim.Options{Seed: 5}, nil)
	ctx := context.Background()
	ids := conversations(t, e.org, 3)
	e.org.Fail(1, http.StatusServiceUnavailable)
	if err := e.client.SetDeletionProtection(ctx, true, ids[:2]); err != nil {
		t.Fatalf("a 503 on a PUT is retried: %v", err)
	}
	e.org.DropResponse(1)
	got, err := e.client.ProtectedConversations(ctx, ids)
	if err != nil {
		t.Fatalf("a lost answer to the query is asked again: %v", err)
	}
	if want := slices.Sorted(slices.Values(ids[:2])); !slices.Equal(got, want) {
		t.Fatalf("protected %v, want %v", got, want)
	}
	if n := protectionCalls(e, http.MethodPost); n != 2 {
		t.Fatalf("%d POST attempts, want 2", n)
	}
}

// A 400 comes back as the APIError.
func TestProtectionRefusedByTheAPI(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"message":"The list cannot exceed 100 conversationids","code":"invalid.value","status":400}`)
	}))
	t.Cleanup(srv.Close)
	c, err := genesys.New(genesys.Config{BaseURL: srv.URL, AccessToken: "static-token", Sleep: noWait})
	if err != nil {
		t.Fatal(err)
	}
	err = c.SetDeletionProtection(context.Background(), true, []string{"a"})
	var ae *genesys.APIError
	if !errors.As(err, &ae) || ae.Status != 400 || ae.Code != "invalid.value" {
		t.Fatalf("want the 400, got %v", err)
	}
}

// fakeProtection is a server that fails the updates of the ids in fail and
// answers 400 to the PUT number badPut (counting from 1; 0: never).
type fakeProtection struct {
	mu     sync.Mutex
	fail   map[string]bool
	badPut int
	puts   []string // the protect parameter of each PUT
	sizes  []int
}

func (f *fakeProtection) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var q struct {
		ConversationIDs []string `json:"conversationIds"`
	}
	_ = json.NewDecoder(r.Body).Decode(&q)
	f.puts = append(f.puts, r.URL.Query().Get("protect"))
	f.sizes = append(f.sizes, len(q.ConversationIDs))
	w.Header().Set("Content-Type", "application/json")
	if len(f.puts) == f.badPut {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"message":"bad","code":"bad.request","status":400}`)
		return
	}
	var failed []string
	for _, id := range q.ConversationIDs {
		if f.fail[id] {
			failed = append(failed, fmt.Sprintf(`{"conversation":{"id":%q,"selfUri":"/api/v2/conversations/%s"},"errorCode":"not.found","errorMessage":"no such conversation"}`, id, id))
		}
	}
	fmt.Fprintf(w, `{"failedUpdates":[%s]}`, strings.Join(failed, ","))
}

func fakeClient(t *testing.T, h http.Handler) *genesys.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := genesys.New(genesys.Config{BaseURL: srv.URL, AccessToken: "static-token", Sleep: noWait})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func manyIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("conv-%03d", i)
	}
	return ids
}

// Updates the platform reports as failed are an error naming them, and
// the later batches are still sent.
func TestProtectionFailedUpdates(t *testing.T) {
	f := &fakeProtection{fail: map[string]bool{"conv-007": true, "conv-150": true}}
	c := fakeClient(t, f)
	err := c.SetDeletionProtection(context.Background(), false, manyIDs(160))
	var pe *genesys.ProtectionError
	if !errors.As(err, &pe) || pe.Protect || pe.Total != 160 || len(pe.Failed) != 2 ||
		pe.Failed[0].ConversationID != "conv-007" || pe.Failed[1].ErrorCode != "not.found" {
		t.Fatalf("want a ProtectionError naming conv-007 and conv-150, got %v", err)
	}
	if !strings.Contains(err.Error(), "2 of 160 conversations not released") || !strings.Contains(err.Error(), "conv-150 (not.found no such conversation)") {
		t.Fatalf("message: %v", err)
	}
	if !slices.Equal(f.puts, []string{"false", "false"}) || !slices.Equal(f.sizes, []int{100, 60}) {
		t.Fatalf("PUTs %v of sizes %v, want two with protect=false of 100 and 60", f.puts, f.sizes)
	}
}

// A batch refused midway stops the call and says how far it got.
func TestProtectionStopsAtARefusedBatch(t *testing.T) {
	f := &fakeProtection{badPut: 2}
	c := fakeClient(t, f)
	err := c.SetDeletionProtection(context.Background(), true, manyIDs(250))
	var ae *genesys.APIError
	if !errors.As(err, &ae) || ae.Status != 400 || !strings.Contains(err.Error(), "the first 100 of 250 conversations were sent") {
		t.Fatalf("want the 400 saying 100 of 250 were sent, got %v", err)
	}
	if len(f.puts) != 2 || f.puts[0] != "true" {
		t.Fatalf("PUTs %v: the third batch must not be sent", f.puts)
	}
}
