"""scripts/vendor writes identical copies and --check names any difference."""

from pathlib import Path
import shutil
import subprocess

from tests.paths import REPO

SCRIPT = REPO / "scripts" / "vendor"


def vendor(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def make_tree(tmp_path: Path) -> Path:
    shutil.copytree(
        REPO / "energy_api",
        tmp_path / "energy_api",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    for domain in ("alpha", "beta"):
        folder = tmp_path / "custom_components" / domain
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(f'{{"domain": "{domain}"}}')
    return tmp_path


def test_vendor_then_check_passes(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    assert vendor(root, "--check").returncode == 1
    written = vendor(root)
    assert written.returncode == 0
    assert "custom_components/alpha/vendor/energy_api" in written.stdout
    copy = root / "custom_components" / "beta" / "vendor" / "energy_api"
    assert (copy / "py.typed").exists()
    assert (copy / "ha" / "coordinator.py").read_text() == (
        root / "energy_api" / "ha" / "coordinator.py"
    ).read_text()
    assert vendor(root, "--check").returncode == 0


def test_one_changed_byte_fails_and_names_the_file(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    vendor(root)
    target = (
        root
        / "custom_components"
        / "alpha"
        / "vendor"
        / "energy_api"
        / "schedule"
        / "quota.py"
    )
    data = bytearray(target.read_bytes())
    data[10] ^= 0x01
    target.write_bytes(bytes(data))
    (
        root / "custom_components" / "beta" / "vendor" / "energy_api" / "stray.py"
    ).write_text("")
    result = vendor(root, "--check")
    assert result.returncode == 1
    assert (
        "custom_components/alpha/vendor/energy_api/schedule/quota.py" in result.stdout
    )
    assert "custom_components/beta/vendor/energy_api: stray.py" in result.stdout
    assert "run scripts/vendor" in result.stderr


def test_missing_copy_and_bad_usage(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    result = vendor(root, "--check")
    assert "missing: custom_components/alpha/vendor/energy_api" in result.stdout
    assert vendor(root, "--bogus").returncode == 2


def test_repository_copies_are_in_sync() -> None:
    result = subprocess.run(
        [str(SCRIPT), "--check"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout


def test_energy_api_imports_homeassistant_only_in_ha() -> None:
    offenders = [
        path.relative_to(REPO)
        for path in (REPO / "energy_api").rglob("*.py")
        if "ha" not in path.relative_to(REPO / "energy_api").parts[:1]
        and "homeassistant" in path.read_text()
    ]
    assert offenders == []
