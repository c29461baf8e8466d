package callee

import (
	"bytes"
	"strings"
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

func agentOf(mutate func(*agentpb.AgentExecution)) *agentpb.AgentExecution {
	req := &agentpb.AgentExecution{
		Metadata: &agentpb.ApiResourceMetadata{Name: "n"},
		Spec:     &agentpb.AgentExecutionSpec{AgentId: "a", SessionId: "s", Message: "m"},
	}
	mutate(req)
	return req
}

func TestAgentLimits(t *testing.T) {
	name := func(n int) string { return strings.Repeat("é", n/2) } // two bytes of UTF-8 each
	cases := []struct {
		mutate func(*agentpb.AgentExecution)
		want   string
	}{
		{func(r *agentpb.AgentExecution) { r.Spec.AgentId = name(256) }, ""},
		{func(r *agentpb.AgentExecution) { r.Spec.AgentId = name(258) },
			"spec.agent_id is 258 bytes; at most 256 are accepted"},
		{func(r *agentpb.AgentExecution) { r.Spec.SessionId = name(256) }, ""},
		{func(r *agentpb.AgentExecution) { r.Spec.SessionId = strings.Repeat("s", 257) },
			"spec.session_id is 257 bytes; at most 256 are accepted"},
		{func(r *agentpb.AgentExecution) { r.Metadata.Name = name(256) }, ""},
		{func(r *agentpb.AgentExecution) { r.Metadata.Name = strings.Repeat("n", 257) },
			"metadata.name is 257 bytes; at most 256 are accepted"},
		{func(r *agentpb.AgentExecution) { r.Spec.Message = strings.Repeat("m", 131072) }, ""},
		{func(r *agentpb.AgentExecution) { r.Spec.Message = strings.Repeat("m", 131073) },
			"spec.message is 131073 bytes; at most 131072 are accepted"},
		{func(r *agentpb.AgentExecution) { r.Spec.Message = name(200000) },
			"spec.message is 200000 bytes; at most 131072 are accepted"},
	}
	for i, c := range cases {
		if got := validateAgentExecution(agentOf(c.mutate)); got != c.want {
			t.Errorf("case %d: got %q, want %q", i, got, c.want)
		}
	}
}

func workflowOf(tasks ...*wfpb.WorkflowTask) *wfpb.WorkflowExecution {
	return &wfpb.WorkflowExecution{
		Metadata: &wfpb.ApiResourceMetadata{Name: "n"},
		Spec:     &wfpb.WorkflowExecutionSpec{WorkflowId: "w", Tasks: tasks},
	}
}

func tasksOf(n int, setJSON string) []*wfpb.WorkflowTask {
	tasks := make([]*wfpb.WorkflowTask, n)
	for i := range tasks {
		tasks[i] = &wfpb.WorkflowTask{Name: "t", SetJson: setJSON}
	}
	return tasks
}

func TestWorkflowLimits(t *testing.T) {
	// A set_json of exactly n bytes: {"k":"xxx..."}.
	setJSON := func(n int) string { return `{"k":"` + strings.Repeat("x", n-8) + `"}` }
	long := strings.Repeat("w", 257)
	cases := []struct {
		req  *wfpb.WorkflowExecution
		want string
	}{
		{workflowOf(tasksOf(64, "")...), ""},
		{workflowOf(tasksOf(65, "")...), "spec.tasks holds 65 tasks; at most 64 are accepted"},
		{workflowOf(tasksOf(64, setJSON(2048))...), ""}, // 131072 bytes in all
		{workflowOf(tasksOf(64, setJSON(2049))...),
			"spec.tasks hold 131136 bytes of set_json and raise_error; at most 131072 are accepted"},
		{workflowOf(&wfpb.WorkflowTask{Name: strings.Repeat("t", 256)}), ""},
		{workflowOf(&wfpb.WorkflowTask{Name: "t"}, &wfpb.WorkflowTask{Name: strings.Repeat("t", 257)}),
			"spec.tasks[1].name is 257 bytes; at most 256 are accepted"},
		{func() *wfpb.WorkflowExecution {
			r := workflowOf(tasksOf(1, "")...)
			r.Spec.WorkflowId = long
			return r
		}(), "spec.workflow_id is 257 bytes; at most 256 are accepted"},
		{func() *wfpb.WorkflowExecution {
			r := workflowOf(tasksOf(1, "")...)
			r.Metadata.Name = long
			return r
		}(), "metadata.name is 257 bytes; at most 256 are accepted"},
		{func() *wfpb.WorkflowExecution {
			r := workflowOf(tasksOf(1, "")...)
			r.Spec.CallbackToken = bytes.Repeat([]byte{1}, 4097)
			return r
		}(), "spec.callback_token is 4097 bytes; at most 4096 are accepted"},
	}
	for i, c := range cases {
		if got := validateWorkflowExecution(c.req); got != c.want {
			t.Errorf("case %d: got %q, want %q", i, got, c.want)
		}
	}
}

func nested(depth int) string {
	// The object is level 1; each array inside it one more.
	return `{"k":` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + `}`
}

func TestSetJSON(t *testing.T) {
	accepted := []string{
		"",
		`{}`,
		nested(32),
		`{"s":"\ud83d\ude00 \uD834\uDD1E \u00e9 \\ud800 \" \\"}`, // pairs, and escaped backslashes
		`{"n":1e308,"m":-1.7976931348623157e308,"tiny":1e-400,"i":12345678901234567890}`,
		`{"NaN":"Infinity","x":"-Infinity \\ NaN"}`,
		`{"deep":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}`,
	}
	for _, text := range accepted {
		if got := validateSetJSON(text); got != "" {
			t.Errorf("%.60s: refused: %s", text, got)
		}
	}
	refused := []struct{ text, want string }{
		{nested(33), "nests deeper than 32 levels"},
		{strings.Repeat("[", 100000), "nests deeper than 32 levels"},
		{`{"x":NaN}`, "is not I-JSON: a number at byte 5 is NaN or infinite"},
		{`{"x":Infinity}`, "is not I-JSON: a number at byte 5 is NaN or infinite"},
		{`{"x":-Infinity}`, "is not I-JSON: a number at byte 5 is NaN or infinite"},
		{`{"x":1e400}`, "is not I-JSON: the number at byte 5 is beyond the range of a double"},
		{`{"x":-1e400}`, "is not I-JSON: the number at byte 5 is beyond the range of a double"},
		{`{"x":1` + strings.Repeat("0", 400) + `}`, "is not I-JSON: the number at byte 5 is beyond the range of a double"},
		{`{"x":"\ud800"}`, `is not I-JSON: a string holds a lone surrogate escape (\ud800 at byte 6)`},
		{`{"x":"\uDBFF\u0041"}`, `is not I-JSON: a string holds a lone surrogate escape (\uDBFF at byte 6)`},
		{`{"x":"\udc00"}`, `is not I-JSON: a string holds a lone surrogate escape (\udc00 at byte 6)`},
		{`{"x":"\ud83d\ude00\ude00"}`, `is not I-JSON: a string holds a lone surrogate escape (\ude00 at byte 18)`},
		{`{"\ud800":1}`, `is not I-JSON: a string holds a lone surrogate escape (\ud800 at byte 2)`},
		{`{"x":"\ud800`, `is not I-JSON: a string holds a lone surrogate escape (\ud800 at byte 6)`},
		{`[1]`, "must be a JSON object"},
		{`null`, "must be a JSON object"},
		{`{"x":}`, "is not JSON: invalid character '}' looking for beginning of value"},
	}
	for _, c := range refused {
		if got := validateSetJSON(c.text); got != c.want {
			t.Errorf("%.60s: got %q, want %q", c.text, got, c.want)
		}
	}
	got := validateWorkflowExecution(workflowOf(&wfpb.WorkflowTask{Name: "t"}, &wfpb.WorkflowTask{Name: "u", SetJson: nested(33)}))
	if got != "spec.tasks[1].set_json nests deeper than 32 levels" {
		t.Errorf("depth in a request: %q", got)
	}
	got = validateWorkflowExecution(workflowOf(&wfpb.WorkflowTask{Name: "t", SetJson: `{"x":NaN}`}))
	if !strings.HasPrefix(got, "spec.tasks[0].set_json is not I-JSON: ") {
		t.Errorf("NaN in a request: %q", got)
	}
}
