package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/audit"
	"github.com/retainctl/retainctl/reconcile/redact"
)

func TestAuditFlushCommand(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.MkdirAll("policies", 0o755)
	os.WriteFile("policies/retainctl.yaml", []byte("audit: {log: out/audit.jsonl}\n"), 0o644)

	if code := execute(context.Background(), []string{"audit", "flush"}, io.Discard, io.Discard); code != exitUsage {
		t.Fatalf("without a webhook URL: exit %d, want %d", code, exitUsage)
	}

	l, err := audit.Open(filepath.Join("out", "audit.jsonl"), audit.WithMasker(redact.New()), audit.WithCI(nil))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := l.Record(context.Background(), audit.Event{Type: audit.PolicyCreated, Outcome: audit.Success}); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()

	fail := true
	var got int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if fail {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if !audit.VerifySignature([]byte("cli-secret"), body, r.Header.Get(audit.SignatureHeader)) {
			t.Error("bad signature")
		}
		got += strings.Count(string(body), `"type":"policy.created"`)
	}))
	defer srv.Close()
	t.Setenv(audit.EnvWebhookURL, srv.URL)
	t.Setenv(audit.EnvWebhookSecret, "cli-secret")

	if code := execute(context.Background(), []string{"audit", "flush"}, io.Discard, io.Discard); code != exitFailure {
		t.Fatalf("receiver refusing: exit %d, want %d", code, exitFailure)
	}
	fail = false
	if code := execute(context.Background(), []string{"audit", "flush", "--policies", "policies"}, io.Discard, io.Discard); code != exitOK || got != 3 {
		t.Fatalf("exit %d with %d events delivered, want 0 and 3", code, got)
	}
}
