package genesys

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/retainctl/retainctl/reconcile/wait"
)

// ErrOutcomeUnknown marks a non-idempotent call (a POST) whose request may
// have reached the server but whose answer was lost or was a server error:
// the caller must re-read state before trying again.
var ErrOutcomeUnknown = errors.New("outcome unknown: the request may or may not have been processed")

// ErrCircuitOpen is returned once repeated server failures opened the
// circuit breaker; every later call fails fast with it.
var ErrCircuitOpen = errors.New("circuit breaker open")

// APIError is a non-2xx answer from the Platform API.
type APIError struct {
	Status     int
	Code       string
	Message    string
	ContextID  string
	Method     string
	Path       string
	Details    []ErrorDetail
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.Status)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for _, d := range e.Details {
		if d.FieldName != "" || d.ErrorCode != "" {
			fmt.Fprintf(&b, " [%s %s]", d.FieldName, d.ErrorCode)
		}
	}
	if e.ContextID != "" {
		fmt.Fprintf(&b, " (contextId %s)", e.ContextID)
	}
	return b.String()
}

// IsNotFound reports whether err is a 404 from the API.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsConflict reports whether err is a 409 from the API.
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

// IsRateLimited reports whether err is a 429 from the API.
func IsRateLimited(err error) bool { return hasStatus(err, http.StatusTooManyRequests) }

func hasStatus(err error, status int) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == status
}

// maxErrorText bounds how much of a non-JSON error body lands in a message.
const maxErrorText = 200

// decodeAPIError builds the error for a non-2xx answer. It tolerates bodies
// that are not the API's ErrorBody (an HTML page from a proxy, nothing at
// all) and never fails: the status alone is still an error.
func decodeAPIError(method, path string, status int, header http.Header, body []byte) *APIError {
	e := &APIError{Status: status, Method: method, Path: path}
	var eb ErrorBody
	if err := json.Unmarshal(body, &eb); err == nil && (eb.Code != "" || eb.Message != "") {
		e.Code, e.Message, e.ContextID, e.Details = eb.Code, eb.Message, eb.ContextID, eb.Details
	} else {
		e.Message = snippet(body)
	}
	if e.ContextID == "" && header != nil {
		e.ContextID = header.Get("ININ-Correlation-Id")
	}
	if header != nil {
		e.RetryAfter = wait.RetryAfter(header.Get("Retry-After"), time.Now())
	}
	if status >= 300 && status < 400 {
		e.Message = fmt.Sprintf("redirected to %q: retainctl never follows a redirect (it would carry the credentials); point %s at the API itself", header.Get("Location"), EnvAPIURL)
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

// snippet makes a short single-line, valid UTF-8 excerpt of an unexpected body.
func snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > maxErrorText {
		s = s[:maxErrorText]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return strings.ToValidUTF8(s, "?")
}
