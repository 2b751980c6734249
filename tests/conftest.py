"""Shared test fixtures."""

from collections.abc import Iterator
from unittest.mock import PropertyMock, patch

import pytest

# Import our `custom_components` before the `hass` fixture runs, or PHACC's own
# testing `custom_components` package shadows it.
import custom_components  # noqa: F401

pytest_plugins = ["simulators.pytest_plugin"]


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Enable every entity, also those disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield
