"""What /proc says of a process (memory, CPU time) and of the machine (CPUs, load)."""

from __future__ import annotations

import os
import platform
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROC = Path("/proc")


@dataclass(frozen=True)
class ProcessSample:
    """One look at a process: resident memory now and its high-water mark (KiB), CPU seconds."""

    rss_kib: int
    hwm_kib: int
    cpu_seconds: float


def _status_kib(text: str, field: str) -> int:
    for line in text.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise ValueError(f"no {field} in /proc status")


def sample(pid: int) -> ProcessSample | None:
    """``pid``'s memory and CPU time now; None if it is gone or /proc is not there."""
    try:
        status = (PROC / str(pid) / "status").read_text()
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # Fields after the command name, which may hold spaces and ends at the last ')'.
    fields = stat[stat.rindex(")") + 2 :].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return ProcessSample(_status_kib(status, "VmRSS"), _status_kib(status, "VmHWM"), cpu)


def reset_peak(pid: int) -> bool:
    """Reset ``pid``'s high-water mark (VmHWM) to its RSS now; False if the kernel refused."""
    try:
        (PROC / str(pid) / "clear_refs").write_text("5")
    except OSError:
        return False
    return True


def children(pid: int) -> list[tuple[int, str]]:
    """Direct children of ``pid`` as (pid, command name)."""
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        with suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
            if parent == pid:
                found.append((int(entry.name), name))
    return found


def load_average() -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages."""
    return os.getloadavg()


def machine() -> dict[str, Any]:
    """The machine the bench ran on: CPUs, platform, Python."""
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
