// Package logging sets up the process's structured logs (log/slog) so that no
// record — ours, the Temporal SDK's or gRPC's — carries a full task token.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	sdklog "go.temporal.io/sdk/log"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/token"
)

// ParseLevel reads HANDSHAKE_LOG_LEVEL: debug, info, warn or error ("" is info).
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug":
		return slog.LevelDebug, nil
	case "", "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("log level %q is not one of debug, info, warn, error", s)
}

// Setup makes a scrubbing JSON logger on w the process default (the standard
// log package and gRPC's logs included) and returns it.
func Setup(w io.Writer, level slog.Level, process string) *slog.Logger {
	handler := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})
	logger := slog.New(scrubHandler{handler}).With("process", process)
	slog.SetDefault(logger)
	installGRPCLogger(logger.With("logger", "grpc"))
	return logger
}

// SDKLogger is the logger to give the Temporal client: its records go
// through the same scrubbing.
func SDKLogger(logger *slog.Logger) sdklog.Logger {
	return sdklog.NewStructuredLogger(logger.With("logger", "temporal"))
}

// TokenAttrs are the attributes of a log record about a token: its preview,
// its length in bytes and its fingerprint. It also masks the token, so every
// code path that logs a token protects it.
func TokenAttrs(tok []byte) []any {
	Mask(tok)
	return []any{
		"token_preview", token.Preview(tok),
		"token_length", len(tok),
		"token_fingerprint", token.Fingerprint(tok),
	}
}
