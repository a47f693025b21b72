package policy

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const (
	convA = "3f2c9a1e-0b7d-4e55-9c1a-2d4e6f8a0b1c"
	convB = "7a9e4b2c-5d1f-4c3a-8e6b-0f1a2b3c4d5e"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const holdHead = "name: ACME\nowner: legal@example.com\nreason: litigation\nreviewBy: 2027-06-30\n"

// Holds load from holds/, never as policies; a conversationsFile is read
// relative to its hold, comments and blank lines skipped, a date stays
// as written.
func TestHoldsLoad(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"calls.yaml":           "name: Calls\nobjectType: call\nretentionPeriod: 90\n",
		"holds/acme.yaml":      holdHead + "conversations: [" + strings.ToUpper(convA) + "]\n---\nname: Big matter\nowner: o\nreason: r\nreviewBy: 2027-01-01\nconversationsFile: big/ids.txt\n",
		"holds/big/ids.txt":    "# exported from the case system\n" + convB + "\n\n" + convA + "\n",
		"holds/big/notes.yaml": "", // an empty document is no hold
	})
	repo, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(repo.Policies) != 1 || len(repo.Holds) != 2 {
		t.Fatalf("policies %d, holds %+v", len(repo.Policies), repo.Holds)
	}
	acme, big := repo.Holds[0], repo.Holds[1]
	if acme.ReviewBy != "2027-06-30" || !slices.Equal(acme.Conversations, []string{convA}) || acme.Source.LineOf("reviewBy") != 4 {
		t.Errorf("acme %+v", acme)
	}
	if !slices.Equal(big.Conversations, []string{convB, convA}) {
		t.Errorf("big matter read %v from its file", big.Conversations)
	}
	if claims := Claims(repo.Holds); !slices.Equal(claims[convA], []string{"ACME", "Big matter"}) {
		t.Errorf("claims %v", claims)
	}
}

func TestHoldProblemsPointAtTheirLine(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "ids.txt")
	if err := os.WriteFile(outside, []byte(convA+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		files      map[string]string
		rule, file string
		line       int
		msg        string
	}{
		"a mistyped id": {map[string]string{"holds/a.yaml": holdHead + "conversations:\n  - " + convA + "\n  - 3f2c9a1e-0b7d\n"},
			"hold.conversation-id", "holds/a.yaml", 7, "not a conversation id"},
		"a bad line in the ids file": {map[string]string{"holds/a.yaml": holdHead + "conversationsFile: ids.txt\n", "holds/ids.txt": convA + "\nnot-an-id\n"},
			"hold.conversation-id", "holds/ids.txt", 2, "not-an-id"},
		"an ids file outside the directory": {map[string]string{"holds/a.yaml": holdHead + "conversationsFile: ../../" + filepath.Base(filepath.Dir(outside)) + "/ids.txt\n"},
			"hold.conversations-file", "holds/a.yaml", 5, "outside the policies directory"},
		"a missing ids file": {map[string]string{"holds/a.yaml": holdHead + "conversationsFile: gone.txt\n"},
			"hold.conversations-file", "holds/a.yaml", 5, "does not exist"},
		"an unknown key": {map[string]string{"holds/a.yaml": holdHead + "conversation: [" + convA + "]\n"},
			"yaml.unknown-key", "holds/a.yaml", 5, "conversation"},
		"a name used twice": {map[string]string{"holds/a.yaml": holdHead + "conversations: [" + convA + "]\n---\n" + holdHead + "conversations: [" + convB + "]\n"},
			"hold.duplicate-name", "holds/a.yaml", 7, "already used"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			_, err := Load(dir)
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want problems", err)
			}
			for _, p := range le.Problems {
				if p.Rule == tt.rule && p.File == filepath.Join(dir, filepath.FromSlash(tt.file)) && p.Line == tt.line && strings.Contains(p.Message, tt.msg) {
					return
				}
			}
			t.Errorf("want %s at %s:%d saying %q, got %v", tt.rule, tt.file, tt.line, tt.msg, le.Problems)
		})
	}
}

// A symbolic link as the ids file is refused unread: it could show another
// file's lines in the findings.
func TestHoldIDsFileMustBeRegular(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret")
	writeFiles(t, dir, map[string]string{"holds/a.yaml": holdHead + "conversationsFile: ids.txt\n"})
	if err := os.WriteFile(secret, []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(dir, "holds", "ids.txt")); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), "a symbolic link") || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err = %v", err)
	}
}
