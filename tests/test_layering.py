"""Imports run one way: the reference never imports the suite or its harness."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest

ROOT: Final = Path(__file__).resolve().parent.parent
REFERENCE: Final = ROOT / "reference_impl"
FORBIDDEN: Final = ("conformance", "fixtures")
"""Implementers read ``reference_impl/`` as the spec: it must stand without the suite."""


def module_name(path: Path, root: Path) -> str:
    """The dotted name of the module at ``path``, a file under ``root``."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, root: Path = ROOT) -> Iterator[tuple[int, str]]:
    """Each module the file at ``path`` imports, with its line, at any depth of the code.

    ``from a import b`` yields ``a`` and ``a.b`` (``b`` may be a submodule); relative
    imports are resolved; ``importlib.import_module`` and ``__import__`` of a literal count.
    """
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    # ast.walk, not the top level only: an import inside a function is an import too.
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = package[: max(0, len(package) - node.level + 1)] if node.level else []
            module = [*base, *([node.module] if node.module else [])]
            if module:
                yield node.lineno, ".".join(module)
            for alias in node.names:
                yield node.lineno, ".".join([*module, alias.name])
        elif (
            isinstance(node, ast.Call)
            and _called_name(node.func) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def violations(files: list[Path], forbidden: tuple[str, ...], root: Path = ROOT) -> list[str]:
    """``file:line imports module`` for each import of a ``forbidden`` package or its modules."""
    return [
        f"{path.relative_to(root)}:{line} imports {module}"
        for path in files
        for line, module in imported_modules(path, root)
        if any(module == f or module.startswith(f"{f}.") for f in forbidden)
    ]


def reference_sources() -> list[Path]:
    """Every Python source file of the reference implementation."""
    return sorted(REFERENCE.rglob("*.py"))


def test_the_reference_imports_neither_the_suite_nor_the_harness() -> None:
    """No module under ``reference_impl/`` imports ``conformance`` or ``fixtures``."""
    files = reference_sources()
    # Guards against a vacuous pass should the package move.
    assert REFERENCE / "callee" / "service.py" in files
    assert violations(files, FORBIDDEN) == []


def test_the_token_module_does_not_depend_on_redaction() -> None:
    """``redaction`` builds on ``task_token``, never the reverse."""
    token_module = REFERENCE / "task_token.py"
    assert violations([token_module], ("reference_impl.redaction",)) == []


@pytest.mark.parametrize(
    "source",
    [
        "import conformance.runner",
        "import fixtures",
        "from fixtures.servers import start_server",
        "from conformance import runner",
        "def lazy() -> None:\n    from fixtures import servers\n",
        "class C:\n    def m(self) -> None:\n        import conformance as c\n",
        "import importlib\nimportlib.import_module('fixtures.proxy')\n",
        "from ... import fixtures\n",
    ],
)
def test_the_check_catches_each_form_of_import(source: str, tmp_path: Path) -> None:
    """Top-level, nested, aliased, relative and importlib imports are all found."""
    module = tmp_path / "reference_impl" / "callee" / "bad.py"
    module.parent.mkdir(parents=True)
    module.write_text(source)
    assert violations([module], FORBIDDEN, tmp_path)


@pytest.mark.parametrize(
    "source",
    [
        "import reference_impl.names",
        "from reference_impl.task_token import token_preview",
        "from . import store",
        "from .. import names",
        "import fixturesque",
        "text = 'import fixtures'\n",
    ],
)
def test_the_check_passes_the_reference_own_imports(source: str, tmp_path: Path) -> None:
    """Imports within the reference, look-alike names and strings are not violations."""
    module = tmp_path / "reference_impl" / "callee" / "fine.py"
    module.parent.mkdir(parents=True)
    module.write_text(source)
    assert violations([module], FORBIDDEN, tmp_path) == []


MAX_MODULE_LINES: Final = 400
"""A module longer than this holds more than one concern: split it."""
HAND_WRITTEN: Final = ("reference_impl", "conformance", "fixtures", "tests", "protos")
GENERATED: Final = ROOT / "protos" / "ai"


def test_no_hand_written_module_exceeds_400_lines() -> None:
    too_long = {
        str(path.relative_to(ROOT)): lines
        for top in HAND_WRITTEN
        for path in sorted((ROOT / top).rglob("*.py"))
        if not path.is_relative_to(GENERATED)
        and (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}, f"split these modules by concern: {too_long}"
