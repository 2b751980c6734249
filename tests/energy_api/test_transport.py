"""JSON transport against the demo simulator, over real sockets."""

import logging
import socket
import ssl
from typing import Any

import aiohttp
import pytest

from energy_api.errors import (
    ApiTimeoutError,
    AuthenticationError,
    CannotConnectError,
    CertificateError,
    EnergyApiError,
    InvalidResponseError,
    RateLimitedError,
    VendorApiError,
)
from energy_api.redact import REDACTED, TRUNCATED
from energy_api.transport import (
    NO_RETRY,
    JsonTransport,
    RetryPolicy,
    certificate_reason,
    decode_json,
    error_reason,
)
from simulators import DemoMeter, Fault, FaultKind, RunningSimulator, SimulatedDevice
from simulators.pytest_plugin import StartSimulator
from simulators.tls import TestCA

FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)
DEEP = 5000  # JSON decodes this deep, but Python code recursing on it would not


class RawDevice(SimulatedDevice):
    """Answers `GET /raw` with whatever status and bytes the test sets."""

    def __init__(self) -> None:
        super().__init__()
        self.status = 200
        self.body = b"{}"

    def routes(self) -> list[aiohttp.web.RouteDef]:
        async def raw(request: aiohttp.web.Request) -> aiohttp.web.Response:
            return aiohttp.web.Response(
                status=self.status, body=self.body, content_type="application/json"
            )

        return [aiohttp.web.get("/raw", raw)]


def transport(
    session: aiohttp.ClientSession, sim: RunningSimulator[Any], **kwargs: Any
) -> JsonTransport:
    kwargs.setdefault("retry", FAST_RETRY)
    return JsonTransport(session, sim.url, **kwargs)


async def test_reads_json(
    session: aiohttp.ClientSession, demo_meter: RunningSimulator[DemoMeter]
) -> None:
    data = await transport(session, demo_meter).request("GET", "/api/reading")
    assert set(data) == {"power_w", "energy_import_kwh", "energy_export_kwh"}
    echoed = await transport(session, demo_meter).request(
        "POST", "api/echo", json_body={"a": [1, None]}
    )
    assert echoed == {"a": [1, None]}


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault(FaultKind.MALFORMED), InvalidResponseError),
        (Fault(FaultKind.TRUNCATED), InvalidResponseError),
        (Fault(FaultKind.HTML), InvalidResponseError),
        (Fault(FaultKind.EMPTY), InvalidResponseError),
        (Fault(FaultKind.HUGE), InvalidResponseError),
        (Fault(FaultKind.DROP), CannotConnectError),
        (Fault(FaultKind.STATUS, status=500), CannotConnectError),
        (Fault(FaultKind.STATUS, status=401), AuthenticationError),
        (Fault(FaultKind.STATUS, status=403), AuthenticationError),
        (Fault(FaultKind.STATUS, status=404), VendorApiError),
        (Fault(FaultKind.STATUS, status=429), RateLimitedError),
        (Fault(FaultKind.HANG, delay=2), ApiTimeoutError),
    ],
)
async def test_every_bad_response_is_a_typed_error(
    session: aiohttp.ClientSession,
    demo_meter: RunningSimulator[DemoMeter],
    fault: Fault,
    error: type[EnergyApiError],
) -> None:
    demo_meter.device.set_fault(fault)
    client = transport(session, demo_meter, timeout=0.3)
    with pytest.raises(error) as info:
        await client.request("GET", "/api/reading")
    assert type(info.value) is error


async def test_json_with_wrong_content_type_is_accepted(
    session: aiohttp.ClientSession, demo_meter: RunningSimulator[DemoMeter]
) -> None:
    demo_meter.device.set_fault(Fault(FaultKind.CONTENT_TYPE))
    data = await transport(session, demo_meter).request("GET", "/api/reading")
    assert "power_w" in data


async def test_vendor_error_mapper(
    session: aiohttp.ClientSession, demo_meter: RunningSimulator[DemoMeter]
) -> None:
    def mapper(status: int, body: Any) -> EnergyApiError | None:
        if isinstance(body, dict) and isinstance(error := body.get("error"), dict):
            return VendorApiError(error["code"], error["message"])
        return None

    client = transport(session, demo_meter, error_mapper=mapper)
    demo_meter.device.set_fault(Fault(FaultKind.VENDOR_ERROR, count=1))
    with pytest.raises(VendorApiError) as info:
        await client.request("GET", "/api/reading")
    assert info.value.code == "SIM_ERROR"
    assert info.value.message == "simulated vendor error"
    demo_meter.device.set_fault(Fault(FaultKind.VENDOR_ERROR, status=400, count=1))
    with pytest.raises(VendorApiError, match="SIM_ERROR"):
        await client.request("GET", "/api/reading")
    # An HTML error page falls back to the status mapping.
    demo_meter.device.set_fault(Fault(FaultKind.STATUS, status=418, body=None, count=1))
    with pytest.raises(VendorApiError, match="418"):
        await client.request("GET", "/api/reading")
    assert "power_w" in await client.request("GET", "/api/reading")


async def test_reads_are_retried_writes_are_not(
    session: aiohttp.ClientSession, demo_meter: RunningSimulator[DemoMeter]
) -> None:
    client = transport(session, demo_meter)
    demo_meter.device.flaky_failures = 2
    assert await client.request("GET", "/api/flaky") is not None
    assert demo_meter.device.requests["/api/flaky"] == 3
    demo_meter.device.flaky_failures = 5
    with pytest.raises(CannotConnectError):
        await client.request("GET", "/api/flaky")
    assert demo_meter.device.requests["/api/flaky"] == 6
    demo_meter.device.set_fault(Fault(FaultKind.STATUS, status=503, count=1))
    with pytest.raises(CannotConnectError):
        await client.request("POST", "/api/echo", json_body={})
    assert await client.request("POST", "/api/echo", json_body={"ok": 1}) == {"ok": 1}


async def test_rate_limit_retry_after(
    session: aiohttp.ClientSession, demo_meter: RunningSimulator[DemoMeter]
) -> None:
    client = transport(session, demo_meter)
    demo_meter.device.limited_failures = 1
    assert await client.request("GET", "/api/limited") is not None
    assert demo_meter.device.requests["/api/limited"] == 2
    # Without Retry-After, or with a long one, the caller decides.
    demo_meter.device.set_fault(Fault(FaultKind.STATUS, status=429, count=1))
    with pytest.raises(RateLimitedError) as info:
        await client.request("GET", "/api/reading")
    assert info.value.retry_after is None


async def test_timeouts_are_not_retried(
    session: aiohttp.ClientSession, demo_meter: RunningSimulator[DemoMeter]
) -> None:
    demo_meter.device.set_fault(Fault(FaultKind.HANG, delay=2))
    with pytest.raises(ApiTimeoutError):
        await transport(session, demo_meter, timeout=0.2).request("GET", "/api/reading")
    assert demo_meter.device.requests["/api/reading"] == 1


async def test_connection_refused(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = JsonTransport(session, f"http://127.0.0.1:{port}", retry=NO_RETRY)
    with pytest.raises(CannotConnectError):
        await client.request("GET", "/api")


async def test_https_is_verified_against_the_given_ca(
    session: aiohttp.ClientSession, simulator: StartSimulator, test_ca: TestCA
) -> None:
    sim = await simulator(DemoMeter(), tls=True)
    assert sim.url.startswith("https://")
    trusted = transport(session, sim, ssl_context=test_ca.client_context())
    assert "power_w" in await trusted.request("GET", "/api/reading")
    untrusted = transport(session, sim, retry=NO_RETRY)
    with pytest.raises(CannotConnectError):
        await untrusted.request("GET", "/api/reading")


async def test_no_secret_in_debug_logs(
    session: aiohttp.ClientSession,
    demo_meter: RunningSimulator[DemoMeter],
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = demo_meter.device.token
    client = transport(
        session,
        demo_meter,
        headers={"Authorization": f"Bearer {token}"},
        secrets=lambda: [token],
    )
    caplog.set_level(logging.DEBUG, logger="energy_api")
    assert (
        await client.request("GET", "/api/secure", params={"token": token}) is not None
    )
    await client.request(
        "POST", "/api/echo", json_body={"token": token, "note": f"x{token}x"}
    )
    demo_meter.device.set_fault(Fault(FaultKind.MALFORMED, count=1))
    with pytest.raises(InvalidResponseError):
        await client.request("GET", f"/api/reading?k={token}")
    assert "/api/secure" in caplog.text
    assert REDACTED in caplog.text
    assert token not in caplog.text
    bad = transport(
        session, demo_meter, headers={"Authorization": "Bearer wrong-token"}
    )
    with pytest.raises(AuthenticationError):
        await bad.request("GET", "/api/secure")


async def test_empty_body_allowed_when_not_expected(
    session: aiohttp.ClientSession, demo_meter: RunningSimulator[DemoMeter]
) -> None:
    demo_meter.device.set_fault(Fault(FaultKind.EMPTY, count=1))
    assert (
        await transport(session, demo_meter).request(
            "GET", "/api/reading", expect_body=False
        )
        is None
    )


def test_decode_json_and_retry_delays() -> None:
    assert decode_json(b' {"a": 1} ') == {"a": 1}
    assert decode_json(b"[]") == []
    with pytest.raises(InvalidResponseError, match="larger"):
        decode_json(b"[1, 2, 3]", max_body=4)
    with pytest.raises(InvalidResponseError, match="HTML"):
        decode_json(b"<!DOCTYPE html><p>")
    with pytest.raises(InvalidResponseError, match="deeply"):
        decode_json(b"[" * 100_000)
    assert all(
        0 <= RetryPolicy().delay(n) <= RetryPolicy().max_delay for n in range(1, 10)
    )


async def test_deeply_nested_json_is_a_typed_error(
    session: aiohttp.ClientSession,
    simulator: StartSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="energy_api")
    device = RawDevice()
    client = transport(session, await simulator(device), retry=NO_RETRY)
    for body in (b"[" * 100_000, b"[" * 100_000 + b"]" * 100_000):
        device.body = body
        with pytest.raises(InvalidResponseError, match="deeply"):
            await client.request("GET", "/raw")
    # Decodable, but deeper than logging recurses: the log truncates it.
    device.body = b"[" * DEEP + b"]" * DEEP
    assert isinstance(await client.request("GET", "/raw"), list)
    assert TRUNCATED in caplog.text
    device.status = 500
    with pytest.raises(CannotConnectError):
        await client.request("GET", "/raw")


async def test_error_text_is_kept_as_the_reason(
    session: aiohttp.ClientSession, simulator: StartSimulator
) -> None:
    device = RawDevice()
    seen: list[Any] = []

    def mapper(status: int, body: Any) -> EnergyApiError | None:
        seen.append(body)
        return None

    client = transport(
        session,
        await simulator(device),
        retry=NO_RETRY,
        error_mapper=mapper,
        secrets=lambda: ["s3cr3t"],
    )
    device.status, device.body = 503, b"telegram:no-telegram-received\r\n"
    with pytest.raises(CannotConnectError, match="503: telegram:no-telegram-received"):
        await client.request("GET", "/raw")
    device.status, device.body = 418, b"no coffee for s3cr3t"
    with pytest.raises(VendorApiError, match="HTTP 418: no coffee") as info:
        await client.request("GET", "/raw")
    assert "s3cr3t" not in str(info.value)
    device.status, device.body = 401, b"<html><p>Login</p></html>"
    with pytest.raises(AuthenticationError) as auth:
        await client.request("GET", "/raw")
    assert str(auth.value) == "HTTP 401"
    assert seen == [
        "telegram:no-telegram-received",
        f"no coffee for {REDACTED}",
        None,
    ]


def test_error_reason_rules() -> None:
    assert error_reason(b'{"error": "x"}') == {"error": "x"}
    assert error_reason(b" user:name-invalid ") == "user:name-invalid"
    assert error_reason(b"") is None
    assert error_reason(b"line one\nline two") is None
    assert error_reason(b"x" * 201) is None
    assert error_reason(b"<p>") is None


def test_certificate_reasons() -> None:
    assert certificate_reason(OSError("reset")) == "OSError"
    bare = ssl.SSLCertVerificationError(1, "appliance/p1dongle/5c2fafaabbcc")
    assert certificate_reason(bare) == "certificate verify failed"


async def test_certificate_errors_name_no_host_name(
    session: aiohttp.ClientSession, simulator: StartSimulator, test_ca: TestCA
) -> None:
    sim = await simulator(DemoMeter(), tls=True)
    identity = "appliance/p1dongle/5c2fafaabbcc"
    wrong_name = transport(
        session,
        sim,
        ssl_context=test_ca.client_context(),
        server_hostname=identity,
        retry=NO_RETRY,
    )
    with pytest.raises(CertificateError, match="names another device") as info:
        await wrong_name.request("GET", "/api/reading")
    assert "5c2fafaabbcc" not in str(info.value)
    assert "127.0.0.1" in str(info.value)
    untrusted = transport(session, sim, retry=NO_RETRY)
    with pytest.raises(CertificateError, match="issuer"):
        await untrusted.request("GET", "/api/reading")


async def test_body_can_be_kept_out_of_logs(
    session: aiohttp.ClientSession,
    demo_meter: RunningSimulator[DemoMeter],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="energy_api")
    client = transport(session, demo_meter)
    reply = await client.send("GET", "/api/reading", log_body=False)
    assert b"power_w" in reply.body
    assert "power_w" not in caplog.text
    assert "bytes not logged" in caplog.text


async def test_a_body_larger_than_one_buffer_is_read_whole(
    demo_meter: RunningSimulator[DemoMeter],
) -> None:
    """A reply of several hundred kB arrives whole, not cut at the first buffer."""
    fault = Fault(FaultKind.HUGE, size=600_000)
    demo_meter.device.set_fault(fault)
    async with aiohttp.ClientSession() as session:
        transport = JsonTransport(session, demo_meter.url, retry=NO_RETRY)
        data = await transport.request("GET", "/api/data")
    assert isinstance(data, list)
    assert len(data[0]) == 600_000 - 4
