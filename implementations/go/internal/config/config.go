// Package config reads the environment variables of docs/implementing.md.
package config

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/logging"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
)

// DefaultTemporalAddress is where Temporal is reached when neither TEMPORAL_ADDRESS nor a
// profile names it.
const DefaultTemporalAddress = "localhost:7233"

// Config is one process's view of the environment.
type Config struct {
	// Temporal holds the client options of Temporal's standard environment
	// configuration: address, namespace, TLS, mTLS and API key, from the TEMPORAL_*
	// variables and the profile (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE).
	Temporal      client.Options
	CalleeListen  string
	CalleeAddress string
	StorePath     string
	Queues        names.TaskQueues
	LogLevel      slog.Level
	// CallerMaxActivities is HANDSHAKE_CALLER_MAX_ACTIVITIES: how many activities the
	// caller's worker runs at once; 0 (unset) keeps the SDK's default.
	CallerMaxActivities int
}

// TemporalAddress is the Temporal frontend's host:port.
func (c Config) TemporalAddress() string { return c.Temporal.HostPort }

// Namespace is the Temporal namespace the process works in.
func (c Config) Namespace() string { return c.Temporal.Namespace }

// FromEnv reads the environment; unset variables take their defaults.
func FromEnv() (Config, error) {
	level, err := logging.ParseLevel(os.Getenv("HANDSHAKE_LOG_LEVEL"))
	if err != nil {
		return Config{}, err
	}
	temporal, err := TemporalOptions()
	if err != nil {
		return Config{}, err
	}
	callerMax, err := positiveOrZero("HANDSHAKE_CALLER_MAX_ACTIVITIES")
	if err != nil {
		return Config{}, err
	}
	defaults := names.DefaultTaskQueues()
	return Config{
		Temporal:      temporal,
		CalleeListen:  env("HANDSHAKE_CALLEE_LISTEN", "127.0.0.1:0"),
		CalleeAddress: os.Getenv("HANDSHAKE_CALLEE_ADDRESS"),
		StorePath:     env("HANDSHAKE_STORE_PATH", ":memory:"),
		Queues: names.TaskQueues{
			Callee:         env("HANDSHAKE_CALLEE_TASK_QUEUE", defaults.Callee),
			AgentRunner:    env("HANDSHAKE_AGENT_RUNNER_TASK_QUEUE", defaults.AgentRunner),
			WorkflowRunner: env("HANDSHAKE_WORKFLOW_RUNNER_TASK_QUEUE", defaults.WorkflowRunner),
			Caller:         env("HANDSHAKE_CALLER_TASK_QUEUE", defaults.Caller),
		},
		LogLevel:            level,
		CallerMaxActivities: callerMax,
	}, nil
}

// positiveOrZero reads a positive integer variable; 0 when it is unset or empty.
func positiveOrZero(name string) (int, error) {
	text := os.Getenv(name)
	if text == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s=%q: expected a positive integer", name, text)
	}
	return n, nil
}

// TemporalOptions loads Temporal's standard client configuration (the SDK's envconfig:
// profile file, then TEMPORAL_* variables); localhost:7233 and "default" when unset.
func TemporalOptions() (client.Options, error) {
	options, err := envconfig.LoadDefaultClientOptions()
	if err != nil {
		return client.Options{}, fmt.Errorf("temporal client configuration (TEMPORAL_* variables, profile): %w", err)
	}
	// The callee names its namespace in log lines and requests, so the SDK's own defaults
	// are made explicit here.
	if options.HostPort == "" {
		options.HostPort = DefaultTemporalAddress
	}
	if options.Namespace == "" {
		options.Namespace = client.DefaultNamespace
	}
	return options, nil
}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
