"""The run's summary in the terminal: counts, what did not pass, the verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance import report as reporting
from conformance.results import Status, Summary, UntestedPolicy


def write_summary(
    write: pytest.TerminalReporter, summary: Summary, verbose: bool, report_dir: Path | None
) -> None:
    """Count the statuses, list the requirements that did not pass (every one with
    ``verbose``), where the reports are, then the verdict: short enough for one screen."""
    write.section("conformance requirements")
    counts = reporting.status_counts(summary)
    write.line(f"{len(summary.requirements)} requirements: {counts}")
    header, rows = reporting.terminal_table(summary)
    shown = [
        (line, result)
        for line, result in rows
        if verbose or result.status not in (Status.PASSED, Status.NOT_TESTED)
    ]
    if shown:
        write.line(header, bold=True)
    for line, result in shown:
        failed = result.status is Status.FAILED
        blocking = result.requirement.id in summary.verdict.blocking
        write.line(
            line,
            red=blocking,
            yellow=(failed and not blocking) or result.status is Status.ERROR,
            green=result.status is Status.PASSED,
        )
    untested = summary.verdict.untested
    not_tested = [i for i in summary.verdict.not_tested if i not in untested]
    if not_tested and not verbose:
        write.line(f"not tested ({len(not_tested)}): " + ", ".join(not_tested), yellow=True)
    if untested and summary.verdict.untested_policy is not UntestedPolicy.IGNORE:
        write.line(
            f"{len(untested)} requirement(s) without any test: " + ", ".join(untested),
            yellow=True,
        )
    if report_dir is not None:
        write.line(f"reports: {report_dir} ({reporting.MARKDOWN_NAME}, {reporting.JSON_NAME})")
    headline = reporting.headline(summary)
    write.line(f"conformance: {headline}", bold=True, red=summary.exit_status != 0)
