"""``handshake-conformance bench``: what the handshake costs and how many a few caller slots
carry, measured on a dev (or external) Temporal server against the reference in this process
or an IUT's processes.

It measures and does not judge: exit 0 unless the harness failed (3) or a caller did not get
its own result (1). Reports go to ``--out``: bench.json, bench.md, bench.png and bench.log.
The time-skipping server is refused: its clock is virtual (history times jump when it skips
and it never skips while a token is pending), and it is a test double of Temporal, so its
latencies say nothing of a real server's.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, Final

from temporalio.testing import WorkflowEnvironment
from tqdm import tqdm

from conformance.bench import config as options
from conformance.bench.capacity import Rung, run_rung
from conformance.bench.config import BenchConfig
from conformance.bench.deployment import deploy_bench
from conformance.bench.legs import LEGS
from conformance.bench.plot import write_png
from conformance.bench.procfs import load_average, machine
from conformance.bench.report import BenchResult, kind_summary, leg_summary, write_reports
from conformance.bench.roundtrip import run_roundtrip
from fixtures.backend import BackendChoice, connect_external, parse_backend
from fixtures.connection import TemporalConnection
from fixtures.iut import Manifest, ManifestError, build, load_manifest
from fixtures.servers import DEV_SERVER_DYNAMIC_CONFIG, start_server
from reference_impl.redaction import install_token_redaction
from reference_impl.runtime import forwarding_runtime

LOG_NAME: Final = "bench.log"
TIME_SKIPPING_REFUSED: Final = (
    "bench: the time-skipping server is refused. Its clock is virtual: history times jump "
    "when it skips, it never skips while a token is pending, and it is a test double of "
    "Temporal, so its latencies describe neither the handshake nor a real server. Use "
    "--backend dev (an embedded dev server) or --backend HOST:PORT."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``bench`` options."""
    options.add_arguments(parser)


def _log_to(path: Path) -> None:
    """Send this process's log records (the in-process reference's among them) to ``path``,
    token-redacted, at INFO: what an IUT process logs at HANDSHAKE_LOG_LEVEL=info."""
    path.parent.mkdir(parents=True, exist_ok=True)
    install_token_redaction()
    logging.basicConfig(
        filename=path,
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
        force=True,
    )


@asynccontextmanager
async def _server(
    backend: BackendChoice, start_timeout: float
) -> AsyncIterator[tuple[WorkflowEnvironment, TemporalConnection]]:
    """The Temporal server of ``backend`` and how the IUT reaches it."""
    runtime = forwarding_runtime("WARN")
    if backend.kind is None:
        assert backend.connection is not None
        client = await connect_external(backend.connection, runtime)
        env = WorkflowEnvironment.from_client(client)
        yield env, backend.upstream(env)
        return
    async with await start_server("dev", runtime, start_timeout) as env:
        yield env, backend.upstream(env)


@contextmanager
def _bar(total: int, description: str) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr (drawn only on a terminal); yields its one-step advance."""
    with tqdm(total=total, desc=description, unit="call", file=sys.stderr, disable=None) as bar:

        def advance() -> None:
            bar.update(1)

        yield advance


async def bench(cfg: BenchConfig, manifest: Manifest | None) -> BenchResult:
    """Run the round trip, then the ladder up to its first saturated rung; the result holds
    whatever was measured before a failure, and the failure."""
    backend = parse_backend(cfg.backend, cfg.namespace, cfg.server_start_timeout)
    config = {k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(cfg).items()}
    result = BenchResult(
        iut=manifest.describe() if manifest is not None else "reference (in-process)",
        backend=backend.name if backend.kind else f"external {backend.address}",
        config=config,
        machine=machine(),
        load_start=load_average(),
        server_config=DEV_SERVER_DYNAMIC_CONFIG if backend.kind else (),
    )
    began = time.perf_counter()
    work = cfg.out / "work"
    try:
        async with AsyncExitStack() as stack:
            env, upstream = await stack.enter_async_context(
                _server(backend, cfg.server_start_timeout)
            )

            if cfg.rounds:
                async with deploy_bench(
                    env.client,
                    upstream,
                    work / "roundtrip",
                    manifest,
                    cfg.slots,
                    1,
                    cfg.ready_timeout,
                ) as deployment:
                    with _bar(cfg.rounds * cfg.per_round * 2, "round trip") as advance:
                        result.roundtrip = await run_roundtrip(
                            deployment, cfg.rounds, cfg.per_round, advance
                        )
            for index, n in enumerate(cfg.ladder):
                async with deploy_bench(
                    env.client,
                    upstream,
                    work / f"rung-{n}",
                    manifest,
                    cfg.slots,
                    n,
                    cfg.ready_timeout,
                ) as deployment:
                    with _bar(n, f"ladder N={n}") as advance:
                        rung: Rung = await run_rung(
                            deployment,
                            n,
                            cfg.slots,
                            cfg.hold,
                            cfg.rung_timeout,
                            cfg.history_sample,
                            advance,
                        )
                result.ladder.append(rung)
                why = rung.saturated(cfg.saturation)
                if why and index + 1 < len(cfg.ladder):
                    result.ladder_stopped = (
                        f"N={n} saturated ({why}); N={','.join(map(str, cfg.ladder[index + 1 :]))} "
                        "not run"
                    )
                    break
    except Exception as err:
        logging.getLogger(__name__).exception("the bench failed")
        result.error = f"{type(err).__name__}: {err}"
    except asyncio.CancelledError:
        # SIGINT or SIGTERM: the IUT was stopped on the way out; what was measured is kept.
        result.error = "interrupted by a signal before the end"
    result.seconds = time.perf_counter() - began
    result.load_end = load_average()
    return result


async def _interruptible(run: Coroutine[Any, Any, BenchResult]) -> BenchResult:
    """``run`` as a task that SIGTERM cancels as asyncio.run lets SIGINT do: the bench then
    stops the IUT and still writes what it measured."""
    task = asyncio.ensure_future(run)
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    return await task


def summary(result: BenchResult, paths: list[Path]) -> str:
    """The lines printed at the end: the round trip at p50, the legs, the ladder, lost."""
    load = f"{result.load_start[0]:.2f} → {result.load_end[0]:.2f}"
    lines = [
        f"bench: {result.iut} on {result.backend}, {result.machine['cpu_count']} CPUs, "
        f"1-min load {load}, {result.seconds:.0f} s"
    ]
    trip = result.roundtrip
    if trip is not None:
        kinds = kind_summary(trip)
        hand, plain = kinds["handshake"], kinds["plain"]
        lines.append(
            f"round trip p50 (p95): handshake {hand['end_to_end_ms'].p50:.0f} "
            f"({hand['end_to_end_ms'].p95:.0f}) ms, plain {plain['end_to_end_ms'].p50:.0f} "
            f"({plain['end_to_end_ms'].p95:.0f}) ms end to end; caller activity "
            f"{hand['activity_ms'].p50:.0f} vs {plain['activity_ms'].p50:.0f} ms, overhead "
            f"{hand['activity_ms'].p50 - plain['activity_ms'].p50:.0f} ms; driver start → "
            f"scheduled p50 {hand['driver_ms'].p50:.0f} ms"
        )
        legs = leg_summary(trip)
        lines.append("legs p50 (ms): " + ", ".join(f"{leg} {legs[leg].p50:.0f}" for leg in LEGS))
    for rung in result.ladder:
        ideal = rung.ideal_seconds
        lines.append(
            f"ladder N={rung.n}: {rung.wall_seconds:.1f} s (ideal {ideal:.1f} s), "
            f"{rung.throughput:.1f}/s, lost {len(rung.lost)}, unfinished {rung.unfinished}, "
            f"driver start → scheduled p50/p95 {rung.driver_ms.p50:.0f}/"
            f"{rung.driver_ms.p95:.0f} ms (its task queued {rung.driver_task_queued_ms.p50:.0f},"
            f" ran {rung.driver_task_ran_ms.p50:.0f} ms at p50), IUT memory "
            f"{rung.memory_per_handshake_kib:.1f} KiB per handshake"
        )
        cpu = ", ".join(f"{name} {p.cpu_seconds:.0f}" for name, p in rung.processes.items())
        lines.append(f"    CPU seconds during the rung: {cpu}")
    if result.ladder_stopped:
        lines.append(f"ladder stopped: {result.ladder_stopped}")
    lines.append(f"lost: {result.lost}")
    if result.error:
        lines.append(f"HARNESS ERROR: {result.error} (see {LOG_NAME})")
    lines.append("reports: " + ", ".join(str(p) for p in paths))
    return "\n".join(line.replace("nan", "—") for line in lines)


def run(args: argparse.Namespace) -> int:
    """The bench as ``args`` say; 0, 1 (a caller lost), 2 (usage), 3 (harness), 4 (manifest)."""
    cfg = options.from_args(args)
    if cfg.backend == "time-skipping":
        print(TIME_SKIPPING_REFUSED, file=sys.stderr)
        return 2
    manifest: Manifest | None = None
    if cfg.manifest is not None:
        try:
            manifest = load_manifest(cfg.manifest)
        except ManifestError as err:
            print(f"bench: {err}", file=sys.stderr)
            return 4
        missing = manifest.missing_tools()
        if missing:
            print(f"bench: {manifest.name} needs {', '.join(missing)} on PATH", file=sys.stderr)
            return 3
        if not cfg.skip_build:
            try:
                build(manifest)
            except Exception as err:
                print(f"bench: the build failed: {err}", file=sys.stderr)
                return 3
    _log_to(cfg.out / LOG_NAME)
    result = asyncio.run(_interruptible(bench(cfg, manifest)))
    paths = write_reports(result, cfg.out)
    paths.append(write_png(result, cfg.out))
    print(summary(result, paths))
    if result.error:
        return 3
    return 1 if result.lost else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m conformance.bench.cli``."""
    parser = argparse.ArgumentParser(prog="handshake-conformance bench", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
