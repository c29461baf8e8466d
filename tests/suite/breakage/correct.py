"""Correct variants of the reference: unlike it, yet conforming. Each must pass every requirement.

They prove the suite does not fail an implementation for a choice the contract leaves open.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from temporalio.client import Client

from reference_impl.models import CompletionOutcome, ErrorInfo
from tests.suite.breakage.variants import Completion, Patch, wrap_completion

CORRECT_VARIANTS: dict[str, Patch] = {}

JAVASCRIPT_PLAIN_LIMIT = 1e21
"""JavaScript writes an integral double below this without an exponent (Number::toString)."""


def correct(name: str) -> Callable[[Patch], Patch]:
    """Register the decorated patch as the correct variant ``name``."""

    def register(patch: Patch) -> Patch:
        CORRECT_VARIANTS[name] = patch
        return patch

    return register


def javascript_number(value: int | float) -> int | float:
    """The number Python reads back after JavaScript's ``JSON.stringify`` wrote ``value``.

    An integral double below 1e21 is written with the shortest round-trip digits and no
    exponent, so Python reads an int whose digits may differ from the double's exact value
    (``4.926632833995522e16`` becomes ``49266328339955220``).
    """
    if not isinstance(value, float) or not math.isfinite(value) or not value.is_integer():
        return value
    return int(Decimal(repr(value))) if abs(value) < JAVASCRIPT_PLAIN_LIMIT else value


def javascript_numbers(value: Any) -> Any:
    """``value`` with every number re-encoded as JavaScript's JSON writes it."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return javascript_number(value)
    if isinstance(value, list):
        return [javascript_numbers(item) for item in value]
    if isinstance(value, dict):
        return {key: javascript_numbers(item) for key, item in value.items()}
    return value


@correct("javascript-numbers")
def javascript_numbers_variant(monkeypatch: pytest.MonkeyPatch) -> None:
    """The system activity writes its JSON as JavaScript does: integral doubles as integers."""

    def wrap(complete: Completion) -> Completion:
        @functools.wraps(complete)
        async def as_javascript(
            client: Client, token: bytes, *, result: Any = None, error: ErrorInfo | None = None
        ) -> CompletionOutcome:
            if error is not None:
                error = dataclasses.replace(error, details=javascript_numbers(error.details))
            return await complete(client, token, result=javascript_numbers(result), error=error)

        return as_javascript

    wrap_completion(monkeypatch, wrap)
