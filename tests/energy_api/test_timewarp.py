"""The demonstration clock: warped and real times map both ways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from energy_api.timewarp import TimeWarp

EPOCH = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
START = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def test_maps_both_ways() -> None:
    warp = TimeWarp(EPOCH, START, 20)
    assert warp.warped(EPOCH) == START
    assert warp.warped(EPOCH + timedelta(seconds=45)) == START + timedelta(minutes=15)
    assert warp.real(START + timedelta(hours=1)) == EPOCH + timedelta(minutes=3)


def test_text_round_trip() -> None:
    warp = TimeWarp(EPOCH, START, 20)
    assert TimeWarp.parse(str(warp)) == warp


@pytest.mark.parametrize("text", ["", "1,2", "a,b,c", "1,2,0", "1,2,-3"])
def test_rejects_bad_text(text: str) -> None:
    with pytest.raises(ValueError, match=r"EPOCH|speed"):
        TimeWarp.parse(text)
