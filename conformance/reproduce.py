"""The one-line command that reruns one failed test exactly as the run ran it."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import Final

import pytest

from conformance.results import CaseResult

REPRODUCED_OPTIONS: Final = {
    "backend": "--backend",
    "iut": "--iut",
    "hypothesis_profile": "--hypothesis-profile",
}
"""Options of other plugins that change what a test does, so a reproduce command repeats them."""
REPEATED_WHEN_GIVEN: Final = {
    "namespace": "--namespace",
    "server_start_timeout": "--server-start-timeout",
    "iut_ready_timeout": "--iut-ready-timeout",
}
"""Options repeated only when the run's command line gave them (their defaults need no word)."""
BUILT_IUT_OPTION: Final = "--iut-skip-build"
"""Added when the run built its IUT already: a rerun need not build it again."""


def run_options(config: pytest.Config) -> dict[str, str]:
    """The run's options that shape its results, by destination name."""
    options = {}
    given = config.invocation_params.args
    for dest, flag in (REPRODUCED_OPTIONS | REPEATED_WHEN_GIVEN).items():
        value = config.getoption(dest, None)
        named = any(arg == flag or arg.startswith(flag + "=") for arg in given)
        if value is not None and (dest in REPRODUCED_OPTIONS or named):
            options[dest] = str(value)
    return options


def _shown_path(config: pytest.Config, path: str) -> str:
    absolute = Path(os.path.normpath(config.rootpath / path))
    try:
        return str(absolute.relative_to(config.invocation_params.dir))
    except ValueError:
        return str(absolute)


def reproduce_command(config: pytest.Config, case: CaseResult) -> str:
    """A shell command that reruns this test alone, from the run's directory, in any shell.

    It names the interpreter by its absolute path (no virtualenv need be active), repeats the
    run's plugins and ini overrides (an installed suite has no conftest.py to load them), its
    backend and IUT (without rebuilding it), and the hypothesis profile and seed that pin the
    example.
    """
    path, sep, rest = case.nodeid.partition("::")
    plugins = dict.fromkeys(["conformance.plugin", *(config.option.plugins or ())])
    command = [sys.executable, "-m", "pytest"]
    command += [arg for plugin in plugins for arg in ("-p", plugin)]
    command += [f"--override-ini={o}" for o in config.option.override_ini or ()]
    command.append(_shown_path(config, path) + sep + rest)
    if case.hypothesis_seed is not None:
        command.append(f"--hypothesis-seed={case.hypothesis_seed}")
    options = run_options(config)
    if case.hypothesis_profile is not None:
        # The profile in effect may come from the environment (CI, HYPOTHESIS_PROFILE):
        # name it, so that the command reproduces on a machine without that environment.
        options.setdefault("hypothesis_profile", case.hypothesis_profile)
    flags = REPRODUCED_OPTIONS | REPEATED_WHEN_GIVEN
    command += [f"{flags[dest]}={value}" for dest, value in options.items()]
    if "iut" in options:
        command.append(BUILT_IUT_OPTION)
    return shlex.join(command)


def hypothesis_seed(item: pytest.Item) -> str | None:
    """The seed a hypothesis test ran with, as ``--hypothesis-seed`` would take it.

    None when the test is derandomized: its examples follow from its profile, not a seed.
    """
    test = getattr(item, "obj", None)
    # Precedence as in hypothesis: an explicit @seed, then derandomize, then --hypothesis-seed,
    # then the seed hypothesis drew for this run (private attributes, read defensively).
    explicit = getattr(test, "_hypothesis_internal_use_seed", None)
    if explicit is not None:
        return str(explicit)
    test_settings = getattr(test, "_hypothesis_internal_use_settings", None)
    if getattr(test_settings, "derandomize", False):
        return None
    forced = item.config.getoption("hypothesis_seed", None)
    generated = getattr(test, "_hypothesis_internal_use_generated_seed", None)
    for seed in (forced, generated):
        if seed is not None:
            return str(seed)
    return None


def is_hypothesis(item: pytest.Item) -> bool:
    """Whether ``item`` is a hypothesis test."""
    return bool(getattr(getattr(item, "obj", None), "is_hypothesis_test", False))
