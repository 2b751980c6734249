"""Shared test fixtures."""

pytest_plugins = ["simulators.pytest_plugin"]
