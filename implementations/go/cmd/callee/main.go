// Command callee is the handshake's callee: the gRPC services with their
// SQLite store, the worker of the callee queue and the worker of the
// workflow runner queue. Configured by the environment (docs/implementing.md);
// SIGTERM stops it gracefully.
package main

import (
	"log/slog"
	"net"
	"os"
	"time"

	"go.temporal.io/sdk/worker"
	"google.golang.org/grpc"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/app"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/callee"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/store"
)

const grpcStopGrace = time.Second

func main() { os.Exit(run()) }

func run() int {
	cfg, log, err := app.Start("callee")
	if err != nil {
		return app.Fail(nil, err)
	}
	ctx, stop := app.SignalContext()
	defer stop()

	st, err := store.Open(cfg.StorePath)
	if err != nil {
		return app.Fail(log, err)
	}
	defer st.Close()
	c, err := app.Dial(ctx, cfg, log)
	if err != nil {
		return app.Fail(log, err)
	}
	defer c.Close()
	lis, err := net.Listen("tcp", cfg.CalleeListen)
	if err != nil {
		return app.Fail(log, err)
	}

	server := grpc.NewServer(callee.ServerOptions()...)
	health := callee.RegisterServices(server, st, c, cfg.Queues, log)
	calleeWorker := worker.New(c, cfg.Queues.Callee, worker.Options{})
	activities := callee.NewActivities(st, c, cfg.Namespace())
	callee.RegisterCallee(calleeWorker, activities)
	runnerWorker := worker.New(c, cfg.Queues.WorkflowRunner, worker.Options{})
	callee.RegisterRunner(runnerWorker, &callee.Runner{Client: c}, activities)
	for _, w := range []worker.Worker{calleeWorker, runnerWorker} {
		if err := w.Start(); err != nil {
			return app.Fail(log, err)
		}
		defer w.Stop()
	}

	served := make(chan error, 1)
	go func() { served <- server.Serve(lis) }()
	callee.SetServing(health)
	log.Info("callee ready", "listen", lis.Addr().String(), "store", cfg.StorePath,
		"callee_task_queue", cfg.Queues.Callee, "workflow_runner_task_queue", cfg.Queues.WorkflowRunner,
		"agent_runner_task_queue", cfg.Queues.AgentRunner)

	select {
	case <-ctx.Done():
		log.Info("callee stopping")
	case err := <-served:
		log.Error("gRPC server stopped", "error", err)
		return 1
	}
	health.Shutdown()
	stopGracefully(server, log)
	return 0 // deferred: workers stop, then the client and the store close
}

// stopGracefully lets running calls finish for a moment, then stops.
func stopGracefully(server *grpc.Server, log *slog.Logger) {
	done := make(chan struct{})
	go func() {
		server.GracefulStop()
		close(done)
	}()
	timer := time.NewTimer(grpcStopGrace)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		log.Warn("gRPC calls still running after the grace period: stopping")
		server.Stop()
	}
}
