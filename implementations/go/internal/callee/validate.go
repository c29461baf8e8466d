package callee

import (
	"encoding/json"
	"fmt"
	"strings"

	agentpb "github.com/stigmer/handshake-conformance/implementations/go/gen/agentexecutionv1"
	wfpb "github.com/stigmer/handshake-conformance/implementations/go/gen/workflowexecutionv1"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
)

// The validators return why a create request is invalid, or "".

func validateToken(tok []byte) string {
	if len(tok) > names.MaxCallbackTokenBytes {
		return fmt.Sprintf("spec.callback_token is %d bytes; at most %d are accepted",
			len(tok), names.MaxCallbackTokenBytes)
	}
	return ""
}

func validateAgentExecution(req *agentpb.AgentExecution) string {
	spec := req.GetSpec()
	if strings.TrimSpace(spec.GetAgentId()) == "" {
		return "spec.agent_id must not be empty"
	}
	if spec.GetMessage() == "" {
		return "spec.message must not be empty"
	}
	return validateToken(spec.GetCallbackToken())
}

func validateWorkflowExecution(req *wfpb.WorkflowExecution) string {
	spec := req.GetSpec()
	if strings.TrimSpace(spec.GetWorkflowId()) == "" {
		return "spec.workflow_id must not be empty"
	}
	if len(spec.GetTasks()) == 0 {
		return "spec.tasks must hold at least one task"
	}
	for i, task := range spec.GetTasks() {
		if task.GetName() == "" {
			return fmt.Sprintf("spec.tasks[%d].name must not be empty", i)
		}
		if task.GetSetJson() == "" {
			continue
		}
		var value any
		if err := json.Unmarshal([]byte(task.GetSetJson()), &value); err != nil {
			return fmt.Sprintf("spec.tasks[%d].set_json is not JSON: %v", i, err)
		}
		if _, ok := value.(map[string]any); !ok {
			return fmt.Sprintf("spec.tasks[%d].set_json must be a JSON object", i)
		}
	}
	return validateToken(spec.GetCallbackToken())
}
