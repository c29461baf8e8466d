"""The CREATE family of requirements."""

from __future__ import annotations

from conformance.model import Level, Requirement

CREATE: tuple[Requirement, ...] = (
    Requirement(
        id="THP-CREATE-001",
        level=Level.MUST,
        family="CREATE",
        statement=(
            "`create` refuses invalid input (empty agent or workflow id, no tasks, a "
            "task whose `set_json` is not a JSON object) with INVALID_ARGUMENT and a "
            "message naming the field."
        ),
        rationale=("A caller must learn at once, and from the message alone, what to fix."),
    ),
    Requirement(
        id="THP-CREATE-002",
        level=Level.MUST,
        family="CREATE",
        statement=(
            "`create` accepts a callback token of up to 4096 bytes and refuses a "
            "longer one with INVALID_ARGUMENT."
        ),
        rationale=(
            "Real tokens are about 100 bytes; a bound keeps a garbage token from "
            "bloating store and history."
        ),
    ),
    Requirement(
        id="THP-CREATE-003",
        level=Level.MUST,
        family="CREATE",
        statement=(
            "`create` answers with the assigned id and phase EXECUTION_PENDING before"
            " the work ends."
        ),
        rationale=("The caller must never wait for the work: that is the point of going pending."),
    ),
    Requirement(
        id="THP-CREATE-004",
        level=Level.MUST,
        family="CREATE",
        statement=("`get` of an unknown id answers NOT_FOUND."),
        rationale=("Callers and operators must tell a missing execution from a failed one."),
    ),
    Requirement(
        id="THP-CREATE-005",
        level=Level.SHOULD,
        family="CREATE",
        statement=(
            "The callee serves the standard gRPC health service and reports SERVING when ready."
        ),
        rationale=("Launchers and orchestrators need a readiness signal that is not a guess."),
    ),
    Requirement(
        id="THP-CREATE-006",
        level=Level.MUST,
        family="CREATE",
        statement=(
            "An execution is recorded EXECUTION_FAILED only when its workflow certainly did not"
            " start. An answer to the start that leaves open whether Temporal applied it"
            " (DEADLINE_EXCEEDED, CANCELLED, UNAVAILABLE, UNKNOWN, INTERNAL), even three in a"
            " row, is resolved before `create` answers: the work then runs once for a `create`"
            " answered OK and never for one answered with an error."
        ),
        rationale=(
            "A start applied but answered with an error left a phantom: the execution recorded"
            " failed while its workflow ran the work, and the caller's retry ran it again."
        ),
    ),
)
