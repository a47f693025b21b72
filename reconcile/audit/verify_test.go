package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/retainctl/retainctl/reconcile/redact"
)

// chainedLog writes runs of n events each with the real journal, the runs
// one after the other as on a CI runner, and returns the log's path.
func chainedLog(t testing.TB, runs ...int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit", "log.jsonl")
	for _, n := range runs {
		l, err := Open(path, WithMasker(redact.New()), WithCI(nil))
		if err != nil {
			t.Fatal(err)
		}
		recordN(t, l, n)
		l.Close()
	}
	return path
}

func verifyFile(t testing.TB, path string) Verification {
	t.Helper()
	log, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	var delivered *os.File
	if f, err := os.Open(deliveredPath(path)); err == nil {
		defer f.Close()
		delivered = f
	}
	var v Verification
	if delivered != nil {
		v, err = Verify(log, delivered)
	} else {
		v, err = Verify(log, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func lines(t testing.TB, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
}

func writeLines(t testing.TB, path string, ls [][]byte) {
	t.Helper()
	if err := os.WriteFile(path, append(bytes.Join(ls, []byte("\n")), '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestChainAcrossRuns(t *testing.T) {
	path := chainedLog(t, 3, 4, 2)
	entries, _, err := ReadLog(path)
	if err != nil || len(entries) != 9 {
		t.Fatalf("%d entries, %v", len(entries), err)
	}
	for i, e := range entries {
		if e.Event.LogSeq != int64(i+1) || e.Event.Chain != entries[0].Event.ID {
			t.Errorf("line %d: logSeq %d chain %q", e.Line, e.Event.LogSeq, e.Event.Chain)
		}
		if i == 0 && e.Event.PrevHash != "" {
			t.Errorf("the first event chains to %q", e.Event.PrevHash)
		}
		if i > 0 && e.Event.PrevHash != LineHash(entries[i-1].Raw) {
			t.Errorf("line %d does not chain to line %d", e.Line, entries[i-1].Line)
		}
	}
	if entries[3].Event.Seq != 1 || entries[3].Event.RunID == entries[2].Event.RunID {
		t.Errorf("the second run's first event: %+v", entries[3].Event)
	}
	v := verifyFile(t, path)
	if !v.OK() || v.Events != 9 || v.HeadSeq != 9 || v.ChainStart != 1 || v.Head != LineHash(entries[8].Raw) {
		t.Fatalf("an untouched log: %+v", v)
	}
}

func TestConcurrentRecordKeepsTheChain(t *testing.T) {
	path := chainedLog(t, 2)
	l, err := Open(path, WithMasker(redact.New()), WithCI(nil))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { recordN(t, l, 25) })
	}
	wg.Wait()
	l.Close()
	if v := verifyFile(t, path); !v.OK() || v.HeadSeq != 202 {
		t.Fatalf("%+v", v)
	}
}

// TestVerifyNamesTheLine: each way a line can be tampered with fails, and
// names the line where it happened.
func TestVerifyNamesTheLine(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper func([][]byte) [][]byte
		file   string
		line   int
		reason string
	}{
		{"altered", func(ls [][]byte) [][]byte {
			ls[2] = bytes.Replace(ls[2], []byte(`"policy":"p2"`), []byte(`"policy":"pX"`), 1)
			return ls
		}, "log", 3, "was altered"},
		{"altered, last of a run", func(ls [][]byte) [][]byte {
			ls[3] = bytes.Replace(ls[3], []byte(`"outcome":"success"`), []byte(`"outcome":"failure"`), 1)
			return ls
		}, "log", 4, "was altered"},
		{"deleted", func(ls [][]byte) [][]byte { return append(ls[:3:3], ls[4:]...) }, "log", 4, "1 event is missing"},
		{"two deleted", func(ls [][]byte) [][]byte { return append(ls[:5:5], ls[7:]...) }, "log", 6, "2 events are missing"},
		{"first deleted", func(ls [][]byte) [][]byte { return ls[1:] }, "log", 1, "its start was cut"},
		{"reordered", func(ls [][]byte) [][]byte { ls[4], ls[5] = ls[5], ls[4]; return ls }, "log", 5, "missing here (deleted or moved)"},
		{"moved earlier", func(ls [][]byte) [][]byte { ls[2], ls[6] = ls[6], ls[2]; return ls }, "log", 3, "moved"},
		{"copied", func(ls [][]byte) [][]byte { return append(ls[:6:6], append([][]byte{ls[1]}, ls[6:]...)...) }, "log", 7, "repeats event"},
		{"truncated line", func(ls [][]byte) [][]byte { ls[2] = ls[2][:len(ls[2])/2]; return ls }, "log", 3, "altered or truncated"},
		{"tail truncated", func(ls [][]byte) [][]byte { return ls[:7] }, "delivered", 1, "not in the log"},
		{"inserted unchained", func(ls [][]byte) [][]byte {
			foreign := []byte(`{"id":"0b7e3e42-1f4b-4c1d-9f61-4b1f0e4a6c11","time":"2025-03-01T11:00:00Z","runId":"r","seq":1,"type":"policy.deleted"}`)
			return append(ls[:4:4], append([][]byte{foreign}, ls[4:]...)...)
		}, "log", 5, "an inserted line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := chainedLog(t, 4, 5)
			entries, _, _ := ReadLog(path)
			var ids []string
			for _, e := range entries {
				ids = append(ids, e.Event.ID)
			}
			if err := appendDelivered(deliveredPath(path), deliveryRecord{DeliveryID: "d1", Status: 204, EventIDs: ids}); err != nil {
				t.Fatal(err)
			}
			if v := verifyFile(t, path); !v.OK() {
				t.Fatalf("before tampering: %v", v.Problems)
			}
			writeLines(t, path, tc.tamper(lines(t, path)))
			v := verifyFile(t, path)
			if v.OK() {
				t.Fatalf("a %s log verifies", tc.name)
			}
			if p := v.Problems[0]; p.File != tc.file || p.Line != tc.line || !strings.Contains(p.Reason, tc.reason) {
				t.Errorf("first problem %v, want %s line %d: …%s…", p, tc.file, tc.line, tc.reason)
			}
		})
	}
}

// TestVerifyAcceptsACrash: a line torn by a crash is a warning, and the next
// run chains past it.
func TestVerifyAcceptsACrash(t *testing.T) {
	path := chainedLog(t, 3)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"id":"torn","ti`)
	f.Close()
	l, err := Open(path, WithMasker(redact.New()), WithCI(nil))
	if err != nil {
		t.Fatal(err)
	}
	recordN(t, l, 2)
	l.Close()
	v := verifyFile(t, path)
	if !v.OK() || v.HeadSeq != 5 || len(v.Warnings) != 1 || v.Warnings[0].Line != 4 {
		t.Fatalf("%+v", v)
	}
}

// TestVerifyLegacyLog: events written before the chain are counted and
// bound by the first chained event, not reported as broken.
func TestVerifyLegacyLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.jsonl")
	var legacy [][]byte
	for i := range 3 {
		legacy = append(legacy, []byte(`{"id":"6f1c0000-0000-4000-8000-00000000000`+itoa(i)+`","time":"2025-03-01T11:00:00Z","runId":"old","seq":`+itoa(i+1)+`,"type":"policy.updated"}`))
	}
	writeLines(t, path, legacy)
	l, err := Open(path, WithMasker(redact.New()), WithCI(nil))
	if err != nil {
		t.Fatal(err)
	}
	recordN(t, l, 2)
	l.Close()
	v := verifyFile(t, path)
	if !v.OK() || v.Legacy != 3 || v.ChainStart != 4 || v.HeadSeq != 5 {
		t.Fatalf("%+v", v)
	}
	ls := lines(t, path)
	writeLines(t, path, append(ls[:1:1], ls[2:]...)) // a legacy line deleted
	if v := verifyFile(t, path); v.OK() || v.Problems[0].Line != 3 {
		t.Fatalf("a deleted legacy line: %+v", v.Problems)
	}
}

func TestVerifySchema(t *testing.T) {
	path := chainedLog(t, 2)
	ls := lines(t, path)
	var e map[string]any
	json.Unmarshal(ls[1], &e)
	e["type"] = "policy.exploded"
	ls[1], _ = json.Marshal(e)
	writeLines(t, path, ls)
	v := verifyFile(t, path)
	if v.OK() || v.Problems[0].Line != 2 || !strings.Contains(v.Problems[0].Reason, "unknown type") {
		t.Fatalf("%v", v.Problems)
	}
}

func TestVerifyCapsLines(t *testing.T) {
	path := chainedLog(t, 2)
	ls := lines(t, path)
	huge := bytes.Repeat([]byte("x"), MaxLine+10)
	writeLines(t, path, append(ls, huge))
	v := verifyFile(t, path)
	if !v.OK() || len(v.Warnings) != 1 || v.Warnings[0].Line != 3 || !strings.Contains(v.Warnings[0].Reason, "longer than") {
		t.Fatalf("%+v", v)
	}
}

// TestWebhookCarriesTheChain: a receiver that keeps only the last hash it
// stored verifies every batch of two runs, as docs/audit.md shows.
func TestWebhookCarriesTheChain(t *testing.T) {
	r := newReceiver(t, nil)
	path := chainedLog(t, 9)
	d := testDeliverer(t, r.srv.URL)
	if _, err := d.Flush(context.Background(), path, "run", nil); err != nil {
		t.Fatal(err)
	}
	l, err := Open(path, WithMasker(redact.New()), WithCI(nil))
	if err != nil {
		t.Fatal(err)
	}
	recordN(t, l, 10)
	l.Close()
	if _, err := d.Flush(context.Background(), path, "run2", nil); err != nil {
		t.Fatal(err)
	}
	var last string
	var seq int64
	for _, body := range r.bodies {
		var p struct{ Events []json.RawMessage }
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		for _, raw := range p.Events {
			var e struct {
				LogSeq   int64
				PrevHash string
			}
			json.Unmarshal(raw, &e)
			if e.LogSeq != seq+1 || e.PrevHash != last {
				t.Fatalf("event #%d (prev %s) does not follow #%d (%s)", e.LogSeq, e.PrevHash, seq, last)
			}
			last, seq = LineHash(raw), e.LogSeq
		}
	}
	if seq != 19 {
		t.Fatalf("the receiver chained %d events", seq)
	}
}

func FuzzVerify(f *testing.F) {
	f.Add(readAll(f, chainedLog(f, 2, 3)), uint(1))
	f.Add([]byte(`{"id":"a","type":"x","logSeq":2}`+"\n"+`{"id":"b","type":"x","logSeq":1,"prevHash":"sha256:00"}`), uint(0))
	f.Add([]byte("\n\n{\n"+`{"id":"6f1c0000-0000-4000-8000-000000000001","time":"2025-03-01T11:00:00Z","runId":"r","seq":1,"type":"error","logSeq":1,"chain":"6f1c0000-0000-4000-8000-000000000001"}`), uint(0))
	f.Fuzz(func(t *testing.T, data []byte, drop uint) {
		v, err := Verify(bytes.NewReader(data), bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Problems) > maxProblems {
			t.Fatalf("%d problems", len(v.Problems))
		}
		v, _ = Verify(bytes.NewReader(data), nil)
		if v.Events+len(v.Warnings) > bytes.Count(data, []byte("\n"))+1 {
			t.Fatalf("%d events and %d warnings in %d lines", v.Events, len(v.Warnings), bytes.Count(data, []byte("\n"))+1)
		}
		if !v.OK() || v.ChainStart == 0 {
			return
		}
		// A log that verifies, with a chain: dropping any event line but
		// the last must not verify.
		ls := bytes.Split(data, []byte("\n"))
		var events []int
		for i, l := range ls {
			if l = bytes.TrimSpace(l); len(l) > 0 && len(l) <= MaxLine {
				if _, reason := parseLine(l); reason == "" {
					events = append(events, i)
				}
			}
		}
		if len(events) < 2 {
			return
		}
		i := events[int(drop%uint(len(events)-1))]
		cut := append(append([][]byte(nil), ls[:i]...), ls[i+1:]...)
		if w, _ := Verify(bytes.NewReader(bytes.Join(cut, []byte("\n"))), nil); w.OK() {
			t.Fatalf("dropping line %d still verifies", i+1)
		}
	})
}

func readAll(t testing.TB, path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
