"""Fixtures of the machinery tests: pytester and a fake conformance suite."""

from __future__ import annotations

import pytest

from tests.suite.fake_suite import FakeSuite


@pytest.fixture
def suite(pytester: pytest.Pytester) -> FakeSuite:
    """An empty fake conformance suite in pytester's directory."""
    return FakeSuite(pytester)
