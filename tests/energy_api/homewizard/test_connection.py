"""`probe()` and `connect()`, and that no serial reaches logs or error messages."""

from collections.abc import Awaitable
import logging

import aiohttp
import pytest

from energy_api.errors import (
    AuthenticationError,
    CertificateError,
    EnergyApiError,
    VendorApiError,
)
from energy_api.homewizard import (
    HOMEWIZARD_CA_PEM,
    HomeWizardClient,
    SslContexts,
    V1OnlyError,
    connect,
    probe,
)
from simulators import Fault, FaultKind, HomeWizardDevice, SimulatedDevice
from simulators.pytest_plugin import StartSimulator

P1_SERIAL = "5c2fafaabbcc"
BATTERY_SERIAL = "5c2faf112233"


def test_contexts_from_a_ca(ca_pem: str) -> None:
    contexts = SslContexts.from_ca(ca_pem)
    assert not contexts.probe.check_hostname
    assert contexts.verified.check_hostname
    assert contexts.verified.hostname_checks_common_name


async def test_connect_pins_the_probed_identity(
    simulator: StartSimulator, session: aiohttp.ClientSession, contexts: SslContexts
) -> None:
    device = HomeWizardDevice("battery", serial=BATTERY_SERIAL, cert_with_san=True)
    sim = await simulator(device, tls=True)
    host = f"127.0.0.1:{sim.port}"
    found = await probe(session, host, contexts)
    assert found.identity == device.identity
    assert found.tls_name == f"{BATTERY_SERIAL}.local"
    client = await connect(
        session,
        host,
        contexts,
        token=device.add_token(),
        identity=found.identity.upper(),
    )
    assert (client.identity, client.tls_name) == (found.identity, found.tls_name)
    assert client.ssl_context is contexts.verified
    assert (await client.device()).serial == BATTERY_SERIAL
    # Without an identity (pairing), whoever answers is accepted, without a token.
    anyone = await connect(session, host, contexts)
    assert anyone.token is None
    with pytest.raises(CertificateError, match=r"127\.0\.0\.1.* is not the one paired"):
        await connect(
            session, host, contexts, identity="appliance/battery/000000000000"
        )


class V1Device(SimulatedDevice):
    """Only the plain HTTP API v1, which names the serial."""

    def routes(self) -> list[aiohttp.web.RouteDef]:
        async def api(request: aiohttp.web.Request) -> aiohttp.web.Response:
            return aiohttp.web.json_response(
                {"api_version": "v1", "product_type": "HWE-P1", "serial": P1_SERIAL}
            )

        return [aiohttp.web.get("/api", api)]


async def test_no_serial_in_logs_or_errors(
    simulator: StartSimulator,
    session: aiohttp.ClientSession,
    contexts: SslContexts,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="energy_api")
    p1 = HomeWizardDevice("p1_3phase", serial=P1_SERIAL)
    battery = HomeWizardDevice("battery", serial=BATTERY_SERIAL, cert_with_san=True)
    p1_host = f"127.0.0.1:{(await simulator(p1, tls=True)).port}"
    battery_host = f"127.0.0.1:{(await simulator(battery, tls=True)).port}"
    errors: list[EnergyApiError] = []

    async def fails(kind: type[EnergyApiError], call: Awaitable[object]) -> None:
        with pytest.raises(kind) as info:
            await call
        errors.append(info.value)

    # Probes and requests that work: their debug logs carry no identifiers.
    assert (await probe(session, p1_host, contexts)).identity == p1.identity
    client = await connect(
        session, p1_host, contexts, token=p1.add_token(), identity=p1.identity
    )
    await client.device()
    await client.measurement()
    await client.system()
    await client.telegram()
    await client.users()
    # The paired device was replaced: another device answers at its address.
    await fails(
        CertificateError,
        connect(session, battery_host, contexts, identity=p1.identity),
    )
    replaced = HomeWizardClient(
        session,
        battery_host,
        ssl_context=contexts.verified,
        tls_name=client.tls_name,
        token=client.token,
    )
    await fails(CertificateError, replaced.device())
    # A certificate from another CA, a device answering only v1, failing requests.
    production = SslContexts.from_ca(HOMEWIZARD_CA_PEM)
    await fails(CertificateError, probe(session, p1_host, production))
    v1_host = f"127.0.0.1:{(await simulator(V1Device())).port}"
    await fails(V1OnlyError, probe(session, v1_host, contexts))
    p1.set_fault(Fault(FaultKind.STATUS, status=500, count=1))
    await fails(VendorApiError, client.measurement())
    p1.revoke_all_tokens()
    await fails(AuthenticationError, client.system())

    assert len(errors) == 6
    meter_id = str(p1.measurement()["unique_id"])
    # Ours only: asyncio's own debug logs (in its debug mode) name the host checked.
    logs = [r.getMessage() for r in caplog.records if r.name.startswith("energy_api")]
    shown = "\n".join([*logs, *(str(err) for err in errors)]).lower()
    assert "/api/telegram" in shown
    assert "/api/measurement" in shown
    for secret in (P1_SERIAL, BATTERY_SERIAL, meter_id.lower()):
        assert secret not in shown
