// The journal under SIGKILL: nothing acknowledged by Record is lost.

package audit

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/retainctl/retainctl/reconcile/redact"
)

const crashEnv = "RETAINCTL_AUDIT_CRASH_CHILD"

// TestCrashChild is the helper process: it records events as fast as it can
// and reports each id on stdout once Record has returned, until it is killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("helper process for TestSIGKILLLosesNothing")
	}
	l, err := Open(path, WithMasker(redact.New()), WithCI(nil))
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	for i := 0; ; i++ {
		e := Event{Type: PolicyUpdated, Policy: fmt.Sprint("p", i), Message: strings.Repeat("x", i%500), Outcome: Success}
		if err := l.Record(context.Background(), e); err != nil {
			fmt.Println("record:", err)
			os.Exit(2)
		}
		fmt.Println("recorded", l.Events()[i].ID)
	}
}

func TestSIGKILLLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	path := t.TempDir() + "/audit.jsonl"
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	sc := bufio.NewScanner(out)
	for sc.Scan() && len(acked) < 300 {
		if id, ok := strings.CutPrefix(sc.Text(), "recorded "); ok {
			acked = append(acked, id)
		} else {
			t.Fatalf("child: %s", sc.Text())
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL, mid-stream
		t.Fatal(err)
	}
	for sc.Scan() { // ids acknowledged before the kill landed
		if id, ok := strings.CutPrefix(sc.Text(), "recorded "); ok {
			acked = append(acked, id)
		}
	}
	cmd.Wait()

	entries, warns, err := ReadLog(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d acknowledged, %d on disk, %d torn lines", len(acked), len(entries), len(warns))
	rcv := newReceiver(t, nil)
	res, err := testDeliverer(t, rcv.srv.URL).Flush(context.Background(), path, "", nil)
	if err != nil || res.Pending != 0 || res.Delivered != len(entries) {
		t.Fatalf("Flush = %+v, %v", res, err)
	}
	seen := rcv.counts()
	for _, id := range acked {
		if seen[id] != 1 {
			t.Fatalf("event %s acknowledged before the kill was delivered %d times", id, seen[id])
		}
	}
	// The log stays appendable after the crash.
	l, err := Open(path, WithMasker(redact.New()), WithCI(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	recordN(t, l, 1)
	if entries2, _, _ := ReadLog(path); len(entries2) != len(entries)+1 {
		t.Fatalf("after reopen: %d entries, want %d", len(entries2), len(entries)+1)
	}
}
