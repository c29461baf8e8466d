package callee

import (
	"bytes"
	"testing"

	agentpb "github.com/stigmer/handshake-conformance/implementations/go/gen/agentexecutionv1"
	wfpb "github.com/stigmer/handshake-conformance/implementations/go/gen/workflowexecutionv1"
)

func TestValidationMessages(t *testing.T) {
	agent := func(id, msg string, tok []byte) *agentpb.AgentExecution {
		return &agentpb.AgentExecution{Spec: &agentpb.AgentExecutionSpec{AgentId: id, Message: msg, CallbackToken: tok}}
	}
	cases := []struct{ got, want string }{
		{validateAgentExecution(agent(" ", "m", nil)), "spec.agent_id must not be empty"},
		{validateAgentExecution(agent("a", "", nil)), "spec.message must not be empty"},
		{validateAgentExecution(agent("a", "m", bytes.Repeat([]byte{0}, 5000))),
			"spec.callback_token is 5000 bytes; at most 4096 are accepted"},
		{validateAgentExecution(agent("a", "m", bytes.Repeat([]byte{0}, 4096))), ""},
		{validateWorkflowExecution(&wfpb.WorkflowExecution{}), "spec.workflow_id must not be empty"},
		{validateWorkflowExecution(wf(&wfpb.WorkflowTask{Name: ""})), "spec.tasks[0].name must not be empty"},
		{validateWorkflowExecution(wf(&wfpb.WorkflowTask{Name: "t", SetJson: "[1]"})),
			"spec.tasks[0].set_json must be a JSON object"},
		{validateWorkflowExecution(wf(&wfpb.WorkflowTask{Name: "t", SetJson: `{"a":1}`})), ""},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
	if got := validateWorkflowExecution(&wfpb.WorkflowExecution{Spec: &wfpb.WorkflowExecutionSpec{WorkflowId: "w"}}); got != "spec.tasks must hold at least one task" {
		t.Errorf("no tasks: %q", got)
	}
}

func wf(task *wfpb.WorkflowTask) *wfpb.WorkflowExecution {
	return &wfpb.WorkflowExecution{Spec: &wfpb.WorkflowExecutionSpec{WorkflowId: "w", Tasks: []*wfpb.WorkflowTask{task}}}
}
