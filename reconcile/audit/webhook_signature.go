// Webhook signing: the headers every delivery carries and the HMAC-SHA256
// signature receivers verify with VerifySignature.

package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// SignatureHeader carries the body's HMAC-SHA256 under the webhook secret.
const SignatureHeader = "X-Retainctl-Signature-256"

// DeliveryHeader carries the delivery id (stable across retries of a batch).
const DeliveryHeader = "X-Retainctl-Delivery"

const signaturePrefix = "sha256="

// sign returns the signature header value for body: "sha256=<hex>".
func sign(secret, body []byte) string {
	return signaturePrefix + hex.EncodeToString(mac(secret, body))
}

// VerifySignature reports whether header is the signature of body under
// secret. Receivers must verify the exact bytes received, before parsing.
// The comparison is constant-time.
func VerifySignature(secret, body []byte, header string) bool {
	hexSum, ok := strings.CutPrefix(strings.TrimSpace(header), signaturePrefix)
	if !ok || len(secret) == 0 {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	return hmac.Equal(got, mac(secret, body))
}

func mac(secret, body []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write(body)
	return h.Sum(nil)
}
