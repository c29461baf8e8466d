package logging

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/token"
)

func newTestLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(scrubHandler{slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})})
}

func TestEveryRenderingOfAMaskedTokenIsScrubbed(t *testing.T) {
	tok := []byte("\x00\x01secret-task-token\xff\xfe-with-bytes-0123456789")
	var buf bytes.Buffer
	log := newTestLogger(&buf)
	log.Info("extracted", TokenAttrs(tok)...)

	forms := []string{
		base64.StdEncoding.EncodeToString(tok),
		base64.RawURLEncoding.EncodeToString(tok),
		hex.EncodeToString(tok),
		fmt.Sprint(tok),
		fmt.Sprintf("%q", tok),
		fmt.Sprintf("%#v", tok),
	}
	for _, f := range forms {
		log.Info("message with " + f)
		log.Debug("attr", "value", f, "err", fmt.Errorf("wrapped %s", f))
	}
	log.Debug("struct", "request", struct{ Token []byte }{tok})
	log.Debug("proto", "msg", wrapperspb.Bytes(tok))

	out := buf.String()
	for _, leak := range append(renderings(tok), string(tok)) {
		if strings.Contains(out, leak) {
			t.Errorf("output carries a rendering of the token: %q", leak)
		}
	}
	if !strings.Contains(out, token.Preview(tok)) {
		t.Error("output lacks the preview")
	}
}

func TestShortTokensKeepTheirPreviewAndSpoilNoOther(t *testing.T) {
	short := bytes.Repeat([]byte{1}, 15) // base64: 20 characters, the whole preview
	long := bytes.Repeat([]byte{1}, 16)  // its preview starts with the short one's base64
	var buf bytes.Buffer
	log := newTestLogger(&buf)
	log.Info("create", TokenAttrs(short)...)
	log.Info("create", TokenAttrs(long)...)
	out := buf.String()
	for _, preview := range []string{token.Preview(short), token.Preview(long)} {
		if !strings.Contains(out, `"token_preview":"`+preview+`"`) {
			t.Errorf("preview %s missing from the output: %s", preview, out)
		}
	}
}

func TestUnmaskedBytesAndTokenKeysAreRedacted(t *testing.T) {
	tok := []byte("another-token-never-masked-before")
	var buf bytes.Buffer
	newTestLogger(&buf).Debug("sdk record", "TaskToken", tok, "token", "some-string-token")
	out := buf.String()
	if strings.Contains(out, base64.StdEncoding.EncodeToString(tok)) || strings.Contains(out, "some-string-token") {
		t.Errorf("token leaked: %s", out)
	}
	buf.Reset()
	newTestLogger(&buf).Debug("later", "text", base64.StdEncoding.EncodeToString(tok))
	if strings.Contains(buf.String(), base64.StdEncoding.EncodeToString(tok)) {
		t.Errorf("a token seen under a token key is masked from then on: %s", buf.String())
	}
}

func TestRegistryForgetsTheOldest(t *testing.T) {
	r := &registry{known: map[string]bool{}, byHead: map[string][]rendering{}}
	first := []byte("first-token-0000000000")
	r.add(first)
	for i := 0; i < maskCapacity; i++ {
		r.add([]byte(fmt.Sprintf("token-%08d-xxxxxxxx", i)))
	}
	if r.known[string(first)] || len(r.order) != maskCapacity {
		t.Fatalf("capacity not kept: %d", len(r.order))
	}
	std := base64.StdEncoding.EncodeToString(first)
	if r.redact(std) != std {
		t.Error("a forgotten token is still scrubbed")
	}
}
