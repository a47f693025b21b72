package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

// maxRequestBody is the API's request.bytes.max limit.
const maxRequestBody = 512000

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with the API's ErrorBody; details may be empty.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, msg string, details ...genesys.ErrorDetail) {
	id := uuid.NewString()
	w.Header().Set("ININ-Correlation-Id", id)
	if details == nil {
		details = []genesys.ErrorDetail{}
	}
	writeJSON(w, status, genesys.ErrorBody{
		Message: msg, Code: code, Status: status, ContextID: id,
		Details: details, Errors: []genesys.ErrorBody{},
	})
}

// invalid answers 400 invalid.value naming the field at fault.
func invalid(w http.ResponseWriter, r *http.Request, field, msg string) {
	writeError(w, r, http.StatusBadRequest, "invalid.value", msg,
		genesys.ErrorDetail{ErrorCode: "invalid.value", FieldName: field})
}

// decodeBody reads a JSON request body into v after checking it against
// the named model, answering 415 or 400 itself (and returning false) when
// it cannot.
func decodeBody(w http.ResponseWriter, r *http.Request, model string, v any) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeError(w, r, http.StatusUnsupportedMediaType, "unsupported.media.type",
			fmt.Sprintf("Unsupported Media Type: %q is not supported, send application/json", r.Header.Get("Content-Type")))
		return false
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "bad.request", "The request body could not be read.")
		return false
	}
	if len(data) > maxRequestBody {
		writeError(w, r, http.StatusRequestEntityTooLarge, "request.entity.too.large",
			fmt.Sprintf("The request body exceeds the maximum of %d bytes.", maxRequestBody))
		return false
	}
	if fe := checkBody(data, model); fe != nil {
		invalid(w, r, fe.field, fe.msg)
		return false
	}
	if err := json.Unmarshal(data, v); err != nil {
		msg := "The request could not be understood by the server due to malformed syntax."
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			invalid(w, r, te.Field, fmt.Sprintf("Value for field [%s] has the wrong type: %s", te.Field, te.Value))
			return false
		}
		writeError(w, r, http.StatusBadRequest, "bad.request", msg+" "+strings.TrimPrefix(err.Error(), "json: "))
		return false
	}
	return true
}
