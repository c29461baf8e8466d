"""Fixtures of the machinery tests: pytester and a fake conformance suite."""

from __future__ import annotations

import pytest
from hypothesis import _settings as hypothesis_settings

from fixtures.backend import BackendChoice
from tests.suite.fake_suite import FakeSuite

# The variables by which hypothesis detects CI and then loads its derandomized "ci" profile.
_CI_VARIABLES = (*getattr(hypothesis_settings, "_CI_VARS", {"CI": None}), "HYPOTHESIS_PROFILE")


def pytest_configure(config: pytest.Config) -> None:
    """Register ``breakage``: runs of the suite against broken variants of the reference."""
    config.addinivalue_line(
        "markers",
        "breakage: runs the suite against a broken reference (deselect: -m 'not breakage')",
    )


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> FakeSuite:
    """An empty fake conformance suite in pytester's directory, run as outside CI."""
    for name in _CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return FakeSuite(pytester)


@pytest.fixture
def backend(temporal_backend: BackendChoice) -> str:
    """The Temporal backend of this session, passed on to the suite runs it makes."""
    return temporal_backend.option
