package github

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteStepSummaryAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(path, []byte("# validate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteStepSummary(path, "## Plan\nno changes"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "# validate\n## Plan\nno changes\n" {
		t.Errorf("summary = %q", got)
	}
}

func TestWriteStepSummaryCapsAtOneMiB(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(path, []byte(strings.Repeat("x", 1000)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	md := "<details>\n\n```\n" + strings.Repeat("- retention: 90 days ✓\n", 60_000) + "```\n</details>\n"
	if err := WriteStepSummary(path, md); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if len(got) > summaryLimit || len(got) < summaryLimit-100 {
		t.Errorf("summary is %d bytes, want just under %d", len(got), summaryLimit)
	}
	if !strings.HasSuffix(string(got), "```\n\n</details>\n\n"+summaryNote+"\n") {
		t.Errorf("summary does not end with closed blocks and the note: %q", got[len(got)-200:])
	}
	if err := WriteStepSummary(path, strings.Repeat("y\n", 100)); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Size() > summaryLimit {
		t.Errorf("a second write grew the summary to %d bytes", fi.Size())
	}
	full := filepath.Join(t.TempDir(), "full.md")
	if err := os.WriteFile(full, make([]byte, summaryLimit), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteStepSummary(full, "more\n"); err == nil || !strings.Contains(err.Error(), "1 MiB") {
		t.Errorf("writing to a full summary: err = %v", err)
	}
}

func TestWriteStepSummaryOutsideActions(t *testing.T) {
	if err := WriteStepSummary("", "anything"); err != nil {
		t.Errorf("empty path: %v", err)
	}
}
