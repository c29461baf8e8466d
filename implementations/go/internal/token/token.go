// Package token holds the task token's text forms: the loggable preview and
// the JSON-safe encoding (standard padded base64).
package token

import (
	"encoding/base64"
	"fmt"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
)

// Preview is the only form of a token that may be logged: standard padded
// base64, cut to its first 20 characters followed by "..." when longer.
func Preview(token []byte) string {
	text := Encode(token)
	if len(text) > names.TokenPreviewChars {
		return text[:names.TokenPreviewChars] + "..."
	}
	return text
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
