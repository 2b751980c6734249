"""Fault injection over real sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator
import json
from typing import Any

import aiohttp
import pytest

from simulators import DemoMeter, Fault, FaultKind, RunningSimulator
from simulators.faults import DEFAULT_HUGE_SIZE
from simulators.pytest_plugin import StartSimulator

READING = "/api/reading"


@pytest.fixture(name="session")
async def fixture_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def fetch(
    session: aiohttp.ClientSession, sim: RunningSimulator[Any], path: str = READING
) -> tuple[int, str, bytes]:
    async with session.get(sim.url + path) as response:
        return response.status, response.content_type, await response.read()


def inject(sim: RunningSimulator[Any], fault: Fault) -> None:
    sim.device.set_fault(fault)


async def test_status_fault(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    inject(demo_meter, Fault(FaultKind.STATUS))
    status, content_type, body = await fetch(session, demo_meter)
    assert (status, content_type) == (500, "application/json")
    assert json.loads(body) == {"error": "simulated fault"}

    inject(demo_meter, Fault(FaultKind.STATUS, status=502, body={"x": 1}))
    status, _, body = await fetch(session, demo_meter)
    assert (status, json.loads(body)) == (502, {"x": 1})


async def test_hang_times_out_client(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    inject(demo_meter, Fault(FaultKind.HANG, delay=2))
    with pytest.raises(TimeoutError):
        await session.get(
            demo_meter.url + READING, timeout=aiohttp.ClientTimeout(total=0.2)
        )


async def test_short_hang_answers_normally(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    inject(demo_meter, Fault(FaultKind.HANG, delay=0.05))
    status, _, body = await fetch(session, demo_meter)
    assert status == 200
    assert "power_w" in json.loads(body)


async def test_malformed_json(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    inject(demo_meter, Fault(FaultKind.MALFORMED))
    async with session.get(demo_meter.url + READING) as response:
        assert response.status == 200
        assert response.content_type == "application/json"
        with pytest.raises(json.JSONDecodeError):
            await response.json()


async def test_truncated_body(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    inject(demo_meter, Fault(FaultKind.TRUNCATED))
    async with session.get(demo_meter.url + READING) as response:
        assert response.status == 200
        with pytest.raises(aiohttp.ClientPayloadError):
            await response.read()


async def test_html_page(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    inject(demo_meter, Fault(FaultKind.HTML))
    status, content_type, body = await fetch(session, demo_meter)
    assert (status, content_type) == (200, "text/html")
    assert body.startswith(b"<html>")


async def test_empty_body(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    inject(demo_meter, Fault(FaultKind.EMPTY))
    assert await fetch(session, demo_meter) == (200, "application/json", b"")


async def test_huge_body(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    inject(demo_meter, Fault(FaultKind.HUGE))
    status, _, body = await fetch(session, demo_meter)
    assert status == 200
    assert len(body) == DEFAULT_HUGE_SIZE
    assert isinstance(json.loads(body), list)

    inject(demo_meter, Fault(FaultKind.HUGE, size=1000))
    _, _, body = await fetch(session, demo_meter)
    assert len(body) == 1000


async def test_wrong_content_type(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    inject(demo_meter, Fault(FaultKind.CONTENT_TYPE))
    async with session.get(demo_meter.url + READING) as response:
        assert response.content_type == "application/octet-stream"
        with pytest.raises(aiohttp.ContentTypeError):
            await response.json()
        assert "power_w" in json.loads(await response.read())


class VendorMeter(DemoMeter):
    """Demo meter with its own error shape."""

    def vendor_error_body(self) -> dict[str, Any]:
        """Return a list-shaped error."""
        return {"errors": ["nope"]}


async def test_vendor_error(
    simulator: StartSimulator, session: aiohttp.ClientSession
) -> None:
    demo = await simulator(DemoMeter())
    inject(demo, Fault(FaultKind.VENDOR_ERROR))
    status, _, body = await fetch(session, demo)
    assert (status, json.loads(body)) == (200, demo.device.vendor_error_body())

    vendor = await simulator(VendorMeter())
    inject(vendor, Fault(FaultKind.VENDOR_ERROR, status=400))
    status, _, body = await fetch(session, vendor)
    assert (status, json.loads(body)) == (400, {"errors": ["nope"]})


async def test_drop_disconnects(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    inject(demo_meter, Fault(FaultKind.DROP))
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await fetch(session, demo_meter)


async def test_count_auto_clears(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    inject(demo_meter, Fault(FaultKind.STATUS, count=2))
    statuses = [(await fetch(session, demo_meter))[0] for _ in range(3)]
    assert statuses == [500, 500, 200]
    assert demo_meter.device.faults.fault is None


async def test_fault_stays_until_cleared(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    inject(demo_meter, Fault(FaultKind.STATUS))
    statuses = [(await fetch(session, demo_meter))[0] for _ in range(3)]
    assert statuses == [500, 500, 500]
    demo_meter.device.clear_fault()
    assert (await fetch(session, demo_meter))[0] == 200


async def test_path_prefix_filters(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    inject(demo_meter, Fault(FaultKind.STATUS, count=1, path_prefix="/api/flaky"))
    assert (await fetch(session, demo_meter, READING))[0] == 200
    assert (await fetch(session, demo_meter, "/api/flaky"))[0] == 500
    assert (await fetch(session, demo_meter, "/api/flaky"))[0] == 200


async def test_control_routes_are_never_faulted(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    inject(demo_meter, Fault(FaultKind.DROP))
    status, _, body = await fetch(session, demo_meter, "/_sim/state")
    assert status == 200
    assert "power_w" in json.loads(body)
    async with session.delete(demo_meter.url + "/_sim/fault") as response:
        assert await response.json() == {"ok": True}
    assert (await fetch(session, demo_meter))[0] == 200


async def test_control_endpoint_sets_fault(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    fault = {"kind": "status", "status": 503, "count": 1, "path": "/api/"}
    async with session.post(demo_meter.url + "/_sim/fault", json=fault) as response:
        assert (response.status, await response.json()) == (200, {"ok": True})
    assert demo_meter.device.faults.fault == Fault(
        FaultKind.STATUS, status=503, count=1, path_prefix="/api/"
    )
    assert (await fetch(session, demo_meter))[0] == 503
    assert (await fetch(session, demo_meter))[0] == 200


@pytest.mark.parametrize(
    "body",
    [
        b'{"kind": "bogus"}',
        b'{"status": 500}',
        b'["status"]',
        b'{"kind": "status", "count": "many"}',
        b"not json",
    ],
)
async def test_control_endpoint_rejects_bad_faults(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession, body: bytes
) -> None:
    async with session.post(demo_meter.url + "/_sim/fault", data=body) as response:
        assert response.status == 400
        assert (await response.json())["ok"] is False
    assert demo_meter.device.faults.fault is None


def test_fault_from_json() -> None:
    data = {
        "kind": "huge",
        "status": 201,
        "delay": 1,
        "count": 3,
        "path": "/x",
        "size": 10,
        "body": {"a": 1},
    }
    assert Fault.from_json(data) == Fault(
        FaultKind.HUGE,
        status=201,
        delay=1.0,
        count=3,
        path_prefix="/x",
        body={"a": 1},
        size=10,
    )
    assert Fault.from_json({"kind": "drop"}) == Fault(FaultKind.DROP)


async def test_requests_are_counted(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    inject(demo_meter, Fault(FaultKind.STATUS, count=1))
    await fetch(session, demo_meter)
    await fetch(session, demo_meter)
    await fetch(session, demo_meter, "/_sim/state")
    assert demo_meter.device.requests == {READING: 2}


def test_fault_validation() -> None:
    assert Fault("hang").kind is FaultKind.HANG  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="bogus"):
        Fault("bogus")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least 1"):
        Fault(FaultKind.STATUS, count=0)


async def test_empty_fault_bodies_are_kept(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    inject(demo_meter, Fault(FaultKind.STATUS, body={}))
    assert await fetch(session, demo_meter) == (500, "application/json", b"{}")
    inject(demo_meter, Fault(FaultKind.VENDOR_ERROR, body=[]))
    assert await fetch(session, demo_meter) == (200, "application/json", b"[]")
