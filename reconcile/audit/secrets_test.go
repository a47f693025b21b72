// Secrets reach neither the journal, the report nor the webhook.

package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/retainctl/retainctl/reconcile/redact"
)

// Secrets put in any field must reach neither the log, the report file nor
// the webhook bodies.
func TestSecretsNeverLeave(t *testing.T) {
	env := map[string]string{
		"GENESYSCLOUD_OAUTHCLIENT_SECRET": "client-secret-AAA",
		"RETAINCTL_AUDIT_WEBHOOK_SECRET":  testSecret,
		"RETAINCTL_MASK":                  "queue-id-secret,odd\"<secret>",
	}
	m := redact.FromEnv(func(k string) string { return env[k] })
	runtimeToken := "bearer-token-obtained-later"
	secrets := []string{"client-secret-AAA", testSecret, "queue-id-secret", `odd"<secret>`, runtimeToken}

	l := openTestLog(t, WithMasker(m), WithCI(&CI{Actor: "client-secret-AAA"}))
	m.Add(runtimeToken)
	ctx := context.Background()
	events := []Event{
		{Type: PolicyUpdated, Policy: "p client-secret-AAA", Message: "token " + runtimeToken, Outcome: Success,
			Before: map[string]any{"forQueues": []string{"queue-id-secret"}}, After: json.RawMessage(`{"x":"odd\"<secret>"}`)},
		{Type: Error, Error: errors.New("401 with " + testSecret).Error(), RequestID: runtimeToken},
		{Type: JobCreated, JobID: "job-1", Policy: "queue-id-secret"},
		{Type: JobFulfilled, JobID: "job-1", Policy: "queue-id-secret"},
	}
	for _, e := range events {
		if err := l.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	report := buildReport(l.RunID(), l.Events(), nil)
	reportFile := reportPath(l.Path(), l.RunID())
	if err := writeReportFile(reportFile, report, m); err != nil {
		t.Fatal(err)
	}
	rcv := newReceiver(t, nil)
	d := testDeliverer(t, rcv.srv.URL)
	d.cfg.Masker = m
	if _, err := d.Flush(ctx, l.Path(), l.RunID(), &report); err != nil {
		t.Fatal(err)
	}

	outputs := map[string][]byte{"webhook": bytes.Join(rcv.bodies, nil)}
	for _, p := range []string{l.Path(), reportFile, deliveredPath(l.Path())} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		outputs[filepath.Base(p)] = data
	}
	for name, data := range outputs {
		if !bytes.Contains(data, []byte(redact.Mask)) && filepath.Ext(name) != ".delivered" {
			t.Errorf("%s: nothing masked, the test is not exercising it", name)
		}
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains secret %q", name, s)
			}
		}
	}
	entries, warns, err := ReadLog(l.Path())
	if err != nil || len(warns) != 0 || len(entries) != len(events) {
		t.Fatalf("masked log no longer parses: %d entries, %v, %v", len(entries), warns, err)
	}
}
