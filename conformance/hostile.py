"""Hostile input for the BADINPUT family: the callee's raw methods, protobuf's wire format, and
Hypothesis strategies of requests at the message level and at the byte level."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import grpc
from hypothesis import strategies as st

from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2 as wf_pb
from reference_impl.names import MAX_ERROR_MESSAGE_BYTES, MAX_JSON_DEPTH

TYPED_ANSWERS: Final = frozenset(
    {
        grpc.StatusCode.OK,
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.NOT_FOUND,
    }
)
"""What ``create`` and ``get`` may answer while Temporal is reachable (THP-BADINPUT-001)."""


def _method(module: object, service: str, name: str) -> str:
    full_name = module.DESCRIPTOR.services_by_name[service].full_name  # type: ignore[attr-defined]
    return f"/{full_name}/{name}"


CREATE_AGENT: Final = _method(agent_pb, "AgentExecutionCommandController", "create")
GET_AGENT: Final = _method(agent_pb, "AgentExecutionQueryController", "get")
CREATE_WORKFLOW: Final = _method(wf_pb, "WorkflowExecutionCommandController", "create")
GET_WORKFLOW: Final = _method(wf_pb, "WorkflowExecutionQueryController", "get")


@dataclass(frozen=True)
class Answer:
    """The callee's answer to raw request bytes: a status code, its message, the response bytes."""

    code: grpc.StatusCode
    details: str
    response: bytes = b""

    def problems(self) -> list[str]:
        """What THP-BADINPUT-001 forbids in this answer."""
        found = []
        if self.code not in TYPED_ANSWERS:
            found.append(f"answered {self.code.name}")
        size = len(self.details.encode("utf-8", "replace"))
        if size > MAX_ERROR_MESSAGE_BYTES:
            found.append(f"an error message of {size} bytes")
        return found


async def call_raw(channel: grpc.aio.Channel, method: str, request: bytes) -> Answer:
    """Send ``request`` as it is (any bytes) to one of the callee's unary methods."""
    send: grpc.aio.UnaryUnaryMultiCallable[bytes, bytes] = channel.unary_unary(method)
    try:
        response: bytes = await send(request, timeout=60)
    except grpc.aio.AioRpcError as err:
        return Answer(err.code(), err.details() or "")
    return Answer(grpc.StatusCode.OK, "", response)


# --- protobuf's wire format (enough of it to write fields the protos do not define) --------


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        out.append(low | (0x80 if value else 0))
        if not value:
            return bytes(out)


def length_delimited(number: int, payload: bytes) -> bytes:
    """One field of wire type 2 (bytes, string, message)."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


UNKNOWN_FIELD: Final = 99
"""A field number neither proto defines, at any level."""
SPEC_FIELD: Final = 4
"""``spec`` in both resources."""


# --- hostile set_json texts and strings -----------------------------------------------------

NOT_IJSON: Final = (
    '{"a": NaN}',
    '{"a": Infinity}',
    '{"a": -Infinity}',
    '{"a": 1e400}',
    '{"a": -1e400}',
    '{"a": 1' + "0" * 400 + "}",
    '{"a": "\\ud800"}',
    '{"a": "\\udc00"}',
    '{"a": "x\\ud83dy"}',
    '{"\\ud800": 1}',
)
"""``set_json`` texts outside the I-JSON domain, each refused with INVALID_ARGUMENT."""


def nested(depth: int) -> str:
    """A JSON object nested ``depth`` levels deep (the object itself is level 1)."""
    return '{"a":' * depth + "1" + "}" * depth


def nested_arrays(depth: int) -> str:
    """An object holding arrays, ``depth`` levels in all."""
    return '{"a":' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


set_json_texts: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(NOT_IJSON),
    st.integers(MAX_JSON_DEPTH - 2, MAX_JSON_DEPTH + 2).map(nested),
    st.integers(MAX_JSON_DEPTH - 2, 3 * MAX_JSON_DEPTH).map(nested_arrays),
    st.sampled_from([nested(3000), nested_arrays(100_000), "[" * 50_000]),
    st.text(max_size=200),
    st.from_regex(
        r'\{"[a-z]{1,5}": ?(-?[0-9]{1,400}(\.[0-9]+)?([eE][+-]?[0-9]{1,4})?)\}', fullmatch=True
    ),
)
"""``set_json`` texts a hostile or careless caller sends."""

hostile_text: st.SearchStrategy[str] = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "\t\n", "\x00", "\u2028", "\ufeff"]),
    st.integers(250, 300).map(lambda n: "é" * (n // 2)),
)
"""Ids, names and messages: empty, blank, control characters, near the byte limits."""


def corruptions(valid: bytes) -> st.SearchStrategy[bytes]:
    """Bytes made from a valid serialized request: truncated, overwritten, spliced, or none."""
    positions = st.integers(0, max(len(valid) - 1, 0))
    overwritten = st.tuples(positions, st.binary(min_size=1, max_size=8)).map(
        lambda p: valid[: p[0]] + p[1] + valid[p[0] + len(p[1]) :]
    )
    inserted = st.tuples(positions, st.binary(min_size=1, max_size=8)).map(
        lambda p: valid[: p[0]] + p[1] + valid[p[0] :]
    )
    # A string field whose bytes are not UTF-8: protobuf must refuse the whole message.
    bad_utf8 = st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"a\x80b"]).map(
        lambda bad: valid + length_delimited(SPEC_FIELD, length_delimited(1, bad))
    )
    truncated = positions.map(lambda n: valid[:n])
    return st.one_of(truncated, overwritten, inserted, bad_utf8, st.binary(max_size=512))
