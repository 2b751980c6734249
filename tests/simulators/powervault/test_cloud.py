"""The cloud API over a real socket: key, account, units, rows, periods, overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from simulators import Fault, FaultKind
from simulators.powervault import ACCOUNT_ID, Period, PowervaultCloudSim
from simulators.powervault.clocks import iso_z
from simulators.powervault.rows import ROW_KEYS, dropped
from simulators.powervault.testing import DataClock

from .conftest import NOW, StartClient, utc

UNIT = "PV-1001"


async def test_api_key_is_checked(cloud: StartClient) -> None:
    client = await cloud()
    missing = await client.request("GET", "/customerAccount", api_key=None)
    wrong = await client.request("GET", "/customerAccount", api_key="nope")
    assert (missing.status, wrong.status) == (401, 401)
    assert wrong.body == {"message": "Unauthorized"}
    assert (await client.request("GET", "/_sim/state", api_key=None)).status == 200


async def test_account_and_units(cloud: StartClient) -> None:
    client = await cloud()
    account = await client.get("/customerAccount")
    assert account["customerAccount"]["id"] == ACCOUNT_ID
    units = (await client.get("/unit", customerAccountId=str(ACCOUNT_ID)))["units"]
    assert [(u["id"], u["model"]) for u in units] == [
        ("PV-1001", "P4"),
        ("PV-1002", "P5"),
    ]
    unit = (await client.get("/v4/unit/PV-1002"))["unit"]
    assert unit["epromId"] == "5.0.3"
    assert (await client.request("GET", "/unit/PV-9")).status == 404
    assert (await client.request("GET", "/unit/PV-9/data")).status == 404
    assert (
        await client.request("GET", "/unit", params={"customerAccountId": "9"})
    ).status == 404
    assert (await client.request("GET", "/unit")).status == 400


async def test_latest_row_is_blank_and_rows_publish_after_their_slot(
    cloud: StartClient, data_clock: DataClock
) -> None:
    client = await cloud(drop_every=0)
    model = client.device.models[UNIT]
    data_clock.now = utc(2025, 6, 18, 11, 12, 10)
    rows = (await client.get(f"/unit/{UNIT}/data"))["data"]
    assert len(rows) == 1
    assert rows[0]["time"] == "2025-06-18T11:10:00Z"
    assert set(rows[0]) == set(ROW_KEYS)
    assert all(rows[0][k] is None for k in ROW_KEYS if k != "time")
    # 11:05 ended at 11:10; it is blank until 15 s later, then complete.
    data_clock.now = utc(2025, 6, 18, 11, 10, 14)
    early = (await client.get(f"/unit/{UNIT}/data", period="past-hour"))["data"]
    assert early[-2]["time"] == "2025-06-18T11:05:00Z"
    assert early[-2]["instant_soc"] is None
    assert early[-3] == model.row(utc(2025, 6, 18, 11, 0))
    data_clock.now = utc(2025, 6, 18, 11, 10, 15)
    later = (await client.get(f"/unit/{UNIT}/data", period="past-hour"))["data"]
    assert later[-2] == model.row(utc(2025, 6, 18, 11, 5))
    assert later[-1]["time"] == "2025-06-18T11:10:00Z"
    assert later[-1]["instant_soc"] is None


async def test_periods_and_dropped_rows(cloud: StartClient) -> None:
    client = await cloud(drop_every=0)
    past_hour = (await client.get(f"/unit/{UNIT}/data", period="past-hour"))["data"]
    assert [r["time"] for r in past_hour] == [
        f"2025-06-18T{h:02d}:{m:02d}:00Z"
        for h, m in [(10, m) for m in range(5, 60, 5)] + [(11, 0), (11, 5)]
    ]
    assert past_hour[-1]["instant_soc"] is None  # the row in progress
    model = client.device.models[UNIT]
    assert past_hour[2] == model.row(utc(2025, 6, 18, 10, 15))
    lengths = {
        p: len((await client.get(f"/unit/{UNIT}/data", period=p))["data"])
        for p in Period
    }
    assert lengths == {
        "today": 146,  # since 23:00 UTC (midnight BST) up to 11:05, in progress
        "yesterday": 288,
        "past-hour": 13,
        "last-hour": 12,
        "past-day": 289,
        "last-day": 288,
        "past-week": 7 * 288 + 1,
        "last-week": 7 * 288,
        "past-month": 30 * 288 + 1,
        "last-month": 31 * 288,
    }
    today = (await client.get(f"/unit/{UNIT}/data", period="today"))["data"]
    assert today[0]["time"] == "2025-06-17T23:00:00Z"
    assert today[-2]["time"] == "2025-06-18T11:00:00Z"
    assert today[-1]["time"] == "2025-06-18T11:05:00Z"
    mwh = sum(r["solarGenerated"] for r in today[:-1]) * 5 / 60 / 1e6
    assert mwh == pytest.approx(
        model.energy_kwh("solar", utc(2025, 6, 17, 23), utc(2025, 6, 18, 11, 5)),
        abs=1e-5,
    )
    assert (
        await client.request("GET", f"/unit/{UNIT}/data", params={"period": "x"})
    ).status == 400


async def test_history_drops_every_nth_row(cloud: StartClient) -> None:
    client = await cloud(drop_every=5)
    rows = (await client.get(f"/unit/{UNIT}/data", period="past-day"))["data"][:-1]
    assert len(rows) == 288 - 288 // 5
    times = {r["time"] for r in rows}
    slots = [utc(2025, 6, 18, 10, m) for m in range(0, 30, 5)]
    gone = [s for s in slots if dropped(s, 5)]
    assert len(gone) == 1
    assert iso_z(gone[0]) not in times
    assert all(iso_z(s) in times for s in slots if s not in gone)
    default = await cloud()
    assert isinstance(default.device, PowervaultCloudSim)
    assert default.device.drop_every == 17
    rows = (await default.get(f"/unit/{UNIT}/data", period="past-day"))["data"][:-1]
    assert len(rows) in {288 - 288 // 17, 288 - 288 // 17 - 1}


async def test_last_week_and_month_are_london_calendar(cloud: StartClient) -> None:
    client = await cloud(drop_every=0)
    week = (await client.get(f"/unit/{UNIT}/data", period="last-week"))["data"]
    assert week[0]["time"] == "2025-06-08T23:00:00Z"  # Monday 9 June, BST
    month = (await client.get(f"/unit/{UNIT}/data", period="last-month"))["data"]
    assert (month[0]["time"], month[-1]["time"]) == (
        "2025-04-30T23:00:00Z",
        "2025-05-31T22:55:00Z",
    )


async def test_schedule_and_overrides(
    cloud: StartClient, data_clock: DataClock
) -> None:
    client = await cloud()
    schedule = (await client.get(f"/unit/{UNIT}/schedule"))["schedule"]
    assert schedule["monday"][1] == {
        "start": "00:30:00",
        "end": "04:29:59",
        "state": "force-charge",
    }
    assert (await client.get(f"/unit/{UNIT}/stateOverride")) == {"stateOverrides": []}
    body = {
        "stateOverrides": [
            {
                "start": "2025-06-18 11:07:00",
                "end": "2025-06-19 11:07:00",
                "state": "force-discharge",
            }
        ]
    }
    answer = await client.post(f"/unit/{UNIT}/stateOverride", body)
    assert answer == {**body, "message": "success"}
    assert await client.get(f"/unit/{UNIT}/stateOverride") == body
    model = client.device.models[UNIT]
    before = model.soc_pct(NOW)
    data_clock.advance(dt.timedelta(minutes=20))
    assert model.soc_pct(data_clock.now) < before
    state = (await client.get("/_sim/state"))["units"][UNIT]
    assert (state["state"], state["source"]) == ("force-discharge", "override")
    assert (await client.get("/_sim/state"))["units"]["PV-1002"]["source"] == "schedule"
    # a zero-length "normal" override cancels: the schedule applies again
    now = "2025-06-18 11:27:00"
    cancel = {"stateOverrides": [{"start": now, "end": now, "state": "normal"}]}
    await client.post(f"/unit/{UNIT}/stateOverride", cancel)
    assert (await client.get(f"/unit/{UNIT}/stateOverride")) == cancel
    assert model.effective_state(data_clock.now) == ("normal", "schedule")


@pytest.mark.parametrize(
    "body",
    [
        {
            "stateOverrides": [
                {
                    "start": "2025-06-18 11:07:00",
                    "end": "2025-06-18 12:00:00",
                    "state": "boost",
                }
            ]
        },
        {
            "stateOverrides": [
                {
                    "start": "2025-06-18 11:07:00",
                    "end": "2025-06-18 10:00:00",
                    "state": "normal",
                }
            ]
        },
        {
            "stateOverrides": [
                {"start": "soon", "end": "2025-06-18 10:00:00", "state": "normal"}
            ]
        },
        {"stateOverrides": ["normal"]},
        {"stateOverrides": "normal"},
        ["normal"],
    ],
)
async def test_invalid_overrides_are_rejected(cloud: StartClient, body: object) -> None:
    client = await cloud()
    result = await client.request("POST", f"/unit/{UNIT}/stateOverride", body=body)
    assert result.status == 400
    assert "message" in result.body


async def test_body_must_be_json(cloud: StartClient) -> None:
    client = await cloud()
    async with client.session.post(
        client.sim.url + f"/unit/{UNIT}/stateOverride",
        data="{",
        headers={"x-api-key": client.api_key or ""},
    ) as response:
        assert response.status == 400


async def test_override_times_accept_iso(cloud: StartClient) -> None:
    client = await cloud()
    body = {
        "stateOverrides": [
            {
                "start": "2025-06-18T11:07:00Z",
                "end": "2025-06-18T12:07:00+00:00",
                "state": "disable",
            }
        ]
    }
    answer = await client.post(f"/unit/{UNIT}/stateOverride", body)
    assert answer["stateOverrides"][0]["end"] == "2025-06-18 12:07:00"


async def test_vendor_error_fault(cloud: StartClient) -> None:
    client = await cloud()
    client.device.set_fault(Fault(FaultKind.VENDOR_ERROR, status=500, count=1))
    result = await client.request("GET", "/customerAccount")
    assert (result.status, result.body) == (500, {"message": "Internal server error"})
    assert (await client.request("GET", "/customerAccount")).status == 200


async def test_a_day_of_polls_sees_each_row_once_published(
    cloud: StartClient, data_clock: DataClock
) -> None:
    client = await cloud()
    data_clock.now = utc(2025, 6, 18, 0, 0, 30)
    socs = []
    for _ in range(288):
        data_clock.advance(dt.timedelta(minutes=5))
        latest = (await client.get(f"/unit/{UNIT}/data"))["data"][0]
        assert latest["instant_soc"] is None
        today = (await client.get(f"/unit/{UNIT}/data", period="today"))["data"]
        assert today[-1]["instant_soc"] is None  # the row in progress
        # at London midnight "today" has no complete row yet
        if data_clock.now == utc(2025, 6, 18, 23, 0, 30):
            assert len(today) == 1
        else:
            socs.append(today[-2]["instant_soc"])
    assert len(socs) == 287
    assert all(soc is not None for soc in socs)
