"""Translation of energy_api errors into Home Assistant exceptions."""

from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryNotReady,
    HomeAssistantError,
)
from homeassistant.helpers.update_coordinator import UpdateFailed
import pytest

from energy_api.errors import (
    ApiTimeoutError,
    AuthenticationError,
    CannotConnectError,
    EnergyApiError,
    InvalidResponseError,
    QuotaExhaustedError,
    RateLimitedError,
    VendorApiError,
)
from energy_api.ha.errors import (
    EXCEPTION_TRANSLATION_KEYS,
    action_failed,
    raise_action_failed,
    raise_setup_failed,
    raise_update_failed,
    update_failed,
)


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (CannotConnectError("refused"), "cannot_connect"),
        (ApiTimeoutError("10 s"), "timeout"),
        (InvalidResponseError("html"), "invalid_response"),
        (RateLimitedError("slow down", retry_after=30), "rate_limited"),
        (QuotaExhaustedError("month", retry_after=60), "quota_exhausted"),
        (VendorApiError("2005", "limit"), "api_error"),
        (EnergyApiError("other"), "unknown_error"),
    ],
)
def test_update_errors(error: EnergyApiError, key: str) -> None:
    with pytest.raises(UpdateFailed) as info, raise_update_failed("energy_test"):
        raise error
    assert info.value.translation_key == key
    assert info.value.translation_domain == "energy_test"
    assert info.value.translation_placeholders == {"error": str(error)}
    assert info.value.__cause__ is error
    expected_retry = error.retry_after if isinstance(error, RateLimitedError) else None
    assert info.value.retry_after == expected_retry
    assert key in EXCEPTION_TRANSLATION_KEYS
    assert action_failed(error, "energy_test").translation_key == key
    with pytest.raises(ConfigEntryNotReady) as setup, raise_setup_failed("energy_test"):
        raise error
    assert setup.value.translation_key == key


def test_authentication_is_reauth_and_actions_raise_ha_errors() -> None:
    err = update_failed(AuthenticationError("revoked"), "energy_test")
    assert isinstance(err, ConfigEntryAuthFailed)
    assert err.translation_key == "authentication_failed"
    with pytest.raises(ConfigEntryAuthFailed), raise_setup_failed("energy_test"):
        raise AuthenticationError("revoked")
    with pytest.raises(HomeAssistantError) as info, raise_action_failed("energy_test"):
        raise CannotConnectError("refused")
    assert not isinstance(info.value, UpdateFailed)
    assert info.value.translation_key == "cannot_connect"
