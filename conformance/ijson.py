"""JSON values as the contract compares them: the I-JSON domain of RFC 7493.

Numbers are IEEE-754 doubles: an integer text and a float that denote the same double are the
same value (JavaScript writes ``4.926632833995522e16`` as ``49266328339955220``, which Python
reads back as an int). Integers beyond ±(2**53 - 1) are outside the domain; so are NaN,
infinities and strings with lone surrogates.
"""

from __future__ import annotations

from typing import Any, Final

MAX_EXACT_INTEGER: Final = 2**53 - 1
"""The largest integer every I-JSON implementation represents exactly (RFC 7493 §2.2)."""


def same_json(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are the same JSON value, numbers compared as doubles."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


def assert_same_json(actual: Any, expected: Any, what: str = "the value") -> None:
    """Fail, showing both, unless ``actual`` is the same JSON value as ``expected``."""
    assert same_json(actual, expected), (
        f"{what} differs as a JSON value (numbers compared as IEEE-754 doubles):\n"
        f"  actual:   {actual!r}\n  expected: {expected!r}"
    )
