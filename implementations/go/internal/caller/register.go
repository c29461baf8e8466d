package caller

import (
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
)

// Register registers the caller's activities on w.
func Register(w worker.Registry, acts *Activities) {
	w.RegisterActivityWithOptions(acts.CallAgent, activity.RegisterOptions{Name: names.CallAgentActivity})
	w.RegisterActivityWithOptions(acts.CallWorkflow, activity.RegisterOptions{Name: names.CallWorkflowActivity})
}
