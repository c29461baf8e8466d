"""The driver in a process of its own: the bench's caller workflows and its plain activity.

Apart from the bench's process, which waits for thousands of results, serves the agent work
and may host the reference, the driver's workflow tasks get a CPU and an interpreter lock of
their own. Reaches Temporal as the ``TEMPORAL_*`` variables say; SIGTERM stops it, exit 0.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys

from conformance.bench.driver import driver_worker, plain_worker
from reference_impl.connection import client_connect_config, connect
from reference_impl.runtime import forwarding_runtime


async def serve(driver_queue: str, plain_queue: str) -> None:
    """Run the driver's and the plain activity's workers until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    client = await connect(client_connect_config(dict(os.environ)), forwarding_runtime("WARN"))
    async with driver_worker(client, driver_queue), plain_worker(client, plain_queue):
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m conformance.bench.driver_process DRIVER_QUEUE PLAIN_QUEUE``."""
    parser = argparse.ArgumentParser(prog="python -m conformance.bench.driver_process")
    parser.add_argument("driver_queue")
    parser.add_argument("plain_queue")
    args = parser.parse_args(argv)
    asyncio.run(serve(args.driver_queue, args.plain_queue))
    return 0


if __name__ == "__main__":
    sys.exit(main())
