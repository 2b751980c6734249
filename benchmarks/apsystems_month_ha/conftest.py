"""Fixtures of the `apsystems_month` benchmark's HA run, as `tests/conftest.py` sets them up.

Our `custom_components` must be imported before the `hass` fixture runs, or the
test plugin's own testing `custom_components` package shadows it.
"""

from __future__ import annotations

from typing import Any

import pytest

import custom_components  # noqa: F401

pytest_plugins = ["simulators.pytest_plugin"]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Any, enable_custom_integrations: None
) -> None:
    """Load our custom integrations, with a recorder for the statistics."""
