"""Token redaction: no log record carries a task token, only its preview."""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Callable, Iterator

import pytest
from temporalio.bridge.proto import ActivityTaskCompletion
from temporalio.bridge.proto.activity_result import ActivityExecutionResult, Success

from reference_impl.redaction import install_token_redaction, mask_token, token_log_fields
from reference_impl.task_token import token_fingerprint, token_preview
from tests.log_capture import Capture, renderings

TOKEN_SIZES = [16, 72, 73, 122]
"""Bytes: a short one, the time-skipping server's size, a padded one, the dev server's size."""


def fresh_token(size: int) -> bytes:
    """A random token whose every rendering is long enough to be recognised."""
    return os.urandom(size)


@pytest.fixture
def token_redaction() -> Iterator[None]:
    """Token redaction installed; the previous record factory is back afterwards.

    The plugin installs it for the whole session, in which case this leaves it installed.
    """
    previous = logging.getLogRecordFactory()
    install_token_redaction()
    try:
        yield
    finally:
        logging.setLogRecordFactory(previous)


@pytest.fixture
def capture(token_redaction: None) -> Iterator[tuple[logging.Logger, Capture]]:
    """A DEBUG logger of this test and the handler that captures its records."""
    logger = logging.getLogger(f"tests.redaction.{os.urandom(4).hex()}")
    logger.setLevel(logging.DEBUG)
    handler = Capture()
    logger.addHandler(handler)
    try:
        yield logger, handler
    finally:
        logger.removeHandler(handler)


def assert_only_preview(handler: Capture, token: bytes) -> None:
    """No captured message or line holds any rendering of ``token``; each holds the preview."""
    assert handler.records, "nothing was logged"
    texts = [r.getMessage() for r in handler.records] + handler.lines
    for text in texts:
        for name, form in renderings(token).items():
            assert form not in text, f"{name} rendering of the token in {text!r}"
        assert token_preview(token) in text


def test_install_is_idempotent(token_redaction: None) -> None:
    """Installing twice wraps the record factory once."""
    factory = logging.getLogRecordFactory()
    install_token_redaction()
    assert logging.getLogRecordFactory() is factory
    assert getattr(factory, "redacts_tokens", False)


@pytest.mark.parametrize("size", TOKEN_SIZES)
def test_bytes_argument_is_redacted_without_masking(
    capture: tuple[logging.Logger, Capture], size: int
) -> None:
    """A bytes argument shows as preview and length, even for a token never masked."""
    logger, handler = capture
    token = fresh_token(size)
    logger.debug("Running activity %s (token %s)", "stigmer/call-agent", token)
    logger.debug("as bytearray %s and memoryview %s", bytearray(token), memoryview(token))
    assert_only_preview(handler, token)
    assert f"length={size}" in handler.records[0].getMessage()


@pytest.mark.parametrize("size", TOKEN_SIZES)
def test_proto_with_task_token_is_redacted(
    capture: tuple[logging.Logger, Capture], size: int
) -> None:
    """A completion proto (as temporalio logs it at DEBUG) keeps its other fields."""
    logger, handler = capture
    token = fresh_token(size)
    completion = ActivityTaskCompletion(
        task_token=token,
        result=ActivityExecutionResult(completed=Success()),
    )
    logger.debug("Completing activity with completion: %s", completion)
    assert_only_preview(handler, token)
    assert "completed" in handler.records[0].getMessage()
    assert completion.task_token == token, "the logged object must not be changed"


@pytest.mark.parametrize("size", TOKEN_SIZES)
@pytest.mark.parametrize(
    "form",
    ["std", "std-unpadded", "urlsafe", "urlsafe-unpadded", "hex", "HEX", "repr", "c-escaped"],
)
def test_masked_token_in_text_is_redacted(
    capture: tuple[logging.Logger, Capture], size: int, form: str
) -> None:
    """Once masked, a token in any text form is replaced, in the message and in arguments."""
    logger, handler = capture
    token = fresh_token(size)
    mask_token(token)
    text = renderings(token)[form]
    logger.info(f"token in the message: {text}!")
    logger.info("token in an argument: %s", text)
    assert_only_preview(handler, token)


@pytest.mark.parametrize("size", TOKEN_SIZES)
def test_masked_token_inside_a_container_is_redacted(
    capture: tuple[logging.Logger, Capture], size: int
) -> None:
    """A masked token's bytes inside a dict or list argument (rendered by repr) are replaced."""
    logger, handler = capture
    token = fresh_token(size)
    mask_token(token)
    logger.info("details %s", {"token": token, "other": 1})
    logger.info("details %s and %r", [token], (token,))
    assert_only_preview(handler, token)


@pytest.mark.parametrize("size", TOKEN_SIZES)
def test_token_log_fields_masks_and_carries_only_the_preview(
    capture: tuple[logging.Logger, Capture], size: int
) -> None:
    """``token_log_fields`` gives preview, byte length and fingerprint, and masks the token."""
    logger, handler = capture
    token = fresh_token(size)
    fields = token_log_fields(token)
    assert fields == {
        "token_preview": token_preview(token),
        "token_length": size,
        "token_fingerprint": token_fingerprint(token),
    }
    logger.info("leak attempt %s", base64.urlsafe_b64encode(token).decode(), extra=fields)
    assert_only_preview(handler, token)


@pytest.mark.parametrize("size", TOKEN_SIZES)
def test_masked_token_in_exception_is_redacted(
    capture: tuple[logging.Logger, Capture], size: int
) -> None:
    """A traceback whose exception text holds a masked token is redacted too."""
    logger, handler = capture
    token = fresh_token(size)
    mask_token(token)
    try:
        raise RuntimeError(f"rejected token {base64.b64encode(token).decode()}")
    except RuntimeError:
        logger.exception("completion failed")
    assert "RuntimeError: rejected token" in handler.lines[0]
    for form in renderings(token).values():
        assert form not in handler.lines[0]
    assert token_preview(token) in handler.lines[0]


def test_records_without_tokens_are_unchanged(capture: tuple[logging.Logger, Capture]) -> None:
    """Ordinary records keep their text; the redaction never drops one."""
    logger, handler = capture
    logger.info("plain %s and %d", "text", 42)
    logger.warning("no args, 100%% sure, %s")
    logger.warning("args, %d%% sure, %s", 100, "%s")
    assert [r.getMessage() for r in handler.records] == [
        "plain text and 42",
        "no args, 100%% sure, %s",
        "args, 100% sure, %s",
    ]


# --- logging must never raise -----------------------------------------------------------

LOG_CALLS: dict[str, Callable[[logging.Logger], None]] = {
    "mapping-args": lambda log: log.info("%(a)s and %(b)s", {"a": 1, "b": b"\x00" * 72}),
    "bad-format-args": lambda log: log.info("%d", "not a number"),
}


@pytest.mark.parametrize("call", LOG_CALLS.values(), ids=LOG_CALLS.keys())
def test_logging_call_never_raises(
    capture: tuple[logging.Logger, Capture], call: Callable[[logging.Logger], None]
) -> None:
    """Like plain logging, a record that cannot be formatted must not raise at the call site."""
    logger, handler = capture
    call(logger)
    assert len(handler.records) == 1


def test_mapping_args_are_formatted_and_redacted(capture: tuple[logging.Logger, Capture]) -> None:
    """The documented ``%(name)s`` form works and its bytes values are redacted."""
    logger, handler = capture
    token = fresh_token(72)
    logger.info("%(kind)s token %(token)s", {"kind": "caller", "token": token})
    assert_only_preview(handler, token)
    assert handler.records[0].getMessage().startswith("caller token <bytes token_preview=")
