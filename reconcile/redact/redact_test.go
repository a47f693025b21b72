package redact

import (
	"bytes"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

func TestMaskerString(t *testing.T) {
	m := New("s3cr3t-value", "tok", "", "ab\"cd<ef")
	tests := []struct{ in, want string }{
		{"nothing here", "nothing here"},
		{"id=s3cr3t-value&x=s3cr3t-value", "id=***&x=***"},
		{"tok is too short to mask", "tok is too short to mask"},
		{`raw ab"cd<ef`, "raw ***"},
		{`json "ab\"cd\u003cef"`, `json "***"`},
		{"s3cr3t-valu", "s3cr3t-valu"},
	}
	for _, tt := range tests {
		if got := m.String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskerLongestWins(t *testing.T) {
	m := New("abcd", "abcdefgh")
	if got := m.String("xabcdefghy abcdz"); got != "x***y ***z" {
		t.Fatalf("got %q", got)
	}
}

func TestMaskerNilAndEmpty(t *testing.T) {
	var m *Masker
	if m.String("a secret") != "a secret" || string(m.Bytes([]byte("x"))) != "x" {
		t.Fatal("nil masker must pass text through")
	}
	if New().String("a secret") != "a secret" {
		t.Fatal("empty masker must pass text through")
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{
		"GENESYSCLOUD_OAUTHCLIENT_SECRET": "client-secret-1",
		"GENESYSCLOUD_ACCESS_TOKEN":       "access-token-2",
		"RETAINCTL_AUDIT_WEBHOOK_SECRET":  "hook-secret-3",
		"GITHUB_TOKEN":                    "ghp_token4",
		"RETAINCTL_MASK":                  "extra-one, extra-two,,x,",
	}
	m := FromEnv(func(k string) string { return env[k] })
	in := "client-secret-1 access-token-2 hook-secret-3 ghp_token4 extra-one extra-two x"
	if got, want := m.String(in), "*** *** *** *** *** *** x"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// A secret split over two (or many) Write calls must still be masked.
func TestWriterAcrossBoundaries(t *testing.T) {
	m := New("supersecret", "super-long-secret-value")
	text := "a supersecret b super-long-secret-value c supersecre d super"
	want := m.String(text)
	for split := 1; split <= len(text); split++ {
		var buf bytes.Buffer
		w := NewWriter(&buf, m)
		for i := 0; i < len(text); i += split {
			end := min(i+split, len(text))
			if n, err := w.Write([]byte(text[i:end])); err != nil || n != end-i {
				t.Fatalf("Write = %d, %v", n, err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if buf.String() != want {
			t.Fatalf("chunk %d: got %q, want %q", split, buf.String(), want)
		}
		if strings.Contains(buf.String(), "supersecret") {
			t.Fatalf("chunk %d leaked the secret", split)
		}
	}
}

func TestWriterPassesThroughWithoutSecrets(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, New())
	w.Write([]byte("hello "))
	if buf.String() != "hello " {
		t.Fatalf("nothing should be held when nothing is secret, got %q", buf.String())
	}
}

// A secret added after the writer was made is masked from then on.
func TestWriterSecretAddedLater(t *testing.T) {
	m := New()
	var buf bytes.Buffer
	w := NewWriter(&buf, m)
	m.Add("late-token-xyz")
	w.Write([]byte("Bearer late-tok"))
	w.Write([]byte("en-xyz\n"))
	w.Flush()
	if buf.String() != "Bearer ***\n" {
		t.Fatalf("got %q", buf.String())
	}
}

func FuzzWriterMatchesMasker(f *testing.F) {
	f.Add("a supersecret b", 3)
	f.Add("supersupersecretsecret", 1)
	f.Fuzz(func(t *testing.T, text string, split int) {
		m := New("supersecret", "secret-two", "sssss")
		if split <= 0 || split > 64 {
			split = 1 + split&31
		}
		var buf bytes.Buffer
		w := NewWriter(&buf, m)
		for i := 0; i < len(text); i += split {
			w.Write([]byte(text[i:min(i+split, len(text))]))
		}
		w.Flush()
		if want := m.String(text); buf.String() != want {
			t.Fatalf("writer %q != masker %q", buf.String(), want)
		}
	})
}

func BenchmarkWriter(b *testing.B) {
	m := FromEnv(func(k string) string { return k + "-value-secret" })
	line := []byte(strings.Repeat("an ordinary log line with no secret in it ", 4) + "\n")
	w := NewWriter(&bytes.Buffer{}, m)
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		w.Write(line)
	}
}

// A secret is masked in the encodings it travels in: base64 (an echoed
// Basic header, alone or with the client id), URL escaping, JSON escaping.
func TestEncodedSecretsAreMasked(t *testing.T) {
	const id, secret = "client-1", "s3cr/et+value=="
	m := FromEnv(func(k string) string {
		return map[string]string{"GENESYSCLOUD_OAUTHCLIENT_ID": id, "GENESYSCLOUD_OAUTHCLIENT_SECRET": secret}[k]
	})
	for _, leak := range []string{
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret)),
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret))),
		"secret=" + url.QueryEscape(secret),
		"raw " + base64.RawURLEncoding.EncodeToString([]byte(secret)),
	} {
		if got := m.String(leak); strings.Contains(got, strings.Fields(leak)[len(strings.Fields(leak))-1]) || !strings.Contains(got, Mask) {
			t.Errorf("%q masked as %q", leak, got)
		}
	}
}
