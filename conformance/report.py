"""The run's reports: conformance.json, conformance.md and the terminal table."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path
from typing import Any, Final

from conformance.model import Level
from conformance.results import CaseResult, RequirementResult, Status, Summary, UntestedPolicy

SCHEMA_VERSION: Final = 1
JSON_NAME: Final = "conformance.json"
MARKDOWN_NAME: Final = "conformance.md"

_ICONS: Final = {
    Status.PASSED: "✅",
    Status.FAILED: "❌",
    Status.XFAILED: "⚠️",
    Status.SKIPPED: "⏭️",
    Status.NOT_RUN: "⚪",
    Status.UNTESTED: "❔",
}
_MESSAGE_WIDTH: Final = 160


def result_word(summary: Summary) -> str:
    """``pass``, ``fail``, or ``incomplete`` when pytest stopped before the end."""
    if not summary.complete:
        return "incomplete"
    return "fail" if summary.exit_status else "pass"


def totals(summary: Summary) -> dict[str, dict[str, int]]:
    """Per level: the number of requirements, and how many have each status."""
    table = {level.value: {"total": 0} | {s.value: 0 for s in Status} for level in Level}
    for result in summary.requirements:
        row = table[result.requirement.level.value]
        row["total"] += 1
        row[result.status.value] += 1
    return table


def _suite_version() -> str | None:
    try:
        return importlib.metadata.version("handshake-conformance")
    except importlib.metadata.PackageNotFoundError:
        return None


def _requirement_json(result: RequirementResult) -> dict[str, Any]:
    requirement = result.requirement
    failed = result.status is Status.FAILED
    return {
        "id": requirement.id,
        "level": requirement.level.value,
        "family": requirement.family,
        "statement": requirement.statement,
        "status": result.status.value,
        "tests": list(result.tests),
        "message": result.message,
        "reproduce": result.reproduce if failed else None,
        "failed_tests": [
            {"nodeid": case.nodeid, "message": case.message, "reproduce": case.reproduce}
            for case in (result.failures if failed else ())
        ],
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
        "strict": verdict.strict,
        "options": dict(summary.options),
        "blocking": list(verdict.blocking),
        "tolerated": list(verdict.tolerated),
        "untested": list(verdict.untested),
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


def headline(summary: Summary) -> str:
    """One sentence: the run's result and what decided it."""
    verdict = summary.verdict
    if not summary.complete:
        return f"INCOMPLETE: pytest stopped with exit status {summary.exit_status}"
    reasons = []
    if verdict.blocking:
        reasons.append("failed: " + ", ".join(verdict.blocking))
    if verdict.unattributed_failures:
        reasons.append(f"{verdict.unattributed_failures} failure(s) outside any requirement")
    if verdict.untested and verdict.untested_policy is UntestedPolicy.ERROR:
        reasons.append("untested: " + ", ".join(verdict.untested))
    if verdict.failed:
        return "FAIL: " + "; ".join(reasons)
    if verdict.tolerated:
        hint = "" if verdict.strict else " (--strict counts SHOULD)"
        return "PASS, not counting failed " + ", ".join(verdict.tolerated) + hint
    return "PASS"


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
    failed = [result for result in summary.requirements if result.status is Status.FAILED]
    if failed:
        lines += ["", "### Failures", ""]
    for result in failed:
        requirement = result.requirement
        weight = "" if requirement.id in summary.verdict.blocking else "; does not fail the run"
        lines += [f"**{requirement.id}** ({requirement.level}{weight})", ""]
        for case in result.failures:
            lines += [f"- {_code(case.nodeid, 10_000)}: {_code(case.message)}", ""]
            if case.reproduce:
                lines += ["  ```sh", f"  {case.reproduce}", "  ```", ""]
    return "\n".join(lines)


def terminal_table(summary: Summary) -> tuple[str, list[tuple[str, RequirementResult]]]:
    """The per-requirement table for the terminal: its header, and each row's line and result."""
    width = max((len(r.requirement.id) for r in summary.requirements), default=0)
    width = max(width, len("requirement"))
    header = f"{'requirement':<{width}}  {'level':<6}  {'status':<8}  {'tests':>5}  message"
    rows = []
    for result in summary.requirements:
        r = result.requirement
        line = f"{r.id:<{width}}  {r.level:<6}  {result.status:<8}  {len(result.tests):>5}"
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
