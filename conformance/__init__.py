"""Conformance suite of the Temporal token handshake: requirement catalogue, pytest plugin, runner.

Run it with ``handshake-conformance run`` or ``python -m pytest -p conformance.plugin``.
"""
