"""The ``handshake-conformance`` command: ``run`` the suite, ``demo`` or ``serve`` the handshake."""

from __future__ import annotations

import argparse
import asyncio
import sys

from conformance import runner
from reference_impl import serve
from reference_impl.demo import run_demo


def build_parser() -> argparse.ArgumentParser:
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
    demo = commands.add_parser(
        "demo", help="run the success, failure and no-token handshakes on an embedded server"
    )
    demo.add_argument(
        "--backend",
        choices=("time-skipping", "dev"),
        default="time-skipping",
        help="which embedded Temporal server to start (default: time-skipping)",
    )
    serve_parser = commands.add_parser(
        "serve",
        help="serve one role of the reference as an IUT process (docs/implementing.md)",
        description=serve.__doc__,
    )
    serve.add_arguments(serve_parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return runner.run(args)
    if args.command == "demo":
        return asyncio.run(run_demo(args.backend))
    if args.command == "serve":
        return serve.run(args)
    raise AssertionError(f"unhandled command {args.command}")


if __name__ == "__main__":
    sys.exit(main())
