package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// protectionPath is deletion protection (legal holds): POST asks which of
// some conversations have protected recordings, PUT ?protect=true|false
// applies or revokes protection. Both take ConversationDeletionProtectionQuery
// {"conversationIds": [...]} (Go SDK 188 platformclientv2/recordingapi.go and
// conversationdeletionprotectionquery.go; JS SDK 262 RecordingApi.js, index.d.ts).
const protectionPath = "/api/v2/recordings/deletionprotection"

// maxProtectionIDs is the documented limit of one request: "The list
// cannot exceed 100 conversationids" (Go SDK 188,
// Conversationdeletionprotectionquery.ConversationIds).
const maxProtectionIDs = 100

// conversationsPath prefixes a conversation's selfUri.
const conversationsPath = "/api/v2/conversations"

// protectionRef is the AddressableEntityRef the POST answers per conversation.
type protectionRef struct {
	ID      string `json:"id"`
	SelfURI string `json:"selfUri"`
}

// protectionResult is ManageDeleteProtectionResult, the PUT's answer (JS
// SDK 262; the Go SDK 188 and older JS SDK docs declare no body, and ignore
// one). The simulator never fails an update, so failedUpdates is empty.
type protectionResult struct {
	FailedUpdates []protectionFailure `json:"failedUpdates"`
}

type protectionFailure struct {
	Conversation protectionRef `json:"conversation"`
	ErrorMessage string        `json:"errorMessage,omitempty"`
	ErrorCode    string        `json:"errorCode,omitempty"`
}

// protectionIDs reads and checks a ConversationDeletionProtectionQuery,
// answering 400 itself (and returning false) when it is refused.
func protectionIDs(w http.ResponseWriter, r *http.Request) ([]string, bool) {
	var body struct {
		ConversationIDs []string `json:"conversationIds"`
	}
	if !decodeBody(w, r, "ConversationDeletionProtectionQuery", &body) {
		return nil, false
	}
	ids := body.ConversationIDs
	switch {
	case len(ids) == 0:
		invalid(w, r, "conversationIds", "The field [conversationIds] is required and may not be empty.")
		return nil, false
	case len(ids) > maxProtectionIDs:
		invalid(w, r, "conversationIds", fmt.Sprintf("The list cannot exceed %d conversationids; it has %d.", maxProtectionIDs, len(ids)))
		return nil, false
	}
	for i, id := range ids {
		if strings.TrimSpace(id) == "" {
			invalid(w, r, fmt.Sprintf("conversationIds[%d]", i), "A conversation id may not be blank.")
			return nil, false
		}
	}
	return ids, true
}

// queryProtection answers the protected conversations among those asked,
// each once, in the order asked.
func (o *Org) queryProtection(w http.ResponseWriter, r *http.Request) {
	ids, ok := protectionIDs(w, r)
	if !ok {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	out := []protectionRef{}
	seen := map[string]bool{}
	for _, id := range ids {
		if o.st.protected[id] && !seen[id] {
			seen[id] = true
			out = append(out, protectionRef{ID: id, SelfURI: conversationsPath + "/" + id})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// putProtection applies (protect=true, the default) or revokes
// (protect=false) protection. Protection is of a conversation id: the
// simulator does not check that the conversation exists (what the platform
// does with an unknown id is not documented).
func (o *Org) putProtection(w http.ResponseWriter, r *http.Request) {
	protect := true
	if q := r.URL.Query(); q.Has("protect") {
		switch v := q.Get("protect"); {
		case len(q["protect"]) != 1:
			invalid(w, r, "protect", "The parameter [protect] may be given once.")
			return
		case strings.EqualFold(v, "true"):
		case strings.EqualFold(v, "false"):
			protect = false
		default:
			invalid(w, r, "protect", fmt.Sprintf("Value [%s] is not valid for parameter [protect]. Allowable values are: true, false", v))
			return
		}
	}
	ids, ok := protectionIDs(w, r)
	if !ok {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, id := range ids {
		if protect {
			o.st.protected[id] = true
		} else {
			delete(o.st.protected, id)
		}
	}
	if o.saveFailed(w, r) {
		return
	}
	writeJSON(w, http.StatusOK, protectionResult{FailedUpdates: []protectionFailure{}})
}

// isProtected reports whether a conversation's recordings are protected.
// Call with o.mu held.
func (o *Org) isProtected(conversationID string) bool { return o.st.protected[conversationID] }

// Protected returns the protected conversation ids, sorted.
func (o *Org) Protected() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]string, 0, len(o.st.protected))
	for id := range o.st.protected {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}
