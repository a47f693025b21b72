package genesys

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// routeProtection is deletion protection (legal holds) of conversations'
// recordings: POST asks which conversations are protected, PUT
// ?protect=true|false applies or revokes it. The body of both is
// ConversationDeletionProtectionQuery {"conversationIds": [...]} (Go SDK
// 188 platformclientv2/recordingapi.go, conversationdeletionprotectionquery.go;
// JS SDK 262 RecordingApi, index.d.ts).
const routeProtection = "/api/v2/recordings/deletionprotection"

// ProtectionBatch is how many conversation ids one deletion-protection request carries.
// It is the documented limit: "The list cannot exceed 100 conversationids"
// (Go SDK 188, Conversationdeletionprotectionquery.ConversationIds).
const ProtectionBatch = 100

// protectionQuery is ConversationDeletionProtectionQuery.
type protectionQuery struct {
	ConversationIDs []string `json:"conversationIds"`
}

// protectedRef is the AddressableEntityRef ({id, selfUri}) the POST answers
// for each protected conversation.
type protectedRef struct {
	ID      string `json:"id"`
	SelfURI string `json:"selfUri,omitempty"`
}

// protectionResult is ManageDeleteProtectionResult, the PUT's answer in the
// newer SDKs (JS SDK 262 index.d.ts); older ones (Go SDK 188, JS SDK 212
// docs) declare no body, so an empty answer means no failures.
type protectionResult struct {
	FailedUpdates []struct {
		Conversation struct {
			ID string `json:"id"`
		} `json:"conversation"`
		ErrorMessage string `json:"errorMessage"`
		ErrorCode    string `json:"errorCode"`
	} `json:"failedUpdates"`
}

// ProtectionFailure is one conversation whose protection the platform did
// not change (an entry of ManageDeleteProtectionResult.failedUpdates).
type ProtectionFailure struct {
	ConversationID string
	ErrorCode      string
	ErrorMessage   string
}

// ProtectionError reports the conversations a SetDeletionProtection call
// could not protect or release although every request was answered 2xx.
// Every other conversation of the call was changed.
type ProtectionError struct {
	Protect bool
	Total   int // conversation ids of the call, deduplicated
	Failed  []ProtectionFailure
}

func (e *ProtectionError) Error() string {
	verb := "protected"
	if !e.Protect {
		verb = "released"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "PUT %s: %d of %d conversations not %s:", routeProtection, len(e.Failed), e.Total, verb)
	for i, f := range e.Failed {
		if i == 10 {
			fmt.Fprintf(&b, " … and %d more", len(e.Failed)-i)
			break
		}
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %s", f.ConversationID)
		if f.ErrorCode != "" || f.ErrorMessage != "" {
			fmt.Fprintf(&b, " (%s)", strings.TrimSpace(f.ErrorCode+" "+f.ErrorMessage))
		}
	}
	return b.String()
}

// ProtectedConversations asks which of ids have protected recordings (POST /api/v2/recordings/deletionprotection, in batches).
// It returns the protected subset, deduplicated and sorted (the platform
// guarantees no order). No ids: no request. A blank id is refused before
// anything is sent.
//
// The POST changes nothing, so unlike other POSTs a lost answer or a server
// error is not left as ErrOutcomeUnknown: the batch is asked again, up to
// the client's retry limit.
func (c *Client) ProtectedConversations(ctx context.Context, ids []string) ([]string, error) {
	uniq, err := protectionIDs(http.MethodPost, ids)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for batch := range slices.Chunk(uniq, ProtectionBatch) {
		refs, err := c.protectedBatch(ctx, batch)
		if err != nil {
			return nil, err
		}
		for _, r := range refs {
			if r.ID != "" {
				seen[r.ID] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	slices.Sort(out)
	return out, nil
}

// protectedBatch asks about one batch, asking again when the outcome of
// the (read-only) POST is unknown.
func (c *Client) protectedBatch(ctx context.Context, batch []string) ([]protectedRef, error) {
	bo := newBackoff()
	for try := 0; ; try++ {
		var refs []protectedRef
		err := c.do(ctx, call{method: http.MethodPost, route: routeProtection, path: routeProtection, body: protectionQuery{batch}}, &refs)
		if err == nil || !errors.Is(err, ErrOutcomeUnknown) {
			return refs, err
		}
		if try >= c.maxRetries {
			return nil, fmt.Errorf("asking which of %d conversations are protected: no answer after %d attempts: %w", len(batch), try+1, err)
		}
		if err := c.sleep(ctx, bo.NextBackOff()); err != nil {
			return nil, err
		}
	}
}

// SetDeletionProtection protects (protect=true) or releases ids (PUT ...?protect=true|false, in batches).
// The protect parameter is always sent (the platform defaults it to true).
// No ids: no request. A blank id is refused before anything is sent.
//
// Applying or revoking protection is idempotent: sending a batch twice
// leaves the same state. So the client's usual retries of a PUT (a lost
// answer, a 5xx) are safe, and so is calling SetDeletionProtection again
// with the same ids after it failed. When it fails, the batches before the
// failing one were applied and the failing one may have been (its outcome
// is unknown); the error says how many ids were sent before it. When every
// request succeeded but the platform reports conversations it did not
// change (failedUpdates), the remaining batches are still sent and the
// error is a *ProtectionError naming them.
func (c *Client) SetDeletionProtection(ctx context.Context, protect bool, ids []string) error {
	uniq, err := protectionIDs(http.MethodPut, ids)
	if err != nil {
		return err
	}
	q := url.Values{"protect": {strconv.FormatBool(protect)}}
	var failed []ProtectionFailure
	done := 0
	for batch := range slices.Chunk(uniq, ProtectionBatch) {
		var res protectionResult
		err := c.do(ctx, call{method: http.MethodPut, route: routeProtection, path: routeProtection, query: q, body: protectionQuery{batch}}, &res)
		if err != nil {
			if done > 0 {
				return fmt.Errorf("%w (the first %d of %d conversations were sent and changed; sending them again is safe)", err, done, len(uniq))
			}
			return err
		}
		for _, f := range res.FailedUpdates {
			failed = append(failed, ProtectionFailure{ConversationID: f.Conversation.ID, ErrorCode: f.ErrorCode, ErrorMessage: f.ErrorMessage})
		}
		done += len(batch)
	}
	if len(failed) > 0 {
		return &ProtectionError{Protect: protect, Total: len(uniq), Failed: failed}
	}
	return nil
}

// protectionIDs deduplicates ids (first occurrence kept) and refuses a
// blank one: the platform would refuse its whole batch.
func protectionIDs(method string, ids []string) ([]string, error) {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for i, id := range ids {
		if strings.TrimSpace(id) == "" {
			return nil, fmt.Errorf("%s %s: conversation id %d of %d is empty", method, routeProtection, i+1, len(ids))
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}
