# ruff: noqa: INP001  (imported by Python at start-up, from PYTHONPATH)
"""Make HA core's `homewizard` trust a test CA; optionally change its poll interval.

On the PYTHONPATH of the benchmark's HA process for the core side only.
`homewizard_energy.v2` binds `CACERT` at import and reads that global when it
builds its SSL context, so both names are replaced before any context exists.
The CA comes from the file named by `BENCH_HOMEWIZARD_CA`; `BENCH_HOMEWIZARD_POLL`
(seconds), if set, replaces the integration's 5 s update interval.
"""

from __future__ import annotations

from datetime import timedelta
import os
from pathlib import Path
import sys


def _trust_test_ca() -> None:
    """Replace `CACERT` in the library with the PEM in `BENCH_HOMEWIZARD_CA`."""
    path = os.environ.get("BENCH_HOMEWIZARD_CA")
    if not path:
        return
    import homewizard_energy.v2  # noqa: PLC0415 - only when asked to
    from homewizard_energy.v2 import cacert  # noqa: PLC0415

    pem = Path(path).read_text(encoding="ascii")
    cacert.CACERT = pem
    homewizard_energy.v2.CACERT = pem  # type: ignore[attr-defined]
    print(f"bench sitecustomize: homewizard_energy trusts {path}", file=sys.stderr)


def _poll_interval() -> None:
    """Set the core coordinator's update interval to `BENCH_HOMEWIZARD_POLL` s."""
    seconds = os.environ.get("BENCH_HOMEWIZARD_POLL")
    if not seconds:
        return
    from homeassistant.components.homewizard import coordinator  # noqa: PLC0415

    coordinator.UPDATE_INTERVAL = timedelta(seconds=float(seconds))  # type: ignore[attr-defined]
    print(f"bench sitecustomize: homewizard polls every {seconds} s", file=sys.stderr)


_trust_test_ca()
_poll_interval()
