"""Shared test fixtures."""

# Import our `custom_components` before the `hass` fixture runs, or PHACC's own
# testing `custom_components` package shadows it.
import custom_components  # noqa: F401

pytest_plugins = ["simulators.pytest_plugin"]
