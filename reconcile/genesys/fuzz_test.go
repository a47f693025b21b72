package genesys

import (
	"encoding/json"
	"net/http"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeAPIError feeds arbitrary error bodies and Retry-After values:
// decoding never panics and the message stays short, one line, valid UTF-8.
func FuzzDecodeAPIError(f *testing.F) {
	f.Add([]byte(`{"message":"Rate limit exceeded the maximum. Retry the request in [42] seconds","code":"too.many.requests.retry.after","status":429,"contextId":"c","details":[],"errors":[]}`), "42")
	f.Add([]byte(`<html><h1>502 Bad Gateway</h1></html>`), "")
	f.Add([]byte(`{"code":1,"details":"x"}`), "-5")
	f.Fuzz(func(t *testing.T, body []byte, retryAfter string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		e := decodeAPIError("GET", "/api/v2/x", 500, h, body)
		msg := e.Error()
		if !utf8.ValidString(e.Message) && !json.Valid(body) {
			t.Fatalf("invalid UTF-8 message from a non-JSON body: %q", e.Message)
		}
		if e.RetryAfter < 0 || e.RetryAfter > 86400e9 {
			t.Fatalf("Retry-After %v out of range", e.RetryAfter)
		}
		if !json.Valid(body) && len(msg) > 400 {
			t.Fatalf("message too long: %d bytes", len(msg))
		}
	})
}

// FuzzDecodeListing feeds arbitrary listing pages: decoding either fails
// cleanly or yields a listing whose entities re-encode.
func FuzzDecodeListing(f *testing.F) {
	f.Add([]byte(`{"entities":[{"id":"a","name":"n","mediaPolicies":{"callPolicy":{"conditions":{"directions":["INBOUND"]}}}}],"pageSize":100,"pageNumber":1,"total":1,"pageCount":1,"unknown":{"x":[1,2]}}`))
	f.Add([]byte(`{"entities":null,"pageCount":-1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var l Listing[Policy]
		if err := json.Unmarshal(body, &l); err != nil {
			return
		}
		if _, err := json.Marshal(l); err != nil {
			t.Fatalf("decoded listing does not re-encode: %v", err)
		}
	})
}
