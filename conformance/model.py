"""The record of one requirement of the conformance catalogue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import pytest

ID_PATTERN: Final = re.compile(r"THP-(?P<family>[A-Z]+)-(?P<number>\d{3})")
"""Requirement ids: ``THP-<FAMILY>-<three digits>``, the family repeated in the id."""
MARKER: Final = "requirement"
"""The pytest marker by which a test names the requirements it checks."""
PLUGIN_NAME: Final = "conformance-requirements"
"""Name under which ``conformance.plugin`` registers the session's requirement bookkeeping."""
REPORT_DIR_DEST: Final = "conformance_report_dir"
"""The destination of the plugin's ``--report-dir`` option."""
HARNESS_ERROR_PROPERTY: Final = "harness_error"
"""A report's user property, set by the harness: this failure is the harness's own (a server
that did not start, a fixture error, a build failure), so the test is an error, not a failure."""
KNOWN_FAILING_PROPERTY: Final = "known_failing"
"""A test's user property, set by the harness once per requirement the test is expected to fail
for (an IUT's known failure); the test's other requirements are then not judged by it."""
LOGS_PROPERTY: Final = "implementation_logs"
"""A report's user property, set by the harness: where the IUT's logs of this test were kept,
relative to the report directory."""


class Level(StrEnum):
    """RFC 2119 level: how much a failure of the requirement weighs in the run's verdict."""

    MUST = "MUST"
    SHOULD = "SHOULD"
    MAY = "MAY"


@dataclass(frozen=True)
class Requirement:
    """One testable statement of the handshake's specification."""

    id: str
    level: Level
    family: str
    statement: str
    """One sentence, in the words of SPEC.md."""
    rationale: str
    """One sentence: why an implementation must behave so."""
    alternatives: tuple[str, ...] = ()
    """Other answers of the server under test that the suite accepts as conforming."""

    def __post_init__(self) -> None:
        # A malformed entry must stop the import of the catalogue, not surface as a
        # confusing report line later.
        match = ID_PATTERN.fullmatch(self.id)
        if match is None:
            raise ValueError(f"requirement id {self.id!r} does not match {ID_PATTERN.pattern}")
        if match["family"] != self.family:
            raise ValueError(f"requirement {self.id}: family {self.family!r} differs from its id")
        if not isinstance(self.level, Level):
            raise TypeError(f"requirement {self.id}: level must be a Level, not {self.level!r}")
        if not self.statement.strip() or not self.rationale.strip():
            raise ValueError(f"requirement {self.id}: statement and rationale must not be empty")


def report_directory(config: pytest.Config) -> Path | None:
    """Where ``--report-dir`` puts this run's reports (relative to where pytest was started);
    None without it, or without the plugin."""
    report_dir = config.getoption(REPORT_DIR_DEST, None)
    return config.invocation_params.dir / str(report_dir) if report_dir else None
