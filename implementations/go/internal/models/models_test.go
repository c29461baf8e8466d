package models

import (
	"encoding/json"
	"testing"
)

func TestCallAgentInputDefaults(t *testing.T) {
	var in CallAgentInput
	if err := json.Unmarshal([]byte(`{"agent_id":"a","message":"m"}`), &in); err != nil {
		t.Fatal(err)
	}
	if !in.HandOffToken {
		t.Error("hand_off_token should default to true")
	}
	if err := json.Unmarshal([]byte(`{"agent_id":"a","message":"m","hand_off_token":false}`), &in); err != nil || in.HandOffToken {
		t.Errorf("hand_off_token false not kept: %v", err)
	}
}

func TestWorkflowTaskInputSetNeverNull(t *testing.T) {
	b, err := json.Marshal(WorkflowTaskInput{Name: "t"})
	if err != nil || string(b) != `{"name":"t","set":{},"raise_error":""}` {
		t.Errorf("got %s, %v", b, err)
	}
}
