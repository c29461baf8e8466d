package callee

import (
	"log/slog"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	agentpb "github.com/stigmer/handshake-conformance/implementations/go/gen/agentexecutionv1"
	wfpb "github.com/stigmer/handshake-conformance/implementations/go/gen/workflowexecutionv1"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/store"
)

// serviceNames are the gRPC services the callee serves (besides health).
var serviceNames = []string{
	agentpb.AgentExecutionCommandController_ServiceDesc.ServiceName,
	agentpb.AgentExecutionQueryController_ServiceDesc.ServiceName,
	wfpb.WorkflowExecutionCommandController_ServiceDesc.ServiceName,
	wfpb.WorkflowExecutionQueryController_ServiceDesc.ServiceName,
}

// RegisterServices registers the four services and health on server. Health
// answers NOT_SERVING until the caller marks the callee ready.
func RegisterServices(server *grpc.Server, st *store.Store, c client.Client, queues names.TaskQueues,
	log *slog.Logger,
) *health.Server {
	r := &recorder{store: st, client: c, queues: queues, log: log}
	agentpb.RegisterAgentExecutionCommandControllerServer(server, agentCommands{r: r})
	agentpb.RegisterAgentExecutionQueryControllerServer(server, agentQueries{r: r})
	wfpb.RegisterWorkflowExecutionCommandControllerServer(server, workflowCommands{r: r})
	wfpb.RegisterWorkflowExecutionQueryControllerServer(server, workflowQueries{r: r})
	healthServer := health.NewServer()
	setAllStatus(healthServer, healthpb.HealthCheckResponse_NOT_SERVING)
	healthpb.RegisterHealthServer(server, healthServer)
	return healthServer
}

// SetServing marks every service SERVING.
func SetServing(h *health.Server) {
	setAllStatus(h, healthpb.HealthCheckResponse_SERVING)
}

// setAllStatus sets s for the server as a whole ("") and for every service.
func setAllStatus(h *health.Server, s healthpb.HealthCheckResponse_ServingStatus) {
	h.SetServingStatus("", s)
	for _, name := range serviceNames {
		h.SetServingStatus(name, s)
	}
}

// RegisterCallee registers the callee queue's workflows and activities.
func RegisterCallee(w worker.Registry, acts *Activities) {
	w.RegisterWorkflowWithOptions(InvokeAgentExecution, workflow.RegisterOptions{Name: names.AgentInvokeWorkflow})
	w.RegisterWorkflowWithOptions(InvokeWorkflowExecution, workflow.RegisterOptions{Name: names.WorkflowInvokeWorkflow})
	w.RegisterActivityWithOptions(acts.UpdateAgentStatus, activity.RegisterOptions{Name: names.UpdateAgentStatusActivity})
	w.RegisterActivityWithOptions(acts.UpdateWorkflowStatus, activity.RegisterOptions{Name: names.UpdateWorkflowStatusActivity})
	w.RegisterActivityWithOptions(acts.CompleteExternalActivity, activity.RegisterOptions{Name: names.CompleteExternalActivity})
}

// RegisterRunner registers the workflow runner queue's activity and workflow,
// and the status activity its workflow runs as a local activity.
func RegisterRunner(w worker.Registry, runner *Runner, acts *Activities) {
	w.RegisterActivityWithOptions(runner.ExecuteWorkflow, activity.RegisterOptions{Name: names.ExecuteWorkflowActivity})
	w.RegisterActivityWithOptions(acts.UpdateWorkflowStatus, activity.RegisterOptions{Name: names.UpdateWorkflowStatusActivity})
	w.RegisterWorkflowWithOptions(ExecuteServerlessWorkflow, workflow.RegisterOptions{Name: names.ServerlessWorkflow})
}
