// Package redact masks secrets (client secrets, tokens, webhook keys and
// user-listed values) in every string, byte slice and stream retainctl writes.
package redact

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Mask is what every secret is replaced with.
const Mask = "***"

// MinLen is the shortest value masked: shorter values (a stray "1" or "on")
// would blank out ordinary text without protecting anything.
const MinLen = 4

// Masker replaces known secrets with Mask. The zero value masks nothing; it is
// safe for concurrent use, and secrets can be added while it is in use (a
// token obtained at run time).
type Masker struct {
	mu      sync.RWMutex
	secrets []string // longest first, so the longest match wins at a position
	first   [256]bool
}

// New returns a Masker for the given secrets (see Add).
func New(secrets ...string) *Masker {
	m := &Masker{}
	for _, s := range secrets {
		m.Add(s)
	}
	return m
}

// Add registers a secret. Empty values and values shorter than MinLen are
// ignored. Its encoded spellings are registered too — JSON-escaped, URL
// query and path escaped, base64 in the standard and URL alphabets — so a
// secret is caught inside encoded JSON, a URL or an echoed header.
func (m *Masker) Add(secret string) {
	secret = strings.TrimSpace(secret)
	if len(secret) < MinLen {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range spellings(secret) {
		m.add(s)
	}
}

// AddBasicAuth registers the HTTP Basic credentials of id and secret in
// both the forms clients send (RFC 7617, and x/oauth2's URL-escaped one):
// a token endpoint that echoes the request must not show them.
func (m *Masker) AddBasicAuth(id, secret string) {
	if len(strings.TrimSpace(secret)) < MinLen {
		return
	}
	m.Add(base64.StdEncoding.EncodeToString([]byte(id + ":" + secret)))
	m.Add(base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret))))
}

// spellings are the forms in which a secret may appear in output.
func spellings(s string) []string {
	out := []string{s, url.QueryEscape(s), url.PathEscape(s),
		base64.StdEncoding.EncodeToString([]byte(s)), base64.RawStdEncoding.EncodeToString([]byte(s)),
		base64.URLEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s))}
	if enc, err := json.Marshal(s); err == nil {
		out = append(out, string(enc[1:len(enc)-1]))
	}
	return out
}

func (m *Masker) add(s string) {
	if slices.Contains(m.secrets, s) {
		return
	}
	m.secrets = append(m.secrets, s)
	slices.SortStableFunc(m.secrets, func(a, b string) int { return len(b) - len(a) })
	m.first[s[0]] = true
}

// Len reports how many spellings are masked.
func (m *Masker) Len() int {
	if m == nil {
		return 0
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.secrets)
}

// String returns s with every secret replaced by Mask.
func (m *Masker) String(s string) string {
	if m == nil || m.Len() == 0 {
		return s
	}
	return string(m.Bytes([]byte(s)))
}

// Bytes returns b with every secret replaced by Mask. b is not modified; when
// nothing matches, b itself is returned.
func (m *Masker) Bytes(b []byte) []byte {
	if m == nil {
		return b
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if len(m.secrets) == 0 {
		return b
	}
	out, _, changed := m.scan(nil, b, true)
	if !changed {
		return b
	}
	return out
}

// scan appends b to dst with secrets masked, leftmost match first and the
// longest secret at a position. Unless final, it stops at the first position
// where a secret could still begin once more bytes arrive and returns the
// unprocessed tail as rest, so a streaming caller masks exactly what a single
// call on the whole stream would. Callers hold m.mu.
func (m *Masker) scan(dst, b []byte, final bool) (out, rest []byte, changed bool) {
	start := 0 // first byte of b not yet copied to dst
	for i := 0; i < len(b); {
		if !m.first[b[i]] {
			i++
			continue
		}
		matched, undecided := m.matchAt(b[i:], final)
		switch {
		case undecided:
			return append(dst, b[start:i]...), b[i:], changed
		case matched > 0:
			dst = append(append(dst, b[start:i]...), Mask...)
			i += matched
			start = i
			changed = true
		default:
			i++
		}
	}
	return append(dst, b[start:]...), nil, changed
}

// matchAt reports the length of the longest secret b starts with, or whether
// the answer depends on bytes not yet seen (b is a proper prefix of a secret
// at least as long as any full match).
func (m *Masker) matchAt(b []byte, final bool) (matched int, undecided bool) {
	for _, s := range m.secrets { // longest first
		if len(s) <= len(b) {
			if string(b[:len(s)]) == s {
				return len(s), false
			}
			continue
		}
		if !final && string(b) == s[:len(b)] {
			return 0, true
		}
	}
	return 0, false
}
