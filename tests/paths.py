"""Where the repository is, and the simulator CLI's CA folder, checked before use."""

from __future__ import annotations

from functools import cache
import importlib.util
from pathlib import Path
import sys
import tempfile
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
assert (REPO / "pyproject.toml").is_file(), REPO

CA_LINE = "CA certificate written to "


def written_ca(line: str) -> Path:
    """Return the CA file a simulator announced; fail unless it is in a temp folder.

    Tests delete its folder afterwards: a stray line must never name the work tree.
    """
    assert line.startswith(CA_LINE), f"expected the CA line, got {line!r}"
    path = Path(line.removeprefix(CA_LINE))
    temp = Path(tempfile.gettempdir()).resolve()
    assert path.is_absolute(), path
    assert path.resolve().parent.parent == temp, path
    return path


@cache
def load_script(name: str) -> ModuleType:
    """Import `scripts/<name>.py` once (scripts/ is no package)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module
