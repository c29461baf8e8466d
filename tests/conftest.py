"""Fixtures shared by the tests' modules: the proxy harness's server, proxy and harness."""

from __future__ import annotations

# Defined with the rest of the harness; pytest finds fixtures shared by several modules here.
from tests.proxy_harness import harness, proxy, server

__all__ = ["harness", "proxy", "server"]
