"""The ``handshake-conformance`` command: ``run`` the suite, ``demo`` or ``serve`` the handshake."""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
from typing import TextIO

from conformance import interop, runner, soak
from conformance.bench import cli as bench
from fixtures.servers import Backend, server_binary, start_server
from reference_impl import demo, serve
from reference_impl.runtime import forwarding_runtime


def build_parser() -> argparse.ArgumentParser:
    """The command's parser: one subcommand each for ``run``, ``demo`` and ``serve``."""
    parser = argparse.ArgumentParser(
        prog="handshake-conformance",
        description="Reference implementation and conformance suite of the Temporal token "
        "handshake.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run",
        help="run the conformance suite and print its per-requirement report",
        description=runner.__doc__,
    )
    runner.add_arguments(run)
    demo_parser = commands.add_parser(
        "demo", help="run the success, failure and no-token handshakes on an embedded server"
    )
    demo_parser.add_argument(
        "--backend",
        choices=("time-skipping", "dev"),
        default="time-skipping",
        help="which embedded Temporal server to start (default: time-skipping)",
    )
    soak_parser = commands.add_parser(
        "soak",
        help="run the suite K times while CPU hogs keep the machine busy; failures per run",
        description=soak.__doc__,
    )
    soak.add_arguments(soak_parser)
    interop_parser = commands.add_parser(
        "interop",
        help="run the caller of each implementation against the callee of each other one",
        description=interop.__doc__,
    )
    interop.add_arguments(interop_parser)
    bench_parser = commands.add_parser(
        "bench",
        help="measure the handshake's round trip and its capacity ladder (reports, no verdict)",
        description=bench.__doc__,
    )
    bench.add_arguments(bench_parser)
    serve_parser = commands.add_parser(
        "serve",
        help="serve one role of the reference as an IUT process (docs/implementing.md)",
        description=serve.__doc__,
    )
    serve.add_arguments(serve_parser)
    return parser


async def run_demo(backend: Backend = "time-skipping", out: TextIO = sys.stdout) -> int:
    """Start an embedded ``backend`` server and narrate the reference's handshakes on it."""
    # Narration starts before the server so that its logging setup also quiets the start-up.
    with demo.narration(out):
        print(
            f"Temporal token handshake demo on the {backend} server ({server_binary(backend)})",
            file=out,
        )
        async with await start_server(backend, runtime=forwarding_runtime("WARN")) as env:
            status = await demo.run_demo(env.client, out)
    # gRPC aio objects left in reference cycles must go while the loop runs: collected at
    # interpreter exit instead, they can abort the process (as in reference_impl.serve).
    gc.collect()
    return status


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``handshake-conformance`` and ``python -m conformance.cli``."""
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return runner.run(args)
    if args.command == "demo":
        return asyncio.run(run_demo(args.backend))
    if args.command == "serve":
        return serve.run(args)
    if args.command == "soak":
        return soak.run(args)
    if args.command == "interop":
        return interop.run(args)
    if args.command == "bench":
        return bench.run(args)
    raise AssertionError(f"unhandled command {args.command}")


if __name__ == "__main__":
    sys.exit(main())
