# ruff: noqa: INP001  (imported by Python at start-up, from PYTHONPATH)
"""Make `python-homewizard-energy` trust a test CA instead of HomeWizard's.

On the PYTHONPATH of the benchmark's HA process for the core `homewizard`
integration only. `homewizard_energy.v2` binds `CACERT` at import and reads that
global when it builds its SSL context, so both names are replaced before any
context exists. The CA comes from the file named by `BENCH_HOMEWIZARD_CA`.
"""

from __future__ import annotations

import os
from pathlib import Path
import sys


def _patch() -> None:
    """Replace `CACERT` in the library with the PEM in `BENCH_HOMEWIZARD_CA`."""
    path = os.environ.get("BENCH_HOMEWIZARD_CA")
    if not path:
        return
    import homewizard_energy.v2  # noqa: PLC0415 - only when asked to patch
    from homewizard_energy.v2 import cacert  # noqa: PLC0415

    pem = Path(path).read_text(encoding="ascii")
    cacert.CACERT = pem
    homewizard_energy.v2.CACERT = pem  # type: ignore[attr-defined]
    print(f"bench sitecustomize: homewizard_energy trusts {path}", file=sys.stderr)


_patch()
