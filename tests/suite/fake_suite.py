"""A fake conformance suite with its own catalogue, for pytester to run."""

from __future__ import annotations

import json
import textwrap
from typing import Any

import pytest

FAKE_CATALOGUE = """
from conformance.model import Level, Requirement

def _requirement(id, level, family):
    return Requirement(id, level, family, f"Statement of {id}.", f"Rationale of {id}.")

REQUIREMENTS = (
    _requirement("THP-ALPHA-001", Level.MUST, "ALPHA"),
    _requirement("THP-ALPHA-002", Level.MUST, "ALPHA"),
    _requirement("THP-BRAVO-001", Level.SHOULD, "BRAVO"),
    _requirement("THP-CHARLIE-001", Level.MAY, "CHARLIE"),
)
"""

FAKE_INI = """
[pytest]
conformance_catalogue = fakecatalogue:REQUIREMENTS
conformance_paths = fakesuite
asyncio_default_fixture_loop_scope = function
"""


PASSING_AND_FAILING = """
@pytest.mark.requirement("THP-ALPHA-001")
def test_alpha_passes():
    pass

@pytest.mark.requirement("THP-ALPHA-002")
@pytest.mark.parametrize("answer", [42, 41])
def test_alpha_answer(answer):
    assert answer == 42, "the callee answered wrongly"

@pytest.mark.requirement("THP-BRAVO-001", "THP-CHARLIE-001")
def test_bravo_passes():
    pass
"""

STATUS_MIX = """
@pytest.mark.requirement("THP-ALPHA-001")
def test_passes():
    pass

@pytest.mark.requirement("THP-ALPHA-001")
def test_skipped_alongside():
    pytest.skip("only on the dev server")

@pytest.mark.requirement("THP-ALPHA-002")
@pytest.mark.xfail(reason="the reference answers late", strict=True)
def test_known_failure():
    assert False

@pytest.mark.requirement("THP-BRAVO-001")
@pytest.mark.skip(reason="needs the dev server")
def test_skipped():
    pass

@pytest.mark.requirement("THP-BRAVO-001")
def test_deselected():
    pass
"""


class FakeSuite:
    """A conformance package ``fakesuite`` with the catalogue above, run by pytester."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        self.pytester = pytester
        pytester.makeini(FAKE_INI)
        pytester.makepyfile(fakecatalogue=FAKE_CATALOGUE)
        pytester.mkpydir("fakesuite")
        pytester.syspathinsert()

    def add(self, name: str, source: str) -> None:
        """Add the test module ``fakesuite/<name>.py``."""
        path = self.pytester.path / "fakesuite" / f"{name}.py"
        path.write_text("import pytest\n\n" + textwrap.dedent(source))

    def run(self, *args: str, subprocess: bool = False) -> pytest.RunResult:
        """Run the fake suite with the plugin, writing reports into ``reports/``."""
        argv = ("-p", "conformance.plugin", "--report-dir=reports", "-p", "no:cacheprovider")
        if subprocess:
            return self.pytester.runpytest_subprocess(*argv, *args)
        return self.pytester.runpytest(*argv, *args)

    def report(self) -> dict[str, Any]:
        """The last run's conformance.json."""
        document: dict[str, Any] = json.loads(
            (self.pytester.path / "reports" / "conformance.json").read_text()
        )
        return document

    def statuses(self) -> dict[str, str]:
        """Requirement id to status, from the last run's conformance.json."""
        return {entry["id"]: entry["status"] for entry in self.report()["requirements"]}
