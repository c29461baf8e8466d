"""The catalogue: its entries' validation, lookup, loading and the SPEC.md section."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance import catalogue, contract, spec
from conformance.model import Level, Requirement


def test_builtin_catalogue_is_valid_and_indexed() -> None:
    requirements = catalogue.load()

    assert requirements == catalogue.REQUIREMENTS
    assert list(catalogue.by_id()) == [r.id for r in requirements]
    assert catalogue.by_id()[requirements[0].id] is requirements[0]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        (("THP-alpha-001", Level.MUST, "alpha"), "does not match"),
        (("THP-ALPHA-1", Level.MUST, "ALPHA"), "does not match"),
        (("THP-ALPHA-001", Level.MUST, "BRAVO"), "differs from its id"),
        (("THP-ALPHA-001", "MUST", "ALPHA"), "must be a Level"),
    ],
)
def test_malformed_requirement_is_refused(fields: tuple[str, object, str], error: str) -> None:
    requirement_id, level, family = fields

    with pytest.raises((ValueError, TypeError), match=error):
        Requirement(requirement_id, level, family, "Statement.", "Rationale.")  # type: ignore[arg-type]


def test_duplicate_ids_are_refused() -> None:
    requirement = Requirement("THP-ALPHA-001", Level.MUST, "ALPHA", "Statement.", "Rationale.")

    with pytest.raises(ValueError, match="duplicate requirement id THP-ALPHA-001"):
        catalogue.index([requirement, requirement])


@pytest.mark.parametrize(
    "reference", ["conformance.requirements", "nowhere:REQUIREMENTS", "conformance.model:Level"]
)
def test_bad_catalogue_reference_is_a_value_error(reference: str) -> None:
    with pytest.raises(ValueError, match="catalogue"):
        catalogue.load(reference)


def test_markdown_groups_requirements_by_family() -> None:
    requirements = (
        Requirement("THP-ALPHA-001", Level.MUST, "ALPHA", "Alpha one.", "Because."),
        Requirement("THP-BRAVO-001", Level.MAY, "BRAVO", "Bravo.", "Why not.", ("Or not.",)),
        Requirement("THP-ALPHA-002", Level.SHOULD, "ALPHA", "Alpha two.", "Because."),
    )

    text = catalogue.render_markdown(requirements)

    assert text == (
        "## Requirements\n\n"
        "### ALPHA\n\n"
        "#### THP-ALPHA-001\n\n**MUST.** Alpha one.\n\n*Rationale:* Because.\n\n"
        "#### THP-ALPHA-002\n\n**SHOULD.** Alpha two.\n\n*Rationale:* Because.\n\n"
        "### BRAVO\n\n"
        "#### THP-BRAVO-001\n\n**MAY.** Bravo.\n\n*Rationale:* Why not.\n\n"
        "*Accepted alternatives:*\n\n- Or not.\n"
    )


def test_spec_check_and_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = tmp_path / "SPEC.md"
    contract_markers = f"{contract.BEGIN_MARKER}\nstale\n{contract.END_MARKER}"
    document.write_text(
        f"# Spec\n\n{spec.BEGIN_MARKER}\nstale\n{spec.END_MARKER}\n\nAfter.\n\n{contract_markers}\n"
    )

    assert spec.main(["--check", str(document)]) == 1
    out = capsys.readouterr().out
    assert "requirements section differs" in out
    assert "contract section differs" in out
    assert spec.main(["--write", str(document)]) == 0
    assert spec.main(["--check", str(document)]) == 0
    text = document.read_text()
    assert text.startswith(f"# Spec\n\n{spec.BEGIN_MARKER}\n\n## Requirements\n")
    assert f"\n\n{spec.END_MARKER}\n\nAfter.\n\n{contract.BEGIN_MARKER}\n\n## 13." in text
    assert spec.extract(text) == catalogue.render_markdown()
    assert spec.extract(text, contract.BEGIN_MARKER, contract.END_MARKER) == contract.render()


def test_spec_without_markers_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="lacks the markers"):
        spec.extract("# Spec\n")
