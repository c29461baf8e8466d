// Command caller is the handshake's caller: a worker on the caller queue
// serving stigmer/call-agent and stigmer/call-workflow, which create
// executions on the callee over gRPC and go pending. Configured by the
// environment (docs/implementing.md); SIGTERM stops it gracefully.
package main

import (
	"errors"
	"os"

	"go.temporal.io/sdk/worker"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/app"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/caller"
)

func main() { os.Exit(run()) }

func run() int {
	cfg, log, err := app.Start("caller")
	if err != nil {
		return app.Fail(nil, err)
	}
	if cfg.CalleeAddress == "" {
		return app.Fail(log, errors.New("HANDSHAKE_CALLEE_ADDRESS is not set"))
	}
	ctx, stop := app.SignalContext()
	defer stop()

	conn, err := grpc.NewClient(cfg.CalleeAddress, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return app.Fail(log, err)
	}
	defer conn.Close()
	c, err := app.Dial(ctx, cfg, log)
	if err != nil {
		return app.Fail(log, err)
	}
	defer c.Close()

	// Zero keeps the SDK's default (HANDSHAKE_CALLER_MAX_ACTIVITIES unset).
	w := worker.New(c, cfg.Queues.Caller, worker.Options{
		MaxConcurrentActivityExecutionSize: cfg.CallerMaxActivities,
	})
	caller.Register(w, caller.NewActivities(conn))
	if err := w.Start(); err != nil {
		return app.Fail(log, err)
	}
	defer w.Stop()
	log.Info("caller ready", "caller_task_queue", cfg.Queues.Caller, "callee_address", cfg.CalleeAddress,
		"max_concurrent_activities", cfg.CallerMaxActivities)
	<-ctx.Done()
	log.Info("caller stopping")
	return 0
}
