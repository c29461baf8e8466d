"""The requirement catalogue: one entry per testable statement of SPEC.md.

Tuple order is report order. SPEC.md's requirements section is generated from it
(``python -m conformance.spec --write SPEC.md``; ``--check`` fails on drift).
"""

from __future__ import annotations

from conformance.model import Level, Requirement
from reference_impl.names import CANCELLED_MESSAGE

REQUIREMENTS: tuple[Requirement, ...] = (
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
    Requirement(
        id="THP-TOKEN-001",
        level=Level.MUST,
        family="TOKEN",
        statement=(
            "The callback token survives `create`, the store and `get` byte-exact, "
            "for any bytes (NUL, non-UTF-8) up to 4096."
        ),
        rationale=("The token is opaque; one changed byte makes the completion fail."),
    ),
    Requirement(
        id="THP-TOKEN-002",
        level=Level.MUST,
        family="TOKEN",
        statement=("A recorded execution, its token included, survives a restart of the callee."),
        rationale=("Executions run for hours; a deploy must not strand pending callers."),
    ),
    Requirement(
        id="THP-TOKEN-003",
        level=Level.MUST,
        family="TOKEN",
        statement=(
            "The store file at HANDSHAKE_STORE_PATH, and any file the store creates beside it,"
            " is readable and writable by its owner only (mode 0600), whatever the umask."
        ),
        rationale=("The store holds tokens, credentials that complete someone else's activity."),
    ),
    Requirement(
        id="THP-COMPLETE-001",
        level=Level.MUST,
        family="COMPLETE",
        statement=(
            "On success the caller's activity returns one json/plain payload "
            '`{"execution_id", "output"}` whose output equals the work\'s result '
            "exactly."
        ),
        rationale=(
            "Any loss in the output (unicode, large strings, nesting) is silent data corruption."
        ),
    ),
    Requirement(
        id="THP-COMPLETE-002",
        level=Level.MUST,
        family="COMPLETE",
        statement=(
            "The caller's activity is completed exactly once and in its first "
            "attempt; the execution records EXECUTION_COMPLETED and "
            "CALLBACK_DELIVERED."
        ),
        rationale=(
            "A double or missed completion either breaks the caller or leaves it "
            "hanging until its timeout."
        ),
    ),
    Requirement(
        id="THP-COMPLETE-003",
        level=Level.MUST,
        family="COMPLETE",
        statement=("The caller's result carries no rendering of the callback token."),
        rationale=("The token is a credential and the result is stored in the caller's history."),
    ),
    Requirement(
        id="THP-COMPLETE-004",
        level=Level.MUST,
        family="COMPLETE",
        statement=(
            "On the workflow path the serverless workflow completes the caller's "
            "activity with the task list's final state when it ends."
        ),
        rationale=("The original workflow path stored a token that nothing ever completed."),
    ),
    Requirement(
        id="THP-COMPLETE-005",
        level=Level.MUST,
        family="COMPLETE",
        statement=(
            "While the work runs, the caller's activity is pending (STARTED, attempt "
            "1) and the execution is in progress."
        ),
        rationale=("Going pending is what frees the caller's worker slot for hours-long work."),
    ),
    Requirement(
        id="THP-FAIL-001",
        level=Level.MUST,
        family="FAIL",
        statement=(
            "When the work fails, the caller's activity fails with an "
            "ApplicationError of exactly the work's message, type, non-retryable flag"
            " and details."
        ),
        rationale=(
            "The Go edition lost the error in its payload and the caller hung until its timeout."
        ),
    ),
    Requirement(
        id="THP-FAIL-002",
        level=Level.MUST,
        family="FAIL",
        statement=(
            "A retryable failure under a caller policy of N attempts leads to N "
            "attempts, each with a fresh token and its own execution."
        ),
        rationale=(
            "Temporal's retry policy must compose with the handshake, not be bypassed by it."
        ),
    ),
    Requirement(
        id="THP-FAIL-003",
        level=Level.MUST,
        family="FAIL",
        statement=(
            "A non-retryable failure ends the caller's activity after one attempt "
            "(retry state NON_RETRYABLE_FAILURE)."
        ),
        rationale=("Retrying a failure the work declared final wastes hours of agent time."),
    ),
    Requirement(
        id="THP-FAIL-004",
        level=Level.MUST,
        family="FAIL",
        statement=(
            "When `create` is refused, the caller's activity fails at once with type "
            "CreateExecutionFailed, non-retryable for INVALID_ARGUMENT, and never "
            "goes pending."
        ),
        rationale=("A caller that goes pending after a failed create hangs until its timeout."),
    ),
    Requirement(
        id="THP-FAIL-005",
        level=Level.MUST,
        family="FAIL",
        statement=(
            "When the callee is unreachable, the caller's activity fails at once with"
            " the retryable type CreateExecutionFailed."
        ),
        rationale=("Unavailability is transient; the caller's retry policy decides."),
    ),
    Requirement(
        id="THP-FAIL-006",
        level=Level.MUST,
        family="FAIL",
        statement=(
            "A failed execution is recorded EXECUTION_FAILED with the work's error, "
            "and the callee workflow fails with that error, not with a delivery "
            "problem."
        ),
        rationale=(
            "The callee's own outcome must describe the work, so operators see what really failed."
        ),
    ),
    Requirement(
        id="THP-NOTOKEN-001",
        level=Level.MUST,
        family="NOTOKEN",
        statement=(
            "Without a token the execution runs and is recorded exactly as with one, "
            "with CALLBACK_NOT_REQUESTED."
        ),
        rationale=("Existing callers that pass no token must keep working unchanged."),
    ),
    Requirement(
        id="THP-NOTOKEN-002",
        level=Level.MUST,
        family="NOTOKEN",
        statement=(
            "Without a token no completion by token is attempted: the system activity"
            " is never scheduled and no completion call reaches Temporal."
        ),
        rationale=(
            "A completion with an empty token is an error at best and a misdelivery at worst."
        ),
    ),
    Requirement(
        id="THP-NOTOKEN-003",
        level=Level.SHOULD,
        family="NOTOKEN",
        statement=(
            "The system activity called with an empty token succeeds with outcome not_requested."
        ),
        rationale=("Defensive: a callee workflow of an older version may still schedule it."),
    ),
    Requirement(
        id="THP-RETRY-001",
        level=Level.MUST,
        family="RETRY",
        statement=(
            "A completion that fails transiently is delivered by the system "
            "activity's retry policy."
        ),
        rationale=("Transient frontend errors must not strand a caller."),
    ),
    Requirement(
        id="THP-RETRY-002",
        level=Level.MUST,
        family="RETRY",
        statement=(
            "A completion that was delivered but whose answer was lost is not "
            "delivered twice, and its NOT_FOUND on retry does not fail the callee "
            "workflow."
        ),
        rationale=("The original system failed succeeded work on exactly this retry."),
    ),
    Requirement(
        id="THP-RETRY-003",
        level=Level.MUST,
        family="RETRY",
        statement=(
            "A stale token (the caller's attempt timed out and was retried) never "
            "completes the new attempt; its completion meets NOT_FOUND and the callee"
            " workflow still ends with the work's outcome."
        ),
        rationale=("Tokens are per attempt; the new attempt has its own execution."),
    ),
    Requirement(
        id="THP-RETRY-004",
        level=Level.MUST,
        family="RETRY",
        statement=(
            "Completing an already completed activity again answers NOT_FOUND, which "
            "the system activity reports as outcome not_found without failing."
        ),
        rationale=("Duplicates are normal with at-least-once activities and must be harmless."),
    ),
    Requirement(
        id="THP-BADTOKEN-001",
        level=Level.MUST,
        family="BADTOKEN",
        statement=(
            "A garbage callback token is accepted by `create`; its completion is "
            "rejected and recorded CALLBACK_FAILED within the system activity's retry"
            " policy, the execution and the callee workflow keep the work's outcome, "
            "and the callee keeps serving."
        ),
        rationale=("Bad input gets a typed error and loses nothing."),
        alternatives=(
            "dev server: INVALID_ARGUMENT, non-retryable InvalidCallbackToken at once",
            "time-skipping server: INTERNAL, retried by the policy, then CALLBACK_FAILED",
        ),
    ),
    Requirement(
        id="THP-BADTOKEN-002",
        level=Level.MUST,
        family="BADTOKEN",
        statement=(
            "An oversized callback token (64 KiB, 5 MiB) is refused by `create` with "
            "a typed gRPC error and the callee keeps serving."
        ),
        rationale=("Oversized input must not crash or wedge the service."),
        alternatives=(
            "64 KiB: INVALID_ARGUMENT",
            "5 MiB: RESOURCE_EXHAUSTED (gRPC message limit) or INVALID_ARGUMENT",
        ),
    ),
    Requirement(
        id="THP-LOG-001",
        level=Level.MUST,
        family="LOG",
        statement=(
            "The token preview is standard padded base64, cut to its first 20 "
            "characters followed by `...` when longer, else whole."
        ),
        rationale=(
            "One rule in every language makes logs comparable and safe; ad-hoc cuts "
            "crashed on short tokens."
        ),
    ),
    Requirement(
        id="THP-LOG-002",
        level=Level.MUST,
        family="LOG",
        statement=(
            "No log line of any process of the handshake contains the full token as "
            "standard base64, URL-safe base64, hex, or a base64 prefix longer than "
            "the preview."
        ),
        rationale=("The token is a credential that completes someone else's activity."),
    ),
    Requirement(
        id="THP-LOG-003",
        level=Level.SHOULD,
        family="LOG",
        statement=(
            "The preview and `token_length` in bytes are logged at caller extraction,"
            " callee create, workflow start and completion attempt."
        ),
        rationale=("These four points let an operator follow one handshake across services."),
    ),
    Requirement(
        id="THP-LOG-004",
        level=Level.SHOULD,
        family="LOG",
        statement=(
            "Wherever the preview is logged, `token_fingerprint` is logged too: the first 12"
            " lowercase hex characters of the SHA-256 of the whole token bytes."
        ),
        rationale=(
            "Tokens often share a preview; the fingerprint tells concurrent handshakes apart."
        ),
    ),
    Requirement(
        id="THP-CANCEL-001",
        level=Level.SHOULD,
        family="CANCEL",
        statement=(
            "Cancelling the callee workflow records EXECUTION_CANCELLED and fails the"
            " caller's activity with the non-retryable type ExecutionCancelled and the"
            f" message '{CANCELLED_MESSAGE}'."
        ),
        rationale=("A cancelled execution must not leave its caller pending until timeout."),
    ),
    Requirement(
        id="THP-TIMEOUT-001",
        level=Level.MUST,
        family="TIMEOUT",
        statement=("The callee workflow runs without a run or execution timeout."),
        rationale=("A workflow timeout ends the workflow without sending the completion."),
        alternatives=("time-skipping server: an unset timeout is reported as 10 years",),
    ),
)
