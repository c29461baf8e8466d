"""Generate the Python and type stubs for the .proto sources in this package.

Run ``python -m protos.generate`` after editing a .proto file, and
``python -m protos.generate --check`` to fail when the committed stubs are stale.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import sysconfig
import tempfile
from importlib import resources
from pathlib import Path

from grpc_tools import protoc

PROTOS_DIR = Path(__file__).resolve().parent
ROOT = PROTOS_DIR.parent
GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py", "_pb2_grpc.pyi")


def proto_sources() -> list[Path]:
    """The .proto files, relative to the directory that holds ``protos/``."""
    return sorted(p.relative_to(ROOT) for p in PROTOS_DIR.rglob("*.proto"))


def _plugin(name: str) -> str:
    """Path of a protoc plugin installed beside this interpreter (mypy-protobuf)."""
    path = shutil.which(name, path=sysconfig.get_path("scripts")) or shutil.which(name)
    if path is None:
        raise SystemExit(f"{name} not found: install the 'dev' extra (mypy-protobuf)")
    return path


def generate(out_dir: Path) -> None:
    """Write the generated stubs for every .proto source under ``out_dir``."""
    include = str(resources.files("grpc_tools") / "_proto")
    args = [
        "grpc_tools.protoc",
        f"--plugin=protoc-gen-mypy={_plugin('protoc-gen-mypy')}",
        f"--plugin=protoc-gen-mypy_grpc={_plugin('protoc-gen-mypy_grpc')}",
        f"-I{ROOT}",
        f"-I{include}",
        f"--python_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        f"--mypy_out={out_dir}",
        f"--mypy_grpc_out={out_dir}",
        *(str(p) for p in proto_sources()),
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed; see the messages above")


def generated_files(base: Path) -> list[Path]:
    """Generated stub files under ``base/protos``, relative to ``base``."""
    found = (p for p in (base / "protos").rglob("*") if p.name.endswith(GENERATED_SUFFIXES))
    return sorted(p.relative_to(base) for p in found)


def stale_files() -> list[str]:
    """Generated files that differ from, are missing from, or are extra in the tree."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        generate(fresh)
        expected = generated_files(fresh)
        actual = generated_files(ROOT)
        stale = [str(p) for p in sorted(set(expected) ^ set(actual))]
        stale += [
            str(p)
            for p in expected
            if p in actual and not filecmp.cmp(fresh / p, ROOT / p, shallow=False)
        ]
        return sorted(stale)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale stubs")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        if stale:
            print("stale generated stubs (run `python -m protos.generate`):", *stale, sep="\n  ")
            return 1
        print("generated stubs are up to date")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        for old in generated_files(ROOT):
            (ROOT / old).unlink()
        for new in generated_files(Path(tmp)):
            shutil.copyfile(Path(tmp) / new, ROOT / new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
