"""Root conftest: enables the handshake harness plugin for tests/ and conformance/."""

pytest_plugins = ["fixtures.plugin"]
