"""The requirement catalogue: lookup by id, loading a catalogue by reference, Markdown rendering."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from conformance.model import Level, Requirement
from conformance.requirements import REQUIREMENTS

__all__ = [
    "DEFAULT_REFERENCE",
    "REQUIREMENTS",
    "Level",
    "Requirement",
    "by_id",
    "index",
    "load",
    "render_markdown",
]

DEFAULT_REFERENCE = "conformance.requirements:REQUIREMENTS"
"""The ``module:attribute`` of the catalogue the plugin uses unless told otherwise."""


def index(requirements: Iterable[Requirement]) -> Mapping[str, Requirement]:
    """Requirements by id, in catalogue order; a duplicate id is a ``ValueError``."""
    found: dict[str, Requirement] = {}
    for requirement in requirements:
        if requirement.id in found:
            raise ValueError(f"duplicate requirement id {requirement.id} in the catalogue")
        found[requirement.id] = requirement
    return MappingProxyType(found)


@functools.cache
def by_id() -> Mapping[str, Requirement]:
    """The built-in catalogue by requirement id."""
    return index(REQUIREMENTS)


def load(reference: str = DEFAULT_REFERENCE) -> tuple[Requirement, ...]:
    """The catalogue named ``module:attribute``; ``ValueError`` if it is missing or malformed."""
    module_name, sep, attribute = reference.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"catalogue reference {reference!r} is not of the form module:attribute")
    try:
        value = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as err:
        raise ValueError(f"cannot load the catalogue {reference!r}: {err}") from err
    requirements = tuple(value)
    if not all(isinstance(item, Requirement) for item in requirements):
        raise ValueError(f"catalogue {reference!r} holds entries that are not Requirement")
    index(requirements)  # rejects duplicate ids
    return requirements


def render_markdown(
    requirements: Iterable[Requirement] = REQUIREMENTS,
    *,
    title: str = "Requirements",
    heading_level: int = 2,
) -> str:
    """The catalogue as a Markdown section: a heading per family, then one per requirement."""
    section = "#" * heading_level
    families: dict[str, list[Requirement]] = {}
    for requirement in requirements:
        families.setdefault(requirement.family, []).append(requirement)
    lines = [f"{section} {title}", ""]
    for family, members in families.items():
        lines += [f"{section}# {family}", ""]
        lines += _render_requirements(members, f"{section}##")
    return "\n".join(lines)


def _render_requirements(requirements: Iterable[Requirement], heading: str) -> list[str]:
    lines: list[str] = []
    for requirement in requirements:
        lines += [
            f"{heading} {requirement.id}",
            "",
            f"**{requirement.level}.** {requirement.statement}",
            "",
            f"*Rationale:* {requirement.rationale}",
            "",
        ]
        if requirement.alternatives:
            lines += ["*Accepted alternatives:*", ""]
            lines += [f"- {alternative}" for alternative in requirement.alternatives]
            lines.append("")
    return lines
