"""Fixtures of the machinery tests: pytester and a fake conformance suite."""

from __future__ import annotations

import pytest

from tests.suite.fake_suite import FakeSuite


def pytest_configure(config: pytest.Config) -> None:
    """Register ``breakage``: runs of the suite against broken variants of the reference."""
    config.addinivalue_line(
        "markers",
        "breakage: runs the suite against a broken reference (deselect: -m 'not breakage')",
    )


@pytest.fixture
def suite(pytester: pytest.Pytester) -> FakeSuite:
    """An empty fake conformance suite in pytester's directory."""
    return FakeSuite(pytester)
