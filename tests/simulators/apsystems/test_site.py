"""Meter and storage: present, absent, and their energy balance."""

from __future__ import annotations

import datetime as dt

from simulators.apsystems import INSTALLER_PREFIX, EcuConfig, SystemConfig
from simulators.apsystems.config import ECU_ID, STORAGE_EID
from simulators.apsystems.testing import DataClock, device_path, system_path

from .conftest import StartCloud, wh

METER_TERMS = {"consumed", "exported", "imported", "produced"}
STORAGE_TERMS = {"discharge", "charge", "produced", "consumed", "exported", "imported"}


def balance(terms: dict[str, str]) -> int:
    """Return produced + imported + discharge - consumed - exported - charge (Wh)."""
    value = {name: wh(kwh) for name, kwh in terms.items()}
    return (
        value["produced"]
        + value["imported"]
        + value.get("discharge", 0)
        - value["consumed"]
        - value["exported"]
        - value.get("charge", 0)
    )


async def test_without_meter_or_storage(aps: StartCloud) -> None:
    client = await aps()
    assert await client.data(system_path("meters")) == []
    for kind, endpoint in [
        ("meter", "summary"),
        ("meter", "period"),
        ("storage", "latest"),
        ("storage", "summary"),
        ("storage", "period"),
    ]:
        # An ECU of the system without that device: no data; no such ECU: invalid.
        answer = await client.get(device_path(kind, endpoint, ECU_ID))
        assert answer.body == {"code": 1001, "data": None}, kind
        assert (await client.get(device_path(kind, endpoint, "999"))).code == 4001


async def test_meter(aps: StartCloud) -> None:
    client = await aps(SystemConfig(meter=True))
    assert await client.data(system_path("meters")) == [ECU_ID]
    (ecu,) = await client.data(system_path("inverters"))
    assert ecu["type"] == 1
    summary = await client.data(device_path("meter", "summary", ECU_ID))
    system = await client.data(system_path("summary"))
    assert set(summary) == {"today", "month", "year", "lifetime"}
    for part in summary.values():
        assert set(part) == METER_TERMS
        assert balance(part) == 0
    assert summary["today"]["produced"] == system["today"]
    assert summary["month"]["produced"] == system["month"]
    assert wh(summary["lifetime"]["produced"]) == wh(system["lifetime"]) - 1_234_500
    period = device_path("meter", "period", ECU_ID)
    hourly = await client.data(period, energy_level="hourly", date_range="2025-06-17")
    assert hourly["time"] == [f"{h:02d}" for h in range(24)]
    assert set(hourly) == {"time"} | METER_TERMS
    daily = await client.data(period, energy_level="daily", date_range="2025-06")
    assert daily["time"][-1] == "30"
    assert sum(wh(v) for v in hourly["consumed"]) == wh(daily["consumed"][16])
    yearly = await client.data(period, energy_level="yearly")
    assert yearly["time"] == ["2024", "2025"]
    monthly = await client.data(period, energy_level="monthly")
    assert monthly["time"][0] == "01"
    today = await client.data(period, energy_level="hourly")
    assert today["consumed"][12] == "0"
    minutely = await client.data(period, energy_level="minutely")
    assert set(minutely) == {"today", "time", "power", "energy"}
    assert minutely["today"] == summary["today"]
    assert minutely["time"][0] == "00:05"  # the meter reports all day
    assert minutely["time"][-1] == "12:00"
    assert set(minutely["power"]) == {"consumed", "imported_exported", "produced"}
    energy = minutely["energy"]
    for index, net in enumerate(minutely["power"]["imported_exported"]):
        assert (
            net == (wh(energy["imported"][index]) - wh(energy["exported"][index])) * 12
        )
    assert sum(wh(v) for v in energy["consumed"]) == wh(summary["today"]["consumed"])


async def test_storage(aps: StartCloud, data_clock: DataClock) -> None:
    client = await aps(SystemConfig(storage=True))
    details = await client.data(system_path("details"))
    assert (details["type"], details["ecu"]) == (3, [ECU_ID, STORAGE_EID])
    ecus = await client.data(system_path("inverters"))
    assert ecus[1] == {
        "eid": STORAGE_EID,
        "type": 2,
        "timezone": "Europe/London",
        "inverter": [],
        "model": "ELT-12",
        "capacity": "10.00",
    }
    latest = await client.data(device_path("storage", "latest", STORAGE_EID))
    assert set(latest) == {"mode", "soc", "time"} | STORAGE_TERMS
    assert latest["time"] == "12:00"
    assert 10 <= int(latest["soc"]) <= 100
    summary = await client.data(device_path("storage", "summary", STORAGE_EID))
    for part in summary.values():
        assert set(part) == STORAGE_TERMS
        assert balance(part) == 0
    assert wh(summary["today"]["charge"]) > 0
    period = device_path("storage", "period", STORAGE_EID)
    minutely = await client.data(period, energy_level="minutely")
    assert set(minutely["power"]) == STORAGE_TERMS
    assert minutely["today"] == summary["today"]
    hourly = await client.data(period, energy_level="hourly", date_range="2025-06-17")
    assert sum(wh(v) for v in hourly["discharge"]) > 0
    data_clock.now = dt.datetime(2025, 6, 17, 23, 10, tzinfo=dt.UTC)  # 00:10 BST
    latest = await client.data(device_path("storage", "latest", STORAGE_EID))
    assert latest["time"] == "00:00"
    assert (await client.get(period, {"energy_level": "minutely"})).code == 1001


async def test_storage_on_an_ecu_of_type_2_and_under_the_installer_prefix(
    aps: StartCloud,
) -> None:
    system = SystemConfig(storage=True)
    system.ecus.append(EcuConfig("215000000009", [], ecu_type=2))
    client = await aps(system, storage_prefix=INSTALLER_PREFIX)
    path = device_path("storage", "summary", "215000000009", prefix=INSTALLER_PREFIX)
    assert (await client.get(path)).code == 0
    user = device_path("storage", "summary", "215000000009")
    assert (await client.get(user)).status == 404
    latest = device_path("storage", "latest", "215000000009", prefix=INSTALLER_PREFIX)
    assert (await client.get(latest)).code == 0


async def test_meter_on_an_ecu_of_type_1(aps: StartCloud) -> None:
    system = SystemConfig(meter=True)
    system.ecus.append(EcuConfig("215000000008", [], ecu_type=1))
    client = await aps(system)
    assert await client.data(system_path("meters")) == ["215000000008"]


async def test_storage_latest_before_the_system_existed(
    aps: StartCloud, data_clock: DataClock
) -> None:
    data_clock.now = dt.datetime(2024, 4, 30, 23, 5, tzinfo=dt.UTC)  # 00:05 on 1 May
    client = await aps(SystemConfig(storage=True))
    latest = await client.get(device_path("storage", "latest", STORAGE_EID))
    assert latest.code == 1001
