"""A Temporal runtime whose SDK-core logs go through Python logging (and its redaction)."""

from __future__ import annotations

import logging
from functools import cache

from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)

CORE_LOGGER = "temporalio.core"


@cache
def forwarding_runtime(core_level: str = "INFO") -> Runtime:
    """One runtime per level whose core logs are records of the ``temporalio.core`` logger.

    By default the core prints to stdout, past Python logging and its token redaction.
    """
    return Runtime(
        telemetry=TelemetryConfig(
            logging=LoggingConfig(
                filter=TelemetryFilter(core_level=core_level, other_level="WARN"),
                forwarding=LogForwardingConfig(logger=logging.getLogger(CORE_LOGGER)),
            )
        )
    )
