"""Signatures, App Ids, the monthly quota, the burst limit and response quirks."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from simulators import Fault, FaultKind
from simulators.apsystems import APP_ID, APP_SECRET, SID
from simulators.apsystems.testing import DataClock, sign, system_path
from simulators.homewizard.testing import FakeClock

from .conftest import StartCloud

DETAILS = system_path("details")


async def test_a_signed_call_succeeds(aps: StartCloud) -> None:
    client = await aps()
    answer = await client.get(DETAILS)
    assert (answer.status, answer.content_type, answer.code) == (
        200,
        "application/json",
        0,
    )
    assert answer.data["sid"] == SID


async def test_hmac_sha1_is_accepted_too(aps: StartCloud) -> None:
    client = await aps()
    assert (await client.get(DETAILS, method="HmacSHA1")).code == 0


async def test_https_with_the_vendor_host_in_the_certificate(aps: StartCloud) -> None:
    client = await aps(tls=True)
    assert client.sim.url.startswith("https://")
    assert (await client.get(DETAILS)).code == 0


@pytest.mark.parametrize(
    "signing",
    [
        pytest.param({"secret": "wrongSecret1"}, id="wrong-secret"),
        pytest.param(
            {"request_path": DETAILS.removeprefix("/")}, id="full-path-signed"
        ),
        pytest.param({"request_path": DETAILS}, id="full-path-with-slash"),
        pytest.param({"request_path": f"{SID}?energy_level=hourly"}, id="query"),
        pytest.param({"timestamp": str(int(time.time()))}, id="seconds"),
        pytest.param({"offset": -400.0}, id="clock-behind"),
        pytest.param({"offset": 400.0}, id="clock-ahead"),
        pytest.param({"method": "HmacMD5"}, id="unknown-method"),
        pytest.param({"nonce": ""}, id="no-nonce"),
        pytest.param({"timestamp": "17500000000OO"}, id="not-digits"),
    ],
)
async def test_signing_failures_answer_4000(
    aps: StartCloud, signing: dict[str, Any]
) -> None:
    client = await aps()
    signing = dict(signing)
    secret = signing.pop("secret", APP_SECRET)
    if "offset" in signing:
        signing["now"] = time.time() + signing.pop("offset")
    headers = sign(APP_ID, secret, DETAILS, **signing)
    answer = await client.get(DETAILS, headers=headers)
    assert (answer.status, answer.body) == (200, {"code": 4000, "data": None})


async def test_a_tampered_or_missing_signature_answers_4000(aps: StartCloud) -> None:
    client = await aps()
    headers = sign(APP_ID, APP_SECRET, DETAILS)
    signature = headers["X-CA-Signature"]
    first = "B" if signature.startswith("A") else "A"  # always a different signature
    tampered = headers | {"X-CA-Signature": first + signature[1:]}
    assert (await client.get(DETAILS, headers=tampered)).code == 4000
    missing = {"X-CA-AppId": APP_ID}
    assert (await client.get(DETAILS, headers=missing)).code == 4000
    foreign = headers | {"X-CA-Signature": "signé"}
    assert (await client.get(DETAILS, headers=foreign)).code == 4000


async def test_a_skew_within_the_limit_is_accepted(aps: StartCloud) -> None:
    client = await aps(max_skew=60.0)
    assert (await client.get(DETAILS, now=time.time() - 50)).code == 0
    assert (await client.get(DETAILS, now=time.time() - 70)).code == 4000


async def test_an_unknown_app_id_answers_2001_and_counts_for_nobody(
    aps: StartCloud,
) -> None:
    client = await aps()
    headers = sign("f" * 32, APP_SECRET, DETAILS)
    assert (await client.get(DETAILS, headers=headers)).code == 2001
    assert (await client.get(DETAILS, headers={})).code == 2001
    cloud = client.cloud
    assert cloud.book.months == {}
    assert [(app, path, code) for _, app, path, code in cloud.calls] == [
        ("f" * 32, DETAILS, 2001),
        ("", DETAILS, 2001),
    ]


async def test_other_credentials(aps: StartCloud) -> None:
    client = await aps(credentials={"a" * 32: "b" * 12})
    assert (await client.get(DETAILS)).code == 2001
    client.app_id, client.secret = "a" * 32, "b" * 12
    assert (await client.get(DETAILS)).code == 0


async def test_past_the_quota_answers_2005_and_failed_calls_count(
    aps: StartCloud,
) -> None:
    client = await aps(quota=3)
    assert (await client.get(DETAILS, now=time.time() - 600)).code == 4000
    assert (await client.get(DETAILS)).code == 0
    assert (await client.get(DETAILS)).code == 0
    assert (await client.get(DETAILS)).body == {"code": 2005, "data": None}
    assert (await client.get(DETAILS)).code == 2005
    assert client.cloud.calls_in_month(APP_ID, "2025-06") == 5
    assert [code for *_, code in client.cloud.calls] == [4000, 0, 0, 2005, 2005]


async def test_the_quota_resets_at_the_month_start_in_the_system_time_zone(
    aps: StartCloud, data_clock: DataClock
) -> None:
    data_clock.now = dt.datetime(2025, 6, 30, 22, 50, tzinfo=dt.UTC)  # 23:50 BST
    client = await aps(quota=2)
    for _ in range(2):
        assert (await client.get(DETAILS)).code == 0
    assert (await client.get(DETAILS)).code == 2005
    data_clock.advance(dt.timedelta(minutes=15))  # 00:05 BST on 1 July, June in UTC
    assert (await client.get(DETAILS)).code == 0
    cloud = client.cloud
    assert cloud.calls_in_month(APP_ID, "2025-06") == 3
    assert cloud.calls_in_month(APP_ID, "2025-07") == 1
    assert cloud.state()["calls"] == {APP_ID: {"2025-06": 3, "2025-07": 1}}


async def test_too_many_calls_at_once_answer_7002(aps: StartCloud) -> None:
    clock = FakeClock(time.time())
    client = await aps(signature_clock=clock, burst_limit=2, burst_window=1.0)
    codes = [(await client.get(DETAILS)).code for _ in range(3)]
    assert codes == [0, 0, 7002]
    clock.advance(0.5)
    assert (await client.get(DETAILS)).code == 7002
    clock.advance(1.0)
    assert (await client.get(DETAILS)).code == 0
    assert client.cloud.calls_in_month(APP_ID, "2025-06") == 5


async def test_every_nth_answer_is_octet_stream(aps: StartCloud) -> None:
    client = await aps(octet_stream_every=2)
    answers = [await client.get(DETAILS) for _ in range(4)]
    assert [a.content_type for a in answers] == [
        "application/json",
        "application/octet-stream",
    ] * 2
    assert all(a.code == 0 for a in answers)


async def test_faults_answer_the_vendor_envelope_and_still_count(
    aps: StartCloud,
) -> None:
    client = await aps()
    cloud = client.cloud
    cloud.set_fault(Fault(FaultKind.VENDOR_ERROR, count=1))
    answer = await client.get(DETAILS)
    assert answer.body == {"code": 5000, "data": None}
    cloud.set_fault(Fault(FaultKind.CONTENT_TYPE, count=1))
    answer = await client.get(DETAILS)
    assert (answer.content_type, answer.code) == ("application/octet-stream", 0)
    assert cloud.calls_in_month(APP_ID, "2025-06") == 2
    assert [code for *_, code in cloud.calls] == [-1, 0]


async def test_an_unknown_path_is_404_and_counts(aps: StartCloud) -> None:
    client = await aps()
    answer = await client.get(system_path("nothing"))
    assert answer.status == 404
    assert client.cloud.calls_in_month(APP_ID, "2025-06") == 1


async def test_state_route(aps: StartCloud) -> None:
    client = await aps(quota=5)
    await client.get(DETAILS)
    async with client.session.get(client.sim.url + "/_sim/state") as response:
        state = await response.json()
    assert state == {
        "sid": SID,
        "now": "2025-06-18T11:07:00+00:00",
        "published": "2025-06-18T11:00:00+00:00",
        "quota": 5,
        "calls": {APP_ID: {"2025-06": 1}},
        "requests": 1,
    }
