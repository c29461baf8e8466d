"""The run's reports: conformance.json, conformance.md and the terminal table."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path
from typing import Any, Final

from conformance.model import Level
from conformance.results import (
    EXIT_STATUS,
    CaseResult,
    Outcome,
    RequirementResult,
    RunResult,
    Status,
    Summary,
    UntestedPolicy,
)

SCHEMA_VERSION: Final = 2
"""2: the verdict vocabulary (partial, not_tested, error), reasons per requirement, logs."""
JSON_NAME: Final = "conformance.json"
MARKDOWN_NAME: Final = "conformance.md"

_ICONS: Final = {
    Status.PASSED: "✅",
    Status.FAILED: "❌",
    Status.PARTIAL: "◐",
    Status.NOT_TESTED: "⚪",
    Status.ERROR: "⚠️",
}
_MESSAGE_WIDTH: Final = 160


def result_word(summary: Summary) -> str:
    """``pass``, ``fail``, ``not_tested`` or ``error``: the same word in every report."""
    return summary.result.value


def totals(summary: Summary) -> dict[str, dict[str, int]]:
    """Per level: the number of requirements, and how many have each status."""
    table = {level.value: {"total": 0} | {s.value: 0 for s in Status} for level in Level}
    for result in summary.requirements:
        row = table[result.requirement.level.value]
        row["total"] += 1
        row[result.status.value] += 1
    return table


def status_counts(summary: Summary) -> str:
    """``29 passed, 1 failed, ...``: how many requirements have each status, zeros left out."""
    counts = {status: 0 for status in Status}
    for result in summary.requirements:
        counts[result.status] += 1
    return ", ".join(f"{n} {status}" for status, n in counts.items() if n)


def _suite_version() -> str | None:
    try:
        return importlib.metadata.version("handshake-conformance")
    except importlib.metadata.PackageNotFoundError:
        return None


def _reason_json(case: CaseResult) -> dict[str, Any]:
    return {
        "nodeid": case.nodeid,
        "outcome": case.outcome.value if case.outcome else None,
        "phase": case.phase,
        "message": case.message,
        "reproduce": case.reproduce,
        "logs": case.logs,
    }


def _requirement_json(result: RequirementResult) -> dict[str, Any]:
    requirement = result.requirement
    failed = result.status is Status.FAILED
    return {
        "id": requirement.id,
        "level": requirement.level.value,
        "family": requirement.family,
        "statement": requirement.statement,
        "status": result.status.value,
        "known_failing": result.known_failing,
        "tests": list(result.tests),
        "message": result.message,
        "reproduce": result.reproduce if failed or result.status is Status.ERROR else None,
        "failed_tests": [_reason_json(case) for case in result.failures],
        "reasons": [_reason_json(case) for case in result.reasons],
    }


def _case_json(case: CaseResult) -> dict[str, Any]:
    return {
        "nodeid": case.nodeid,
        "requirements": list(case.requirements),
        "outcome": case.outcome.value if case.outcome else None,
        "phase": case.phase,
        "duration": round(case.duration, 3),
        "message": case.message,
        "hypothesis_seed": case.hypothesis_seed,
        "hypothesis_profile": case.hypothesis_profile,
        "hypothesis_reproduce_failure": case.hypothesis_blob,
        "reproduce": case.reproduce,
        "logs": case.logs,
    }


def to_json(summary: Summary) -> dict[str, Any]:
    """The ``conformance.json`` document (schema version :data:`SCHEMA_VERSION`)."""
    verdict = summary.verdict
    return {
        "schema_version": SCHEMA_VERSION,
        "suite": "handshake-conformance",
        "suite_version": _suite_version(),
        "result": result_word(summary),
        "exit_status": summary.exit_status,
        "exit_statuses": {result.value: status for result, status in EXIT_STATUS.items()},
        "headline": headline(summary),
        "whole_suite": summary.complete and verdict.whole,
        "strict": verdict.strict,
        "options": dict(summary.options),
        "blocking": list(verdict.blocking),
        "tolerated": list(verdict.tolerated),
        "errors": list(verdict.errors),
        "partial": list(verdict.partial),
        "not_tested": list(verdict.not_tested),
        "untested": list(verdict.untested),
        "session_errors": list(summary.session_errors),
        "unattributed_failures": verdict.unattributed_failures,
        "totals": totals(summary),
        "requirements": [_requirement_json(result) for result in summary.requirements],
        "tests": [_case_json(case) for case in summary.cases],
    }


def _one_line(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _cell(text: str) -> str:
    """Plain text fit for Markdown: one line, no HTML, pipes escaped."""
    text = _one_line(text, 10_000)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|")


def _code(text: str | None, width: int = _MESSAGE_WIDTH) -> str:
    """Text as a one-line code span fit for a Markdown table cell."""
    if not text:
        return ""
    # A code span shows HTML entities literally, so only its own delimiter and the
    # table's need care.
    return "`" + _one_line(text, width).replace("`", "'").replace("|", "\\|") + "`"


def _ids(ids: tuple[str, ...], most: int = 6) -> str:
    shown = ", ".join(ids[:most])
    return shown + (f" and {len(ids) - most} more" if len(ids) > most else "")


def headline(summary: Summary) -> str:
    """One sentence: the run's result in capitals and what decided it."""
    verdict = summary.verdict
    total = len(summary.requirements)
    result = summary.result
    if summary.session_errors and result is RunResult.ERROR:
        return "ERROR: " + _one_line(summary.session_errors[0], _MESSAGE_WIDTH)
    if result is RunResult.ERROR and not summary.complete:
        return f"ERROR: pytest stopped with exit status {summary.exit_status} before the end"
    if result is RunResult.FAIL:
        reasons = []
        if verdict.blocking:
            reasons.append("failed: " + _ids(verdict.blocking))
        if verdict.unattributed_failures:
            reasons.append(f"{verdict.unattributed_failures} failure(s) outside any requirement")
        if verdict.untested and verdict.untested_policy is UntestedPolicy.ERROR:
            reasons.append("untested: " + _ids(verdict.untested))
        if verdict.errors:
            reasons.append(f"{len(verdict.errors)} not judged (harness error)")
        return "FAIL: " + "; ".join(reasons)
    if result is RunResult.ERROR:
        return (
            f"ERROR: the harness could not judge {_ids(verdict.errors)}; "
            "nothing is said against the implementation (see each requirement's message)"
        )
    if result is RunResult.NOT_TESTED:
        return f"NOT TESTED: none of the {total} requirements was judged"
    notes = []
    if verdict.tolerated:
        should = any(
            r.requirement.id in verdict.tolerated
            and r.requirement.level is Level.SHOULD
            and not r.known_failing
            for r in summary.requirements
        )
        hint = " (--strict counts SHOULD)" if should and not verdict.strict else ""
        notes.append("not counting failed " + _ids(verdict.tolerated) + hint)
    if verdict.partial:
        notes.append(f"{len(verdict.partial)} partial ({_ids(verdict.partial)})")
    if verdict.not_tested:
        notes.append(
            f"{len(verdict.not_tested)} not tested ({_ids(verdict.not_tested)}): "
            "not a pass of the whole suite"
        )
    scope = "PASS" if verdict.whole else f"PASS of {verdict.judged} of {total} requirements"
    return scope + (", " + "; ".join(notes) if notes else "")


def to_markdown(summary: Summary, title: str = "Token handshake conformance") -> str:
    """``conformance.md``: verdict, totals per level and one row per requirement."""
    shown = list(Status)
    lines = [
        f"## {title}",
        "",
        f"**{_cell(headline(summary))}**",
        "",
        "| Level | Requirements | " + " | ".join(f"{_ICONS[s]} {s}" for s in shown) + " |",
        "|---|---:|" + "---:|" * len(shown),
    ]
    for level, row in totals(summary).items():
        counts = " | ".join(str(row[s.value]) for s in shown)
        lines.append(f"| {level} | {row['total']} | {counts} |")
    lines += [
        "",
        "| Requirement | Level | Family | Status | Tests | Message |",
        "|---|---|---|---|---:|---|",
    ]
    for result in summary.requirements:
        r = result.requirement
        status = f"{_ICONS[result.status]} {result.status}"
        lines.append(
            f"| {r.id} | {r.level} | {r.family} | {status} | {len(result.tests)} "
            f"| {_code(result.message)} |"
        )
    lines += _findings(summary)
    return "\n".join(lines)


def _findings(summary: Summary) -> list[str]:
    """Failed and errored tests in full; tests that did not run, grouped by their reason."""
    lines: list[str] = []
    judged = [
        r for r in summary.requirements if r.status in (Status.FAILED, Status.ERROR) and r.reasons
    ]
    if judged:
        lines += ["", "### Failures and errors", ""]
    for result in judged:
        requirement = result.requirement
        if result.status is Status.ERROR:
            weight = "; harness error, not counted against the implementation"
        elif requirement.id in summary.verdict.blocking:
            weight = ""
        else:
            weight = "; known failing" if result.known_failing else "; does not fail the run"
        lines += [f"**{requirement.id}** ({requirement.level}, {result.status}{weight})", ""]
        for case in result.reasons:
            lines.append(f"- {_code(case.nodeid, 10_000)}: {_code(case.message)}")
            if case.logs:
                lines.append(f"  — [the implementation's logs]({case.logs}/)")
            lines.append("")
            if case.reproduce:
                lines += ["  ```sh", f"  {case.reproduce}", "  ```", ""]
    unjudged: dict[str, list[str]] = {}
    for result in summary.requirements:
        if result.status not in (Status.PARTIAL, Status.NOT_TESTED):
            continue
        explaining: tuple[CaseResult | None, ...] = result.reasons or (None,)
        for reason in explaining:
            why = _why_not_run(reason)
            ids = unjudged.setdefault(why, [])
            if result.requirement.id not in ids:
                ids.append(result.requirement.id)
    if unjudged:
        lines += ["", "### Not run here", ""]
        lines += [f"- {_code(why)}: {', '.join(ids)}" for why, ids in unjudged.items()]
    return lines


def _why_not_run(case: CaseResult | None) -> str:
    if case is None:
        return "no collected test checks it"
    if case.outcome is Outcome.NOT_RUN:
        return "not selected in this run (deselected, or the run stopped first)"
    return case.message or "skipped"


def terminal_table(summary: Summary) -> tuple[str, list[tuple[str, RequirementResult]]]:
    """The per-requirement table for the terminal: its header, and each row's line and result."""
    width = max((len(r.requirement.id) for r in summary.requirements), default=0)
    width = max(width, len("requirement"))
    header = f"{'requirement':<{width}}  {'level':<6}  {'status':<10}  {'tests':>5}  message"
    rows = []
    for result in summary.requirements:
        r = result.requirement
        line = f"{r.id:<{width}}  {r.level:<6}  {result.status:<10}  {len(result.tests):>5}"
        if result.message:
            line += "  " + " ".join(result.message.split())[:_MESSAGE_WIDTH]
        rows.append((line, result))
    return header, rows


def write(summary: Summary, directory: Path) -> list[Path]:
    """Write ``conformance.json`` and ``conformance.md`` into ``directory``; their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / JSON_NAME
    json_path.write_text(json.dumps(to_json(summary), indent=2) + "\n", encoding="utf-8")
    markdown_path = directory / MARKDOWN_NAME
    markdown_path.write_text(to_markdown(summary) + "\n", encoding="utf-8")
    return [json_path, markdown_path]
