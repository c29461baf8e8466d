"""Hypothesis strategies of the suite: JSON results, errors and token bytes."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from conformance.ijson import MAX_EXACT_INTEGER
from reference_impl.models import ErrorInfo
from reference_impl.names import MAX_CALLBACK_TOKEN_BYTES

# The I-JSON domain (RFC 7493, SPEC.md §2): integers within ±(2**53 - 1), finite doubles, and
# text without lone surrogates (they do not survive UTF-8 JSON in Go, Java or TypeScript).
text = st.text(st.characters(codec="utf-8"), max_size=40)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-MAX_EXACT_INTEGER, MAX_EXACT_INTEGER)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
)
json_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(text, children, max_size=5),
    max_leaves=20,
)
LARGE_STRING = "é✓ large " * 30_000
"""About 330 KB of UTF-8: large, yet well under the servers' payload limits."""

error_types = st.from_regex(r"[A-Z][A-Za-z0-9]{0,24}", fullmatch=True)
errors: st.SearchStrategy[ErrorInfo] = st.builds(
    ErrorInfo,
    message=st.text(st.characters(codec="utf-8"), min_size=1, max_size=80),
    type=error_types,
    non_retryable=st.booleans(),
    details=st.lists(json_values, max_size=3),
)

tokens = st.binary(min_size=1, max_size=MAX_CALLBACK_TOKEN_BYTES)
"""Any callback token ``create`` must accept."""
