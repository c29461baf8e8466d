package callee

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	agentpb "github.com/stigmer/handshake-conformance/implementations/go/gen/agentexecutionv1"
	wfpb "github.com/stigmer/handshake-conformance/implementations/go/gen/workflowexecutionv1"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
)

// The validators return why a create request is invalid, or "". They look at
// the whole request before anything is stored or started (SPEC.md section 3),
// and their messages name a field, its size and its limit, never its content.

// tooLong says that field is beyond limit bytes, or "".
func tooLong(field string, size, limit int) string {
	if size > limit {
		return fmt.Sprintf("%s is %d bytes; at most %d are accepted", field, size, limit)
	}
	return ""
}

// firstProblem is the first non-empty problem.
func firstProblem(problems ...string) string {
	for _, p := range problems {
		if p != "" {
			return p
		}
	}
	return ""
}

func validateToken(tok []byte) string {
	return tooLong("spec.callback_token", len(tok), names.MaxCallbackTokenBytes)
}

func validateAgentExecution(req *agentpb.AgentExecution) string {
	spec := req.GetSpec()
	if strings.TrimSpace(spec.GetAgentId()) == "" {
		return "spec.agent_id must not be empty"
	}
	if spec.GetMessage() == "" {
		return "spec.message must not be empty"
	}
	return firstProblem(
		tooLong("spec.agent_id", len(spec.GetAgentId()), names.MaxNameBytes),
		tooLong("spec.session_id", len(spec.GetSessionId()), names.MaxNameBytes),
		tooLong("metadata.name", len(req.GetMetadata().GetName()), names.MaxNameBytes),
		tooLong("spec.message", len(spec.GetMessage()), names.MaxMessageBytes),
		validateToken(spec.GetCallbackToken()),
	)
}

func validateWorkflowExecution(req *wfpb.WorkflowExecution) string {
	spec := req.GetSpec()
	if strings.TrimSpace(spec.GetWorkflowId()) == "" {
		return "spec.workflow_id must not be empty"
	}
	tasks := spec.GetTasks()
	if len(tasks) == 0 {
		return "spec.tasks must hold at least one task"
	}
	if len(tasks) > names.MaxTasks {
		return fmt.Sprintf("spec.tasks holds %d tasks; at most %d are accepted", len(tasks), names.MaxTasks)
	}
	problem := firstProblem(
		tooLong("spec.workflow_id", len(spec.GetWorkflowId()), names.MaxNameBytes),
		tooLong("metadata.name", len(req.GetMetadata().GetName()), names.MaxNameBytes),
		validateToken(spec.GetCallbackToken()),
	)
	if problem != "" {
		return problem
	}
	tasksBytes := 0
	for i, task := range tasks {
		if task.GetName() == "" {
			return fmt.Sprintf("spec.tasks[%d].name must not be empty", i)
		}
		if p := tooLong(fmt.Sprintf("spec.tasks[%d].name", i), len(task.GetName()), names.MaxNameBytes); p != "" {
			return p
		}
		tasksBytes += len(task.GetSetJson()) + len(task.GetRaiseError())
	}
	if tasksBytes > names.MaxTasksBytes {
		return fmt.Sprintf("spec.tasks hold %d bytes of set_json and raise_error; at most %d are accepted",
			tasksBytes, names.MaxTasksBytes)
	}
	for i, task := range tasks {
		if p := validateSetJSON(task.GetSetJson()); p != "" {
			return fmt.Sprintf("spec.tasks[%d].set_json %s", i, p)
		}
	}
	return ""
}

// validateSetJSON says what is wrong with one task's set_json (the text
// after "spec.tasks[i].set_json "), or "". Empty means {}.
func validateSetJSON(text string) string {
	if text == "" {
		return ""
	}
	// The scan comes first: it bounds the nesting before a decoder recurses
	// into it, and it sees what Go's decoder hides (a lone surrogate escape
	// becomes U+FFFD) or words differently (NaN is a syntax error to it).
	if problem := scanJSON(text); problem != "" {
		return problem
	}
	var value any
	if err := json.Unmarshal([]byte(text), &value); err != nil {
		return "is not JSON: " + err.Error()
	}
	if _, ok := value.(map[string]any); !ok {
		return "must be a JSON object"
	}
	return ""
}

// scanJSON checks, in one linear pass over text, the nesting of arrays and
// objects and the I-JSON domain (RFC 7493): no NaN or Infinity, no number
// beyond a double, no lone surrogate escape. It returns the problem as the
// rest of a sentence about the field, or "". Text that is not JSON at all
// is left to the decoder.
func scanJSON(text string) string {
	depth := 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '"':
			end, problem := scanString(text, i+1)
			if problem != "" {
				return "is not I-JSON: " + problem
			}
			i = end
		case c == '{' || c == '[':
			depth++
			if depth > names.MaxJSONDepth {
				return fmt.Sprintf("nests deeper than %d levels", names.MaxJSONDepth)
			}
		case c == '}' || c == ']':
			depth--
		case c == 'N' && strings.HasPrefix(text[i:], "NaN"),
			c == 'I' && strings.HasPrefix(text[i:], "Infinity"),
			c == '-' && strings.HasPrefix(text[i:], "-Infinity"):
			return fmt.Sprintf("is not I-JSON: a number at byte %d is NaN or infinite", i)
		case c == '-' || ('0' <= c && c <= '9'):
			end := i + 1
			for end < len(text) && strings.IndexByte("0123456789+-.eE", text[end]) >= 0 {
				end++
			}
			if _, err := strconv.ParseFloat(text[i:end], 64); errors.Is(err, strconv.ErrRange) {
				return fmt.Sprintf("is not I-JSON: the number at byte %d is beyond the range of a double", i)
			}
			i = end - 1
		}
	}
	return ""
}

// scanString scans a JSON string from start (just after its opening quote)
// and returns the index of its closing quote (len(text) if none), or why its
// escapes are not I-JSON: a high surrogate escape (\uD800-\uDBFF) must be
// followed by a low one (\uDC00-\uDFFF), and a low one may not stand alone.
func scanString(text string, start int) (int, string) {
	for j := start; j < len(text); j++ {
		switch text[j] {
		case '"':
			return j, ""
		case '\\':
			unit, ok := unicodeEscape(text, j)
			if !ok {
				j++ // a one-character escape, or not JSON (the decoder says so)
				continue
			}
			if isHighSurrogate(unit) {
				if low, ok := unicodeEscape(text, j+6); ok && isLowSurrogate(low) {
					j += 11
					continue
				}
			}
			if isHighSurrogate(unit) || isLowSurrogate(unit) {
				return j, fmt.Sprintf("a string holds a lone surrogate escape (%s at byte %d)", text[j:j+6], j)
			}
			j += 5
		}
	}
	return len(text), ""
}

// unicodeEscape is the code unit of the escape \uXXXX at text[at:], if there is one.
func unicodeEscape(text string, at int) (rune, bool) {
	if at+6 > len(text) || text[at] != '\\' || text[at+1] != 'u' {
		return 0, false
	}
	unit, err := strconv.ParseUint(text[at+2:at+6], 16, 16)
	if err != nil {
		return 0, false
	}
	return rune(unit), true
}

func isHighSurrogate(r rune) bool { return 0xD800 <= r && r <= 0xDBFF }
func isLowSurrogate(r rune) bool  { return 0xDC00 <= r && r <= 0xDFFF }
