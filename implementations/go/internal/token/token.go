// Package token holds the task token's text forms: the loggable preview and
// fingerprint, and the JSON-safe encoding (standard padded base64).
package token

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
)

// Preview is a loggable form of a token: standard padded base64, cut to its
// first 20 characters followed by "..." when longer.
func Preview(token []byte) string {
	text := Encode(token)
	if len(text) > names.TokenPreviewChars {
		return text[:names.TokenPreviewChars] + "..."
	}
	return text
}

// Fingerprint is the other loggable form of a token: the first 12 lowercase
// hex characters of the SHA-256 of the whole token. It tells apart tokens
// that share their first bytes, hence their preview.
func Fingerprint(token []byte) string {
	sum := sha256.Sum256(token)
	return hex.EncodeToString(sum[:])[:names.TokenFingerprintChars]
}

// Encode renders token bytes as standard padded base64, for JSON payloads.
func Encode(token []byte) string {
	return base64.StdEncoding.EncodeToString(token)
}

// Decode is the inverse of Encode.
func Decode(text string) ([]byte, error) {
	token, err := base64.StdEncoding.Strict().DecodeString(text)
	if err != nil {
		return nil, fmt.Errorf("callback token is not standard base64: %w", err)
	}
	return token, nil
}
