"""WebSocket topics: what each carries and which changes are pushed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import ApiError

if TYPE_CHECKING:
    from .device import HomeWizardDevice

ALL_TOPICS = ("device", "measurement", "system", "batteries", "user")
SYSTEM_NOISE = {"uptime_s", "wifi_rssi_db"}


def available_topics(device: HomeWizardDevice) -> tuple[str, ...]:
    """Return the topics of the device's model (`batteries` only with a group)."""
    if device.battery_group is None:
        return tuple(topic for topic in ALL_TOPICS if topic != "batteries")
    return ALL_TOPICS


def resolve_topic(device: HomeWizardDevice, topic: Any) -> tuple[str, ...]:
    """Return the topics `topic` (or `*`) means; raise ApiError if unknown."""
    topics = available_topics(device)
    if topic == "*":
        return topics
    if isinstance(topic, str) and topic in topics:
        return (topic,)
    raise ApiError("request:unknown-subscription")


def topic_state(
    device: HomeWizardDevice, topic: str, token: str | None
) -> tuple[Any, Any]:
    """Return a topic's data and the part of it whose change is pushed.

    `system` pushes on `cloud_enabled`, LED and v1 changes (not uptime),
    `batteries` on mode, permissions and (from 2.2.0) target power.
    """
    if topic == "system":
        system = device.system()
        return system, {k: v for k, v in system.items() if k not in SYSTEM_NOISE}
    if topic == "batteries":
        group = device.battery_group
        if group is None:
            raise ApiError("request:unknown-subscription")
        grid = device.source.power_w()
        return group.as_dict(grid), group.realtime(grid)
    data: Any
    if topic == "device":
        data = device.device_info()
    elif topic == "measurement":
        data = device.measurement()
    else:
        data = device.users.listing(token)
    return data, data


def update_topic(device: HomeWizardDevice, topic: str, data: Any) -> None:
    """Apply a WebSocket set such as `{"type": "system", "data": {...}}`."""
    if not isinstance(data, dict):
        raise ApiError("request:invalid-json")
    if topic == "system":
        device.update_system(data)
    elif topic == "batteries":
        device.update_batteries(data)
    else:
        raise ApiError("json:no-parameters-recognized")
