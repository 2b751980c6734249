"""The sun at a place, per 5-minute slot, and the weather of a day.

The sun's declination and equation of time come from `astral.sun` at the
two ends of a day and are interpolated in between; the elevation then is
astral's formula without refraction. That is within a few hundredths of a
degree of `astral.sun.elevation(..., with_refraction=False)` and about
twenty times faster, which a month of simulated calls needs.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from astral import sun

DAY_S = 86400
MIN_WEATHER = 0.3
MAX_WEATHER = 1.0
# Meinel's clear-sky model: 0.7 of the light passes one air mass.
TRANSMITTANCE = 0.7
AIR_MASS_EXPONENT = 0.678


def _declination_and_eot(at: dt.datetime) -> tuple[float, float]:
    """Return the sun's declination (degrees) and equation of time (minutes) at `at` (UTC)."""
    hours = at.hour + at.minute / 60 + at.second / 3600
    century = sun.jday_to_jcentury(sun.julianday(at.date()) + hours / 24)
    return sun.sun_declination(century), sun.eq_of_time(century)


class SunDay:
    """The sun's elevation at a place during one span of up to a few days."""

    def __init__(
        self, latitude: float, longitude: float, start: dt.datetime, end: dt.datetime
    ) -> None:
        """Prepare the span [`start`, `end`] (UTC-aware)."""
        self._sin_lat = math.sin(math.radians(latitude))
        self._cos_lat = math.cos(math.radians(latitude))
        self._longitude = longitude
        self._start = start.timestamp()
        self._length = max(end.timestamp() - self._start, 1.0)
        self._dec0, self._eot0 = _declination_and_eot(start)
        dec1, eot1 = _declination_and_eot(end)
        self._ddec = dec1 - self._dec0
        self._deot = eot1 - self._eot0

    def elevation(self, timestamp: float) -> float:
        """Return the sun's elevation in degrees at Unix time `timestamp`."""
        share = (timestamp - self._start) / self._length
        dec = math.radians(self._dec0 + self._ddec * share)
        eot = self._eot0 + self._deot * share
        utc_minutes = (timestamp % DAY_S) / 60
        hour_angle = math.radians((utc_minutes + eot + 4 * self._longitude) / 4 - 180)
        cos_zenith = self._sin_lat * math.sin(dec) + self._cos_lat * math.cos(
            dec
        ) * math.cos(hour_angle)
        return math.degrees(math.asin(max(-1.0, min(1.0, cos_zenith))))


def clear_sky(elevation: float) -> float:
    """Return the share (0..1) of peak power under a clear sky at `elevation` degrees."""
    height = math.sin(math.radians(elevation))
    if height <= 0:
        return 0.0
    air_mass = 1 / height
    return height * math.pow(TRANSMITTANCE, math.pow(air_mass, AIR_MASS_EXPONENT) - 1)


def weather(seed: str, day: dt.date) -> float:
    """Return the day's weather factor (0.3 overcast .. 1.0 clear), the same every run."""
    return random.Random(f"{seed}:{day.isoformat()}").uniform(MIN_WEATHER, MAX_WEATHER)


def channel_factor(uid: str, channel: int) -> float:
    """Return a panel's fixed share (0.9..1.0) of its peak, so channels differ a little."""
    return random.Random(f"{uid}-{channel}").uniform(0.9, 1.0)
