// Package app holds what both binaries share: the environment, the logger,
// the Temporal client, and running until SIGTERM.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"go.temporal.io/sdk/client"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/config"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/logging"
)

// Start reads the environment and sets up the process's logger.
func Start(process string) (config.Config, *slog.Logger, error) {
	cfg, err := config.FromEnv()
	if err != nil {
		return cfg, nil, err
	}
	return cfg, logging.Setup(os.Stderr, cfg.LogLevel, process), nil
}

// Dial connects to Temporal with a logger that keeps tokens out of the SDK's logs.
func Dial(ctx context.Context, cfg config.Config, log *slog.Logger) (client.Client, error) {
	options := cfg.Temporal
	options.Logger = logging.SDKLogger(log)
	c, err := client.DialContext(ctx, options)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s%s: %w", cfg.TemporalAddress(), security(options), err)
	}
	return c, nil
}

// security describes how the connection is secured, for the error message of a failed dial.
func security(options client.Options) string {
	var parts []string
	tls := options.ConnectionOptions.TLS
	if tls != nil && !options.ConnectionOptions.TLSDisabled {
		parts = append(parts, "TLS")
		if len(tls.Certificates) > 0 {
			parts = append(parts, "client certificate")
		}
		if tls.ServerName != "" {
			parts = append(parts, "server name "+tls.ServerName)
		}
	}
	if options.Credentials != nil {
		parts = append(parts, "API key")
	}
	if len(parts) == 0 {
		return " (plaintext)"
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// SignalContext is cancelled by SIGTERM or SIGINT.
func SignalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
}

// Fail reports a startup error (on the logger once there is one) and
// returns the exit code.
func Fail(log *slog.Logger, err error) int {
	if log == nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		return 2
	}
	log.Error("startup failed", "error", err)
	return 1
}
