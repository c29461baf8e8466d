"""What ``create`` and ``get`` accept: SPEC.md section 3's limits, checked before any write.

Every function returns why a request is refused, or None; the service answers INVALID_ARGUMENT
with that message. Sizes are bytes of UTF-8, so every language accepts the same requests.
"""

from __future__ import annotations

import json
import math
from typing import Any

from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2 as wf_pb
from reference_impl.names import (
    MAX_CALLBACK_TOKEN_BYTES,
    MAX_ERROR_MESSAGE_BYTES,
    MAX_JSON_DEPTH,
    MAX_MESSAGE_BYTES,
    MAX_NAME_BYTES,
    MAX_TASKS,
    MAX_TASKS_BYTES,
)


class NotIJsonError(ValueError):
    """A JSON text whose value is outside the I-JSON domain (RFC 7493)."""


def bounded(message: str) -> str:
    """``message`` cut to the bytes an error message may have (MAX_ERROR_MESSAGE_BYTES)."""
    encoded = message.encode("utf-8", "replace")
    if len(encoded) <= MAX_ERROR_MESSAGE_BYTES:
        return message
    return encoded[: MAX_ERROR_MESSAGE_BYTES - 3].decode("utf-8", "ignore") + "..."


def too_long(field: str, size: int, limit: int) -> str | None:
    """The refusal of a field of ``size`` bytes beyond ``limit``; it never quotes the content."""
    if size <= limit:
        return None
    return f"{field} is {size} bytes; at most {limit} are accepted"


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _names_too_long(fields: dict[str, str]) -> str | None:
    for field, value in fields.items():
        problem = too_long(field, _utf8_size(value), MAX_NAME_BYTES)
        if problem:
            return problem
    return None


def validate_execution_id(execution_id: str) -> str | None:
    """Why ``get`` refuses an id, or None."""
    return too_long("id", _utf8_size(execution_id), MAX_NAME_BYTES)


def validate_agent_execution(request: agent_pb.AgentExecution) -> str | None:
    """Why ``create`` refuses an agent execution, or None."""
    spec = request.spec
    if not spec.agent_id.strip():
        return "spec.agent_id must not be empty"
    if not spec.message:
        return "spec.message must not be empty"
    return (
        _names_too_long(
            {
                "spec.agent_id": spec.agent_id,
                "spec.session_id": spec.session_id,
                "metadata.name": request.metadata.name,
            }
        )
        or too_long("spec.message", _utf8_size(spec.message), MAX_MESSAGE_BYTES)
        or too_long("spec.callback_token", len(spec.callback_token), MAX_CALLBACK_TOKEN_BYTES)
    )


def validate_workflow_execution(request: wf_pb.WorkflowExecution) -> str | None:
    """Why ``create`` refuses a workflow execution, or None."""
    spec = request.spec
    if not spec.workflow_id.strip():
        return "spec.workflow_id must not be empty"
    if not spec.tasks:
        return "spec.tasks must hold at least one task"
    if len(spec.tasks) > MAX_TASKS:
        return f"spec.tasks holds {len(spec.tasks)} tasks; at most {MAX_TASKS} are accepted"
    problem = _names_too_long(
        {"spec.workflow_id": spec.workflow_id, "metadata.name": request.metadata.name}
    )
    if problem:
        return problem
    for i, task in enumerate(spec.tasks):
        if not task.name:
            return f"spec.tasks[{i}].name must not be empty"
        problem = _names_too_long({f"spec.tasks[{i}].name": task.name})
        if problem:
            return problem
    tasks_bytes = sum(_utf8_size(t.set_json) + _utf8_size(t.raise_error) for t in spec.tasks)
    if tasks_bytes > MAX_TASKS_BYTES:
        return (
            f"spec.tasks hold {tasks_bytes} bytes of set_json and raise_error;"
            f" at most {MAX_TASKS_BYTES} are accepted"
        )
    for i, task in enumerate(spec.tasks):
        problem = _set_json_problem(f"spec.tasks[{i}].set_json", task.set_json)
        if problem:
            return problem
    return too_long("spec.callback_token", len(spec.callback_token), MAX_CALLBACK_TOKEN_BYTES)


def _set_json_problem(field: str, text: str) -> str | None:
    if not text:
        return None
    if json_depth(text) > MAX_JSON_DEPTH:
        return f"{field} nests deeper than {MAX_JSON_DEPTH} levels"
    try:
        value = parse_ijson(text)
    except NotIJsonError as err:
        return f"{field} is not I-JSON: {err}"
    except ValueError as err:
        return f"{field} is not JSON: {err}"
    if not isinstance(value, dict):
        return f"{field} must be a JSON object"
    return None


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text, found without parsing it
    (so a text nested 100,000 deep costs one pass, not a RecursionError)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_ijson(text: str) -> Any:
    """Parse a JSON text whose value must be I-JSON: no NaN or Infinity, no number beyond a
    double, no lone surrogate. Raises NotIJsonError for those, ValueError for bad JSON."""
    value = json.loads(
        text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_finite_int
    )
    _refuse_lone_surrogates(value)
    return value


def _refuse_constant(name: str) -> Any:
    raise NotIJsonError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise NotIJsonError("a number no double holds")
    return value


def _finite_int(text: str) -> int:
    value = int(text)
    try:
        float(value)
    except OverflowError:
        raise NotIJsonError("a number no double holds") from None
    return value


def _refuse_lone_surrogates(value: Any) -> None:
    strings: list[str] = []
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            strings.append(item)
        elif isinstance(item, dict):
            strings.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    for text in strings:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise NotIJsonError("a string holds a lone surrogate") from None
