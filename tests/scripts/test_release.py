"""scripts/release and the release checker.

Each integration's release (its own repository tree and zip) builds and passes; the
checker names what HACS or hassfest would reject; the zip, unpacked alone, runs in HA.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
import json
import os
from pathlib import Path
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request
import zipfile

import pytest

from energy_api.ha.errors import EXCEPTION_TRANSLATION_KEYS
from tests.paths import REPO, load_script

RELEASE = REPO / "scripts" / "release"
CHECK = REPO / "scripts" / "release_check.py"
HAS_GIT = shutil.which("git") is not None
needs_git = pytest.mark.skipif(
    not HAS_GIT, reason="no git here (scripts/py314's chroot has none)"
)


rc = load_script("release_check")
DOMAINS: list[str] = rc.integrations()


def run(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in args],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build every release once, with scripts/release --all; return the --out folder."""
    out = tmp_path_factory.mktemp("releases")
    result = run(RELEASE, "--all", "--out", out, *([] if HAS_GIT else ["--no-git"]))
    assert result.returncode == 0, result.stderr
    for domain in DOMAINS:
        assert f"{domain} " in result.stdout
    return out


def component(tree: Path, domain: str) -> Path:
    return tree / "custom_components" / domain


def test_there_is_something_to_release() -> None:
    assert "homewizard_v2" in DOMAINS


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_release_is_one_integration_that_passes(built: Path, domain: str) -> None:
    tree = built / domain
    assert rc.check_tree(tree) == []
    assert rc.zip_problems(built / f"{domain}.zip", component(tree, domain)) == []
    assert [p.name for p in (tree / "custom_components").iterdir()] == [domain]
    assert not list(tree.rglob("__pycache__"))
    source = REPO / "custom_components" / domain
    manifest = json.loads((component(tree, domain) / "manifest.json").read_text())
    assert manifest == json.loads((source / "manifest.json").read_text())
    assert (component(tree, domain) / "vendor" / "energy_api" / "py.typed").is_file()
    hacs = json.loads((tree / "hacs.json").read_text())
    assert hacs == {
        "name": manifest["name"],
        "homeassistant": "2026.2.0",
        "zip_release": True,
        "filename": f"{domain}.zip",
        "render_readme": True,
    }
    assert (tree / "LICENSE").read_bytes() == (REPO / "LICENSE").read_bytes()
    readme = (tree / "README.md").read_text()
    assert readme.startswith(f"# {manifest['name']}\n")
    assert "## Installation" in readme
    assert f"`{domain}.zip`" in readme
    assert manifest["issue_tracker"] in readme
    assert f"\n## {domain}\n" not in readme  # its section, not ours whole
    workflow = (tree / ".github" / "workflows" / "validate.yml").read_text()
    assert "home-assistant/actions/hassfest@master" in workflow
    assert "hacs/action@main" in workflow


def test_the_checker_cli_passes_a_built_tree(built: Path) -> None:
    result = run(sys.executable, CHECK, *(built / d for d in DOMAINS))
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout


def drop(path: Path, *keys: str) -> None:
    """Delete a nested key of a JSON file."""
    data = json.loads(path.read_text())
    parent = data
    for key in keys[:-1]:
        parent = parent[key]
    del parent[keys[-1]]
    path.write_text(json.dumps(data))


def edit_json(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def used_key(folder: Path, prefix: str) -> tuple[str, ...]:
    """Return a translation key the code uses that starts with `prefix` (no wildcard)."""
    keys = sorted(
        key
        for key in rc.used_translation_keys(folder)
        if ".".join(key).startswith(prefix) and "*" not in key
    )
    if not keys:
        pytest.skip(f"{folder.name} uses no {prefix} translation")
    return tuple(keys[0])


def without_translation(prefix: str) -> Callable[[Path, str], str]:
    def mutate(tree: Path, domain: str) -> str:
        folder = component(tree, domain)
        key = used_key(folder, prefix)
        drop(folder / "translations" / "en.json", *key)
        return f"lacks {'.'.join(key)}"

    return mutate


def second_folder(tree: Path, domain: str) -> str:
    shutil.copytree(component(tree, domain), tree / "custom_components" / "other")
    return "custom_components/ must hold one integration folder"


def no_licence(tree: Path, domain: str) -> str:
    (tree / "LICENSE").unlink()
    return "no licence file"


def proprietary_licence(tree: Path, domain: str) -> str:
    (tree / "LICENSE").write_text("Copyright 2026. All rights reserved.\n")
    return "LICENSE is not a licence HACS accepts"


def unknown_hacs_key(tree: Path, domain: str) -> str:
    edit_json(tree / "hacs.json", lambda d: d.update(domains=[domain]))
    return "hacs.json: unknown key domains"


def zip_release_without_filename(tree: Path, domain: str) -> str:
    drop(tree / "hacs.json", "filename")
    return "hacs.json: filename is needed with zip_release"


def manifest_elsewhere(tree: Path, domain: str) -> str:
    (tree / "tests").mkdir()
    shutil.copy(component(tree, domain) / "manifest.json", tree / "tests")
    return "tests/manifest.json would be validated by hassfest"


def unknown_manifest_key(tree: Path, domain: str) -> str:
    edit_json(component(tree, domain) / "manifest.json", lambda d: d.update(domains=[]))
    return "manifest.json: unknown key domains"


def no_codeowners(tree: Path, domain: str) -> str:
    edit_json(
        component(tree, domain) / "manifest.json", lambda d: d.update(codeowners=[])
    )
    return "codeowners must be a non-empty list of @names"


def bad_version(tree: Path, domain: str) -> str:
    edit_json(
        component(tree, domain) / "manifest.json", lambda d: d.update(version="one")
    )
    return "version 'one' is not a version"


def no_iot_class(tree: Path, domain: str) -> str:
    drop(component(tree, domain) / "manifest.json", "iot_class")
    return "manifest.json lacks iot_class"


def big_icon(tree: Path, domain: str) -> str:
    brand = component(tree, domain) / "brand"
    shutil.copy(brand / "icon@2x.png", brand / "icon.png")
    return "brand/icon.png is 512x512, not 256x256"


def fake_png(tree: Path, domain: str) -> str:
    (component(tree, domain) / "brand" / "icon@2x.png").write_bytes(b"GIF89a" * 10)
    return "brand/icon@2x.png is not a PNG image"


def no_workflow(tree: Path, domain: str) -> str:
    (tree / ".github" / "workflows" / "validate.yml").unlink()
    return "validate.yml is missing"


def compiled_file(tree: Path, domain: str) -> str:
    (component(tree, domain) / "__pycache__").mkdir()
    (component(tree, domain) / "__pycache__" / "const.cpython-313.pyc").write_bytes(b"")
    return "__pycache__ must not be released"


MUTATIONS: dict[str, Callable[[Path, str], str]] = {
    "two integration folders": second_folder,
    "no licence": no_licence,
    "proprietary licence": proprietary_licence,
    "unknown hacs.json key": unknown_hacs_key,
    "zip_release without filename": zip_release_without_filename,
    "manifest.json elsewhere": manifest_elsewhere,
    "unknown manifest key": unknown_manifest_key,
    "no codeowners": no_codeowners,
    "bad version": bad_version,
    "no iot_class": no_iot_class,
    "icon of the wrong size": big_icon,
    "icon not a PNG": fake_png,
    "no workflow": no_workflow,
    "compiled file": compiled_file,
    "missing entity translation": without_translation("entity."),
    "missing config step": without_translation("config.step."),
    "missing config error": without_translation("config.error."),
    "missing config abort": without_translation("config.abort."),
    "missing options step": without_translation("options.step."),
    "missing shared exception": without_translation("exceptions.unknown_error"),
    "missing exception": without_translation("exceptions."),
    "missing repair issue": without_translation("issues."),
}


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("mutation", MUTATIONS)
def test_the_checker_names_what_hacs_or_hassfest_would_reject(
    built: Path, tmp_path: Path, domain: str, mutation: str
) -> None:
    tree = tmp_path / domain
    shutil.copytree(built / domain, tree, ignore=shutil.ignore_patterns(".git"))
    assert rc.check_tree(tree) == []
    expected = MUTATIONS[mutation](tree, domain)
    result = run(sys.executable, CHECK, tree)
    assert result.returncode == 1
    assert expected in result.stderr, result.stderr


DEMO_FLOW = """
ISSUE_OLD_FIRMWARE = "old_firmware"
MODE: Final = "mode"


def probe_error(err):
    if err:
        return "cannot_connect"
    return "unknown"


class Flow(ConfigFlow, domain="demo"):
    async def async_step_user(self, user_input=None):
        errors = {}
        errors["base"] = probe_error(user_input)
        self._abort_if_unique_id_configured()
        self.async_show_progress(step_id="pair", progress_action="press")
        return self.async_show_form(step_id="user", errors=errors)

    async def async_step_reauth(self, data):
        return self.async_update_reload_and_abort(self.entry)

    async def async_step_confirm(self, user_input=None):
        return self.async_show_form(step_id="confirm", errors={"base": "refused"})

    async def async_step_zeroconf(self, info):
        return self.async_abort(reason="not_ours")


class Options(OptionsFlowWithReload):
    async def async_step_init(self, user_input=None):
        selector = SelectSelectorConfig(options=[], translation_key=MODE)
        return self.async_show_form(step_id="init")


def create(hass):
    ir.async_create_issue(hass, "demo", "x", translation_key="no_cloud")
    raise ServiceValidationError(translation_domain="demo", translation_key="bad_mode")
"""
DEMO_SENSOR = """
POWER = SensorEntityDescription(key="power", translation_key="power")


class Total(SensorEntity):
    _attr_translation_key = "total"
"""


def test_translation_keys_are_found_by_their_rules(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    (folder / "vendor" / "energy_api" / "ha").mkdir(parents=True)
    (folder / "config_flow.py").write_text(DEMO_FLOW)
    (folder / "sensor.py").write_text(DEMO_SENSOR)
    (folder / "helpers.py").write_text("X = Thing(translation_key='shared')\n")
    shared = REPO / "energy_api" / "ha" / "errors.py"
    shutil.copy(shared, folder / "vendor" / "energy_api" / "ha")
    keys = {".".join(key) for key in rc.used_translation_keys(folder)}
    exceptions = {f"exceptions.{key}" for key in EXCEPTION_TRANSLATION_KEYS}
    assert keys - exceptions == {
        "config.abort.already_configured",
        "config.abort.not_ours",
        "config.abort.reauth_successful",
        "config.error.cannot_connect",
        "config.error.refused",
        "config.error.unknown",
        "config.step.confirm",
        "config.step.user",
        "entity.*.shared",
        "entity.sensor.power",
        "entity.sensor.total",
        "exceptions.bad_mode",
        "issues.no_cloud",
        "issues.old_firmware",
        "options.step.init",
        "selector.mode",
    }
    assert exceptions <= keys  # read statically, as the real tuple


def test_repair_flow_keys_are_needed_in_every_fixable_issue(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    (folder / "translations").mkdir(parents=True)
    (folder / "repairs.py").write_text(
        "class Fix(RepairsFlow):\n"
        "    async def async_step_init(self):\n"
        "        return self.async_show_form(step_id='confirm')\n"
    )
    issue = {"title": "t", "fix_flow": {"step": {"confirm": {"title": "c"}}}}
    strings = {"issues": {"one": issue, "two": {"title": "t", "fix_flow": {}}}}
    (folder / "translations" / "en.json").write_text(json.dumps(strings))
    assert rc.translation_problems(folder) == [
        "custom_components/demo/translations/en.json lacks issues.two.fix_flow.step.confirm"
    ]


@pytest.mark.parametrize(
    ("text", "spdx"),
    [
        ((REPO / "LICENSE").read_text(), "MIT"),
        (
            "Apache License\n  Version 2.0, January 2004\n http://www.apache.org/licenses/",
            "Apache-2.0",
        ),
        (
            (
                "Redistribution and use in source and binary forms, with or without\n"
                "modification, are permitted provided that ... 3. Neither the name of"
            ),
            "BSD-3-Clause",
        ),
        ("GNU GENERAL PUBLIC LICENSE\n Version 3, 29 June 2007", "GPL-3.0"),
        ("GNU LESSER GENERAL PUBLIC LICENSE\n Version 3, 29 June 2007", "LGPL-3.0"),
        ("Copyright 2026 Someone. All rights reserved.", None),
    ],
)
def test_licences_are_recognised(text: str, spdx: str | None) -> None:
    assert rc.licence_of(text) == spdx


@needs_git
@pytest.mark.parametrize("domain", DOMAINS)
def test_the_tree_is_a_repository_with_one_tagged_commit(
    built: Path, domain: str
) -> None:
    tree = built / domain
    version = json.loads((component(tree, domain) / "manifest.json").read_text())[
        "version"
    ]

    def git(*args: str) -> str:
        result = run("git", "-C", tree, *args)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert git("rev-list", "--count", "--all") == "1"
    assert git("tag", "--points-at", "HEAD") == f"v{version}"
    assert git("branch", "--show-current") == "main"
    assert git("status", "--porcelain") == ""
    files = {
        p.relative_to(tree).as_posix()
        for p in tree.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(tree).parts
    }
    assert set(git("ls-tree", "-r", "--name-only", f"v{version}").splitlines()) == files
    author = run("git", "-C", REPO, "config", "user.name").stdout.strip()
    assert git("log", "-1", "--format=%an") == (author or rc.NEUTRAL_AUTHOR[0])


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_zip_holds_the_integration_folder_at_its_root(
    built: Path, domain: str
) -> None:
    folder = component(built / domain, domain)
    with zipfile.ZipFile(built / f"{domain}.zip") as zipped:
        packed = {name: zipped.read(name) for name in zipped.namelist()}
    assert (
        "manifest.json" in packed
    )  # no folder prefix: HACS unpacks into custom_components/DOMAIN
    files = {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file()
    }
    assert packed == files


@pytest.mark.parametrize("domain", DOMAINS)
def test_version_option_and_rebuilding(tmp_path: Path, domain: str) -> None:
    git_args = [] if HAS_GIT else ["--no-git"]
    first = run(RELEASE, domain, "--version", "1.2.3", "--out", tmp_path, *git_args)
    assert first.returncode == 0, first.stderr
    again = run(RELEASE, domain, "--version", "1.2.4", "--out", tmp_path, *git_args)
    assert again.returncode == 0, again.stderr
    tree = tmp_path / domain
    manifest = json.loads((component(tree, domain) / "manifest.json").read_text())
    assert manifest["version"] == "1.2.4"
    with zipfile.ZipFile(tmp_path / f"{domain}.zip") as zipped:
        assert json.loads(zipped.read("manifest.json"))["version"] == "1.2.4"
    if HAS_GIT:
        assert run("git", "-C", tree, "tag").stdout.split() == ["v1.2.4"]
    bad = run(RELEASE, domain, "--version", "1.2", "--out", tmp_path, *git_args)
    assert bad.returncode == 1
    assert "'1.2' is not a version" in bad.stderr


def test_what_scripts_release_refuses(tmp_path: Path) -> None:
    domain = DOMAINS[0]
    (tmp_path / domain).mkdir()
    (tmp_path / domain / "notes.txt").write_text("mine")
    result = run(RELEASE, domain, "--out", tmp_path, "--no-git")
    assert result.returncode == 1
    assert "is not an earlier release" in result.stderr
    assert (tmp_path / domain / "notes.txt").read_text() == "mine"
    assert run(RELEASE, "--out", tmp_path).returncode == 2
    assert run(RELEASE, "nothing_here", "--out", tmp_path).returncode == 2
    assert run(RELEASE, "--all", "--version", "1.0.0").returncode == 2


def test_out_inside_the_repository_is_refused() -> None:
    for inside in (
        REPO,
        REPO.parent,
        REPO / "custom_components",
        REPO / "scripts" / "releases",
        REPO / ".git" / "x",
    ):
        with pytest.raises(rc.ReleaseError):
            rc.release_folder(inside)
    assert rc.release_folder(REPO / ".release" / "x") == REPO / ".release" / "x"
    result = run(RELEASE, DOMAINS[0], "--out", REPO, "--no-git")
    assert result.returncode == 1
    assert "is or contains the repository" in result.stderr
    assert not (REPO / DOMAINS[0]).exists()


def test_a_vendored_copy_that_differs_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "source"
    (source / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "vendor", source / "scripts")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "energy_api", source / "energy_api", ignore=ignore)
    domain = DOMAINS[0]
    integration = source / "custom_components" / domain
    shutil.copytree(REPO / "custom_components" / domain, integration, ignore=ignore)
    with (integration / "vendor" / "energy_api" / "errors.py").open("a") as changed:
        changed.write("# changed\n")
    monkeypatch.setattr(rc, "REPO", source)
    out = tmp_path / "out"
    assert rc.release_main([domain, "--out", str(out), "--no-git"]) == 1
    assert "scripts/vendor --check failed" in capsys.readouterr().err
    assert not out.exists()


@needs_git
def test_build_all_builds_checks_and_cleans_up() -> None:
    result = run(sys.executable, CHECK, "--build-all", timeout=120)
    assert result.returncode == 0, result.stderr
    for domain in DOMAINS:
        assert f"release_check: ok: {domain} " in result.stdout


def test_min_homeassistant_is_the_oldest_release_tested() -> None:
    pins = re.findall(
        r"^homeassistant==(\d+\.\d+)\.\d+",
        (REPO / "requirements.txt").read_text(),
        re.MULTILINE,
    )
    oldest = min(pins, key=lambda v: tuple(map(int, v.split("."))))
    assert f"{oldest}.0" == rc.MIN_HOMEASSISTANT


# --- the zip installs and runs --------------------------------------------------------


@dataclass(frozen=True)
class Simulated:
    """How to run an integration's release against its simulator."""

    simulator: tuple[str, ...]  # `python -m simulators` arguments, without TLS and port
    # The environment variable through which the integration trusts the CA; None: the
    # simulator speaks plain HTTP (a cloud API whose address the user enters).
    ca_variable: str | None
    title: str
    unique_id: str
    data: Callable[[str], dict[str, str]]  # the config entry's data, from the URL


P1_SERIAL = "5c2faf0de0aa"
P1_TOKEN = "AA000000000000000000000000000001"
SIMULATED = {
    "homewizard_v2": Simulated(
        simulator=("homewizard-p1", "--serial", P1_SERIAL, "--token", P1_TOKEN),
        ca_variable="HOMEWIZARD_V2_DEVELOPMENT_CA",
        title="P1 meter",
        unique_id=P1_SERIAL,
        data=lambda url: {
            "host": url.removeprefix("https://"),
            "token": P1_TOKEN,
            "identity": f"appliance/p1dongle/{P1_SERIAL}",
        },
    ),
    "powervault": Simulated(
        simulator=("powervault-p3",),
        ca_variable=None,
        title="Powervault P3",
        unique_id="008a2564",
        data=lambda url: {
            "connection": "local",
            "host": url.removeprefix("http://"),
            "unit_id": "008a2564",
            "platform": "p3",
        },
    ),
    "apsystems_openapi": Simulated(
        simulator=("apsystems",),
        ca_variable=None,
        title="APsystems 649A",
        unique_id="AZ12649A3DFF",
        data=lambda url: {
            "app_id": "0123456789abcdef0123456789abcdef",
            "app_secret": "s3cr3tS3cr3t",
            "sid": "AZ12649A3DFF",
            "base_url": url,
            "timezone": "Europe/London",
        },
    ),
}
START_TIMEOUT = 45.0  # twice that, and the cleanup, fit pytest's 120 s
CONFIGURATION = """\
homeassistant:
  name: Release check
  latitude: 51.5
  longitude: 0
  elevation: 0
  unit_system: metric
  time_zone: Europe/London
  country: GB
  currency: GBP
http:
  server_host: 127.0.0.1
  server_port: {port}
api:
onboarding:
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def started(args: list[str], **kwargs: Any) -> Iterator[subprocess.Popen[str]]:
    """Run a process; stop it after (SIGTERM again and again, as HA may ignore an early one)."""
    process = subprocess.Popen(args, text=True, **kwargs)
    try:
        yield process
    finally:
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(2)
            except subprocess.TimeoutExpired:
                continue
        if process.poll() is None:
            process.kill()
            process.wait()


class HomeAssistant:
    """HA's REST API over urllib."""

    def __init__(self, port: int, process: subprocess.Popen[str], log: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.process = process
        self.log = log
        self.token = ""

    def request(
        self,
        method: str,
        path: str,
        data: dict[str, Any] | None = None,
        *,
        form: bool = False,
    ) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        body = None
        if data is not None:
            body = (urllib.parse.urlencode(data) if form else json.dumps(data)).encode()
            headers["Content-Type"] = (
                "application/x-www-form-urlencoded" if form else "application/json"
            )
        request = urllib.request.Request(self.url + path, body, headers, method=method)  # noqa: S310 - our HA
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return json.loads(answer.read())

    def assert_running(self) -> None:
        if self.process.poll() is not None:
            tail = self.log.read_text(errors="replace").splitlines()[-30:]
            pytest.fail("Home Assistant exited:\n" + "\n".join(tail))

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            self.assert_running()
            try:
                self.request("GET", "/api/onboarding")
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "Home Assistant did not answer"
                time.sleep(0.3)
            else:
                return

    def onboard(self) -> None:
        """Create the owner as the frontend's onboarding does; log in as them."""
        client = {"client_id": self.url + "/"}
        user = {"name": "Release", "username": "release", "password": "release-check"}
        code = self.request(
            "POST", "/api/onboarding/users", client | user | {"language": "en"}
        )
        grant = {"grant_type": "authorization_code", "code": code["auth_code"]}
        self.token = self.request("POST", "/auth/token", client | grant, form=True)[
            "access_token"
        ]

    def power_sensor(self, domain: str) -> dict[str, Any]:
        """Wait until an entity of `domain` with device class power has a numeric state."""
        template = {"template": f"{{{{ integration_entities('{domain}') | tojson }}}}"}
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            self.assert_running()
            ours = set(self.request("POST", "/api/template", template))
            for state in self.request("GET", "/api/states"):
                if (
                    state["entity_id"] in ours
                    and state["attributes"].get("device_class") == "power"
                ):
                    try:
                        float(state["state"])
                    except ValueError:
                        continue
                    return dict(state)
            assert time.monotonic() < deadline, (
                f"no numeric power sensor of {domain}: {ours}"
            )
            time.sleep(0.5)


def unpack(archive: Path, folder: Path) -> None:
    """Unpack the release zip as HACS does: its content into custom_components/DOMAIN."""
    folder.mkdir(parents=True)
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(folder)


@pytest.mark.usefixtures("socket_enabled")
@pytest.mark.parametrize("domain", DOMAINS)
def test_the_zip_installs_and_runs(built: Path, tmp_path: Path, domain: str) -> None:
    assert domain in SIMULATED, (
        f"add how to run {domain} against its simulator to SIMULATED"
    )
    spec = SIMULATED[domain]
    config = tmp_path / "config"
    unpack(built / f"{domain}.zip", config / "custom_components" / domain)
    port = free_port()
    (config / "configuration.yaml").write_text(CONFIGURATION.format(port=port))
    shutil.copy(
        REPO / "scripts" / "hass_launcher.py", tmp_path
    )  # hass on Python 3.13.0
    ca = tmp_path / "ca"
    # No import path into this repository: not PYTHONPATH, not the working folder.
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "PYTHONPATH" and not key.startswith("COVERAGE")
    }
    if spec.ca_variable is not None:
        env[spec.ca_variable] = str(ca / "ca.pem")
    isolated = subprocess.run(
        [sys.executable, "-c", "import energy_api"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "No module named 'energy_api'" in isolated.stderr
    simulator = [sys.executable, "-m", "simulators", *spec.simulator, "--port", "0"]
    if spec.ca_variable is not None:
        simulator += ["--tls", "--ca-dir", str(ca)]
    with started(simulator, cwd=REPO, stdout=subprocess.PIPE) as device:
        assert device.stdout is not None
        while not (line := device.stdout.readline()).startswith("listening on "):
            assert line, "the simulator exited"
        url = line.removeprefix("listening on ").strip()
        entry = {
            "domain": domain,
            "title": spec.title,
            "unique_id": spec.unique_id,
            "data": spec.data(url),
        }
        written = run(
            sys.executable,
            REPO / "scripts" / "develop_entries.py",
            config,
            json.dumps(entry),
        )
        assert written.returncode == 0, written.stderr
        log = tmp_path / "hass.log"
        hass = [
            sys.executable,
            str(tmp_path / "hass_launcher.py"),
            "--config",
            str(config),
            "--skip-pip",
        ]
        with (
            log.open("w") as output,
            started(
                hass, cwd=tmp_path, env=env, stdout=output, stderr=subprocess.STDOUT
            ) as process,
        ):
            ha = HomeAssistant(port, process, log)
            ha.wait_until_up()
            ha.onboard()
            state = ha.power_sensor(domain)
            assert domain in ha.request("GET", "/api/config")["components"]
    assert state["attributes"]["unit_of_measurement"] == "W"
    text = log.read_text()
    assert (
        f"We found a custom integration {domain}" in text
    )  # loaded from the unpacked zip
    errors = [line for line in text.splitlines() if "ERROR" in line and domain in line]
    assert errors == []
