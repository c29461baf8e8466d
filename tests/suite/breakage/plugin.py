"""Pytest plugin ``-p tests.suite.breakage.plugin``: ``--broken-variant NAME`` breaks the reference.

The variant is applied at configure time and undone at the session's end. The plugin also
registers the hypothesis profile ``breakage``: ``ci`` without shrinking and without a database.
"""

from __future__ import annotations

from typing import Final

import pytest
from hypothesis import Phase, settings

import fixtures.profiles  # noqa: F401 - registers the harness's profiles, "ci" among them
from tests.suite.breakage.correct import CORRECT_VARIANTS
from tests.suite.breakage.variants import VARIANTS, apply_variant

OPTION: Final = "--broken-variant"
CORRECT_OPTION: Final = "--correct-variant"
HYPOTHESIS_PROFILE: Final = "breakage"
"""Shows a failure at the first failing example, and records no example in ``.hypothesis/``."""

settings.register_profile(
    HYPOTHESIS_PROFILE,
    parent=settings.get_profile("ci"),
    phases=(Phase.explicit, Phase.generate),
    database=None,
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--broken-variant``."""
    parser.getgroup("breakage", "deliberately broken reference (tests of the suite)").addoption(
        OPTION,
        dest="broken_variant",
        metavar="NAME",
        choices=sorted(VARIANTS),
        help="run the in-process reference broken as NAME says: " + ", ".join(sorted(VARIANTS)),
    )
    parser.getgroup("breakage").addoption(
        CORRECT_OPTION,
        dest="correct_variant",
        metavar="NAME",
        choices=sorted(CORRECT_VARIANTS),
        help="run the in-process reference changed, yet conforming, as NAME says: "
        + ", ".join(sorted(CORRECT_VARIANTS)),
    )


def pytest_configure(config: pytest.Config) -> None:
    """Apply the chosen variant for the whole session."""
    name = config.getoption("broken_variant")
    correct = config.getoption("correct_variant")
    if name is None and correct is None:
        return
    if config.getoption("iut", None):
        raise pytest.UsageError("a variant changes the in-process reference: it excludes --iut")
    monkeypatch = pytest.MonkeyPatch()
    config.add_cleanup(monkeypatch.undo)
    if name is not None:
        apply_variant(name, monkeypatch)
    if correct is not None:
        CORRECT_VARIANTS[correct](monkeypatch)


def pytest_report_header(config: pytest.Config) -> str | None:
    """Say loudly that the reference under test is broken on purpose."""
    name = config.getoption("broken_variant")
    correct = config.getoption("correct_variant")
    if correct is not None:
        return f"correct variant: {correct}: {CORRECT_VARIANTS[correct].__doc__}"
    if name is None:
        return None
    return f"broken variant: {name}: {VARIANTS[name].description}"
