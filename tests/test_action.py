"""The composite action (action.yml): its shell steps, run in order with the inputs set,
against the Go manifest; the steps GitHub provides (setup-python, upload-artifact) are read."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sysconfig
import venv
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pytest
import yaml

ROOT: Final = Path(__file__).resolve().parent.parent
ACTION: Final = ROOT / "action.yml"
EXPRESSION: Final = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")
ONE_TEST: Final = "test_caller_returns_exactly_the_work_result"


def load_action() -> dict[str, Any]:
    action: dict[str, Any] = yaml.safe_load(ACTION.read_text())
    return action


def resolve(text: str, context: Mapping[str, str]) -> str:
    """``text`` with each ``${{ name }}`` expression replaced by its value in ``context``."""
    return EXPRESSION.sub(lambda m: context[m.group(1)], text)


def python_seeing_this_environment(directory: Path) -> Path:
    """A fresh virtual environment that sees this one's packages: the install step then
    installs only the suite itself, in seconds, and leaves this environment as it is."""
    venv.create(directory, with_pip=True)
    purelib = Path(sysconfig.get_paths(vars={"base": str(directory)})["purelib"])
    (purelib / "parent.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return directory / "bin"


def test_inputs_outputs_and_provided_steps() -> None:
    action = load_action()
    assert action["runs"]["using"] == "composite"
    assert action["inputs"]["manifest"]["required"] is True
    assert {"backend", "strict", "report-dir", "extra-args"} <= set(action["inputs"])
    uses = {step["uses"].split("@")[0]: step for step in action["runs"]["steps"] if "uses" in step}
    assert set(uses) == {"actions/setup-python", "actions/upload-artifact"}
    upload = uses["actions/upload-artifact"]
    assert upload["with"]["path"] == "${{ inputs.report-dir }}", "the reports are uploaded"
    assert upload["if"].startswith("always()"), "uploaded when the run fails too"


@pytest.mark.skipif(shutil.which("go") is None, reason="the Go manifest needs go on PATH")
def test_shell_steps_run_the_suite_and_write_the_summary(tmp_path: Path) -> None:
    action = load_action()
    report_dir = tmp_path / "report"
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    inputs |= {
        "manifest": str(ROOT / "iuts" / "go.toml"),
        "report-dir": str(report_dir),
        "extra-args": f"-k {ONE_TEST}",
    }
    context = {f"inputs.{name}": value for name, value in inputs.items()}
    context["github.action_path"] = str(ROOT)
    output, summary = tmp_path / "output", tmp_path / "summary"
    bin_dir = python_seeing_this_environment(tmp_path / "venv")
    base_env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    shell_steps = [step for step in action["runs"]["steps"] if "run" in step]
    assert len(shell_steps) == 3
    for step in shell_steps:
        assert step["shell"] == "bash"
        env = {k: resolve(str(v), context) for k, v in step.get("env", {}).items()}
        done = subprocess.run(
            ["bash", "-e", "-c", resolve(step["run"], context)],
            env={**base_env, **env},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert done.returncode == 0, f"step {step['name']!r}:\n{done.stdout}\n{done.stderr}"
    assert (bin_dir / "handshake-conformance").exists(), "the install step installed the suite"
    assert output.read_text() == "result=pass\n"
    assert (report_dir / "junit.xml").exists()
    assert (report_dir / "conformance.md").read_text() in summary.read_text()
