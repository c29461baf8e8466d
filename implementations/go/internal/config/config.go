// Package config reads the environment variables of docs/implementing.md.
package config

import (
	"log/slog"
	"os"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/logging"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
)

// Config is one process's view of the environment.
type Config struct {
	TemporalAddress string
	Namespace       string
	CalleeListen    string
	CalleeAddress   string
	StorePath       string
	Queues          names.TaskQueues
	LogLevel        slog.Level
}

// FromEnv reads the environment; unset variables take their defaults.
func FromEnv() (Config, error) {
	level, err := logging.ParseLevel(os.Getenv("HANDSHAKE_LOG_LEVEL"))
	if err != nil {
		return Config{}, err
	}
	defaults := names.DefaultTaskQueues()
	return Config{
		TemporalAddress: env("TEMPORAL_ADDRESS", "localhost:7233"),
		Namespace:       env("TEMPORAL_NAMESPACE", "default"),
		CalleeListen:    env("HANDSHAKE_CALLEE_LISTEN", "127.0.0.1:0"),
		CalleeAddress:   os.Getenv("HANDSHAKE_CALLEE_ADDRESS"),
		StorePath:       env("HANDSHAKE_STORE_PATH", ":memory:"),
		Queues: names.TaskQueues{
			Callee:         env("HANDSHAKE_CALLEE_TASK_QUEUE", defaults.Callee),
			AgentRunner:    env("HANDSHAKE_AGENT_RUNNER_TASK_QUEUE", defaults.AgentRunner),
			WorkflowRunner: env("HANDSHAKE_WORKFLOW_RUNNER_TASK_QUEUE", defaults.WorkflowRunner),
			Caller:         env("HANDSHAKE_CALLER_TASK_QUEUE", defaults.Caller),
		},
		LogLevel: level,
	}, nil
}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
