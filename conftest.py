"""Root conftest: the harness, the requirement plugin, and pytester for the suite's own tests."""

pytest_plugins = ["fixtures.plugin", "conformance.plugin", "pytester"]
