"""The run's verdict in pytest's JUnit XML: testsuite properties a CI system can read."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from conformance.results import Status, Summary

RESULT_PROPERTY = "conformance_result"
"""The run's result word, the same as ``conformance.json``'s ``result``."""


def verdict_properties(summary: Summary) -> dict[str, str]:
    """The properties that state the run's verdict and its count of each requirement status."""
    properties = {
        RESULT_PROPERTY: summary.result.value,
        "conformance_exit_status": str(summary.exit_status),
        "conformance_whole_suite": str(summary.complete and summary.verdict.whole).lower(),
    }
    for status in Status:
        count = sum(1 for result in summary.requirements if result.status is status)
        properties[f"requirements_{status.value}"] = str(count)
    return properties


def add_verdict(path: Path, summary: Summary) -> None:
    """Add the verdict's properties to every ``<testsuite>`` of the JUnit file at ``path``."""
    tree = ET.parse(path)
    root = tree.getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    for suite in suites:
        container = suite.find("properties")
        if container is None:
            container = ET.Element("properties")
            suite.insert(0, container)
        for name, value in verdict_properties(summary).items():
            ET.SubElement(container, "property", name=name, value=value)
    tree.write(path, encoding="utf-8", xml_declaration=True)
