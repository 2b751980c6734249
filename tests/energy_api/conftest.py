"""Fixtures shared by the API module's tests."""

from collections.abc import AsyncIterator

import aiohttp
import pytest


@pytest.fixture(name="session")
async def fixture_session() -> AsyncIterator[aiohttp.ClientSession]:
    """Return an aiohttp session, closed when the test ends."""
    async with aiohttp.ClientSession() as session:
        yield session
