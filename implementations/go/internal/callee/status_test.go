package callee

import (
	"testing"

	"google.golang.org/protobuf/proto"

	agentpb "github.com/stigmer/handshake-conformance/implementations/go/gen/agentexecutionv1"
	wfpb "github.com/stigmer/handshake-conformance/implementations/go/gen/workflowexecutionv1"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/models"
)

func TestEveryCallbackPhaseIsStorable(t *testing.T) {
	phases := []string{
		models.CallbackNotRequested, models.CallbackWaiting, models.CallbackDelivered,
		models.CallbackNotFound, models.CallbackFailed, models.CallbackUnconfirmed,
	}
	for _, phase := range phases {
		for _, execution := range []proto.Message{&agentpb.AgentExecution{}, &wfpb.WorkflowExecution{}} {
			update := models.StatusUpdate{CallbackPhase: models.Ptr(phase), CallbackDetail: models.Ptr("why")}
			if err := applyStatusUpdate(execution, update); err != nil {
				t.Errorf("%s: %v", phase, err)
			}
		}
	}
	var execution agentpb.AgentExecution
	if err := applyStatusUpdate(&execution, models.StatusUpdate{CallbackPhase: models.Ptr(models.CallbackUnconfirmed)}); err != nil ||
		execution.GetStatus().GetCallbackPhase() != agentpb.CallbackPhase_CALLBACK_UNCONFIRMED {
		t.Errorf("got %v, %v", execution.GetStatus().GetCallbackPhase(), err)
	}
}
