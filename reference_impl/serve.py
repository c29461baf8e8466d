"""``handshake-conformance serve callee|caller``: one role of the reference as an IUT process.

Configured by the environment of the IUT contract (docs/implementing.md); logs to stderr at
``HANDSHAKE_LOG_LEVEL`` with token redaction; SIGTERM (or SIGINT) stops it cleanly, exit 0.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Final, Literal, get_args

from temporalio.client import Client
from temporalio.envconfig import ClientConnectConfig

from reference_impl.app import DEFAULT_QUEUES, run_callee, run_caller
from reference_impl.callee.store import ExecutionStore
from reference_impl.connection import (
    DEFAULT_ADDRESS,
    DEFAULT_NAMESPACE,
    client_connect_config,
    connect,
)
from reference_impl.names import TaskQueues
from reference_impl.redaction import install_token_redaction
from reference_impl.runtime import forwarding_runtime

Role = Literal["callee", "caller"]
ROLES: Final[tuple[Role, ...]] = get_args(Role)

LOG_LEVELS: Final = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}
CORE_LEVELS: Final = {
    logging.DEBUG: "INFO",
    logging.INFO: "INFO",
    logging.WARNING: "WARN",
    logging.ERROR: "ERROR",
}
"""The SDK core's level per Python level: its DEBUG records (every poll) would drown the rest."""
LOG_FORMAT: Final = "%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServeConfig:
    """The contract's environment, as one process reads it."""

    temporal: ClientConnectConfig = field(
        default_factory=lambda: ClientConnectConfig(
            target_host=DEFAULT_ADDRESS, namespace=DEFAULT_NAMESPACE
        )
    )
    """How to reach Temporal: address, namespace, TLS, API key (reference_impl/connection.py)."""
    callee_listen: str = "127.0.0.1:0"
    callee_address: str = ""
    store_path: str = ":memory:"
    queues: TaskQueues = DEFAULT_QUEUES
    log_level: int = logging.INFO
    caller_max_activities: int | None = None
    """Activity executions the caller's worker runs at once; None: the SDK's default."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ServeConfig:
        """Read the variables of ``env``; unset or empty ones take their defaults; raises
        ValueError for a bad value (the Temporal configuration's included)."""

        def get(name: str, default: str) -> str:
            return env.get(name) or default

        level_name = get("HANDSHAKE_LOG_LEVEL", "info").lower()
        if level_name not in LOG_LEVELS:
            raise ValueError(
                f"HANDSHAKE_LOG_LEVEL={level_name!r}: expected one of debug, info, warn, error"
            )
        defaults = DEFAULT_QUEUES
        return cls(
            temporal=client_connect_config(env),
            callee_listen=get("HANDSHAKE_CALLEE_LISTEN", cls.callee_listen),
            callee_address=get("HANDSHAKE_CALLEE_ADDRESS", cls.callee_address),
            store_path=get("HANDSHAKE_STORE_PATH", cls.store_path),
            queues=TaskQueues(
                callee=get("HANDSHAKE_CALLEE_TASK_QUEUE", defaults.callee),
                agent_runner=get("HANDSHAKE_AGENT_RUNNER_TASK_QUEUE", defaults.agent_runner),
                workflow_runner=get(
                    "HANDSHAKE_WORKFLOW_RUNNER_TASK_QUEUE", defaults.workflow_runner
                ),
                caller=get("HANDSHAKE_CALLER_TASK_QUEUE", defaults.caller),
            ),
            log_level=LOG_LEVELS[level_name],
            caller_max_activities=_positive_or_none(env, "HANDSHAKE_CALLER_MAX_ACTIVITIES"),
        )


def _positive_or_none(env: Mapping[str, str], name: str) -> int | None:
    """The positive integer ``env[name]``; None when unset or empty; ValueError otherwise."""
    text = env.get(name) or ""
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{name}={text!r}: expected a positive integer")
    return int(text)


def configure_logging(level: int) -> None:
    """Log records of this process to stderr at ``level``, every one of them token-redacted."""
    install_token_redaction()
    logging.basicConfig(stream=sys.stderr, level=level, format=LOG_FORMAT, force=True)


@asynccontextmanager
async def _callee(client: Client, config: ServeConfig) -> AsyncIterator[None]:
    store = ExecutionStore(config.store_path)
    try:
        async with run_callee(client, store, config.queues, listen=config.callee_listen) as callee:
            log.info(
                "callee ready: listening on %s, store %s, task queues %s and %s",
                callee.address,
                config.store_path,
                config.queues.callee,
                config.queues.workflow_runner,
            )
            yield
    finally:
        store.close()


@asynccontextmanager
async def _caller(client: Client, config: ServeConfig) -> AsyncIterator[None]:
    if not config.callee_address:
        raise ValueError("HANDSHAKE_CALLEE_ADDRESS is not set: the caller needs the callee")
    async with run_caller(
        client, config.callee_address, config.queues, config.caller_max_activities
    ):
        log.info(
            "caller ready: task queue %s, callee at %s, max concurrent activities %s",
            config.queues.caller,
            config.callee_address,
            config.caller_max_activities or "(SDK default)",
        )
        yield


async def serve(role: Role, config: ServeConfig, stop: asyncio.Event) -> None:
    """Serve ``role`` until ``stop`` is set, then shut its workers and server down."""
    client = await connect(config.temporal, forwarding_runtime(CORE_LEVELS[config.log_level]))
    running: AbstractAsyncContextManager[None] = (
        _callee(client, config) if role == "callee" else _caller(client, config)
    )
    async with running:
        await stop.wait()
        log.info("%s stopping", role)
    log.info("%s stopped", role)


async def serve_until_signalled(role: Role, config: ServeConfig) -> None:
    """Serve ``role`` until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await serve(role, config, stop)
    # gRPC aio objects left in reference cycles must go while the loop runs: collected at
    # interpreter exit instead, they hang the process.
    gc.collect()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``serve`` arguments to ``parser``."""
    parser.add_argument("role", choices=ROLES, help="the role to serve")


def run(args: argparse.Namespace) -> int:
    """Serve the role ``args`` name, configured by the environment; the exit status."""
    try:
        config = ServeConfig.from_env(os.environ)
    except ValueError as err:
        print(f"handshake-conformance serve: {err}", file=sys.stderr)
        return 2
    configure_logging(config.log_level)
    try:
        asyncio.run(serve_until_signalled(args.role, config))
    except Exception:
        log.exception("%s failed", args.role)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m reference_impl.serve``."""
    parser = argparse.ArgumentParser(prog="python -m reference_impl.serve", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
