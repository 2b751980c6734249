"""Build and check the repository of one integration, as HACS and HA's Marketplace take it.

Usage:
  python scripts/release_check.py TREE...      check release trees; exit 1 naming each problem
  python scripts/release_check.py --build-all  build every release in a temporary folder,
                                               check it (tree, zip, git), remove it
  scripts/release DOMAIN|--all [--version X.Y.Z] [--out DIR] [--no-git]
                                               build releases (runs this file with --release)

A release is a folder OUT/DOMAIN, ready to push as its own GitHub repository (the
integration with its vendored energy_api, hacs.json, README.md, LICENSE and a workflow
running the hassfest and HACS actions; a git repository with one commit tagged
vVERSION), and OUT/DOMAIN.zip, the release asset: the files of
custom_components/DOMAIN/ at the zip's root, as HACS's `zip_release` extracts it into
config/custom_components/DOMAIN/. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import ast
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
import json
import os
from pathlib import Path
import re
import shutil
import subprocess
import sys
import tempfile
from typing import Any
import zipfile

REPO = Path(__file__).resolve().parent.parent
RELEASES = REPO / ".release"  # the default --out, git-ignored
BUILD_PREFIX = "release-check-"
# The oldest Home Assistant the tests run (requirements.txt pins 2026.2.3 for Python 3.13).
MIN_HOMEASSISTANT = "2026.2.0"
WORKFLOW = Path(".github/workflows/validate.yml")
# What HACS's schema accepts in hacs.json, with the type of each value.
HACS_KEYS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "content_in_root": bool,
    "country": (str, list),
    "filename": str,
    "hacs": str,
    "hide_default_branch": bool,
    "homeassistant": str,
    "persistent_directory": str,
    "render_readme": bool,
    "zip_release": bool,
}
MANIFEST_REQUIRED: dict[str, type] = {
    "domain": str,
    "name": str,
    "version": str,
    "documentation": str,
    "issue_tracker": str,
    "codeowners": list,
    "config_flow": bool,
    "iot_class": str,
    "integration_type": str,
    "requirements": list,
}
MANIFEST_OPTIONAL: dict[str, type] = {
    "after_dependencies": list,
    "bluetooth": list,
    "dependencies": list,
    "dhcp": list,
    "disabled": str,
    "homekit": dict,
    "import_executor": bool,
    "loggers": list,
    "mqtt": list,
    "preview_features": dict,
    "quality_scale": str,
    "single_config_entry": bool,
    "ssdp": list,
    "usb": list,
    "zeroconf": list,
}
IOT_CLASSES = {
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
}
INTEGRATION_TYPES = {
    "device",
    "entity",
    "hardware",
    "helper",
    "hub",
    "service",
    "system",
    "virtual",
}
QUALITY_SCALES = {"bronze", "silver", "gold", "platinum", "internal", "legacy"}
VERSION = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z.-]+|(?:a|b|rc|\.dev)\d+)?(?:\+[0-9A-Za-z.-]+)?"
)
CODEOWNER = re.compile(r"@[\w.-]+(/[\w.-]+)?")
DOMAIN_NAME = re.compile(r"[a-z0-9_]+")
# Entity platforms: a translation_key in <platform>.py belongs to entity.<platform>.
PLATFORMS = {
    "air_quality", "alarm_control_panel", "binary_sensor", "button", "calendar",
    "camera", "climate", "conversation", "cover", "date", "datetime", "device_tracker",
    "event", "fan", "humidifier", "image", "lawn_mower", "light", "lock", "media_player",
    "notify", "number", "remote", "scene", "select", "sensor", "siren", "stt", "switch",
    "text", "time", "todo", "tts", "update", "vacuum", "valve", "water_heater", "weather",
}  # fmt: skip
# Brand images HA serves from custom_components/<domain>/brand/ (2026.3+):
# name -> exact (width, height), or None for the logos (128-256 px shortest side, 256-512 @2x).
BRAND_IMAGES: dict[str, tuple[int, int] | None] = {
    "icon.png": (256, 256),
    "icon@2x.png": (512, 512),
    "dark_icon.png": (256, 256),
    "dark_icon@2x.png": (512, 512),
    "logo.png": None,
    "logo@2x.png": None,
    "dark_logo.png": None,
    "dark_logo@2x.png": None,
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_END = b"\x00\x00\x00\x00IEND\xae\x42\x60\x82"
LICENCE_FILES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "COPYING")
# OSI-approved licences by phrases of their text (lower case, single spaces); first match wins.
LICENCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Apache-2.0", ("apache license", "version 2.0, january 2004")),
    ("MPL-2.0", ("mozilla public license version 2.0",)),
    ("AGPL-3.0", ("gnu affero general public license", "version 3")),
    ("LGPL-3.0", ("gnu lesser general public license", "version 3")),
    ("LGPL-2.1", ("gnu lesser general public license", "version 2.1")),
    ("GPL-3.0", ("gnu general public license", "version 3, 29 june 2007")),
    ("GPL-2.0", ("gnu general public license", "version 2, june 1991")),
    (
        "MIT",
        (
            "permission is hereby granted, free of charge, to any person obtaining a copy",
            "the above copyright notice and this permission notice shall be included",
        ),
    ),
    (
        "BSD-3-Clause",
        (
            "redistribution and use in source and binary forms, with or without modification, are permitted",
            "neither the name of",
        ),
    ),
    (
        "BSD-2-Clause",
        (
            "redistribution and use in source and binary forms, with or without modification, are permitted",
        ),
    ),
    (
        "ISC",
        (
            "permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted",
        ),
    ),
    ("Unlicense", ("this is free and unencumbered software released into the public domain",)),
)  # fmt: skip
WORKFLOW_TEXT = """\
# Validates this repository as HACS and Home Assistant do: the hassfest action checks
# every manifest.json, the HACS action the repository (hacs.json, licence, releases,
# description and topics). Written by scripts/release of the source repository.
name: Validate

on:
  push:
  pull_request:
  schedule:
    - cron: "17 4 * * 1"
  workflow_dispatch:

permissions:
  contents: read

jobs:
  hassfest:
    name: hassfest
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - uses: home-assistant/actions/hassfest@master

  hacs:
    name: HACS
    runs-on: ubuntu-latest
    steps:
      - uses: hacs/action@main
        with:
          category: integration
"""
WORKFLOW_NEEDS = (
    "push:",
    "pull_request:",
    "schedule:",
    "uses: home-assistant/actions/hassfest@",
    "uses: hacs/action@",
    "category: integration",
)
NEUTRAL_AUTHOR = ("Home energy integrations release", "release@invalid")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same sources give the same zip


class ReleaseError(Exception):
    """A release cannot be built; the message says why."""


# --- checks -------------------------------------------------------------------------


def version_problem(version: object, what: str) -> list[str]:
    """Return a problem unless `version` is a version string (semver, PEP 440 suffix)."""
    if isinstance(version, str) and VERSION.fullmatch(version):
        return []
    return [f"{what} {version!r} is not a version like 1.2.3"]


def type_problems(
    data: dict[str, Any], types: dict[str, type | tuple[type, ...]], where: str
) -> list[str]:
    """Return a problem for each key of `data` whose value has not its type in `types`."""
    return [
        f"{where}: {key} must be {type_names(types[key])}"
        for key, value in data.items()
        if key in types and not isinstance(value, types[key])
    ]


def type_names(kind: type | tuple[type, ...]) -> str:
    """Return 'str', or 'str or list' for a tuple of types."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def manifest_problems(manifest: Any, folder: str) -> list[str]:
    """Return what hassfest would reject in a custom integration's manifest.json."""
    where = f"custom_components/{folder}/manifest.json"
    if not isinstance(manifest, dict):
        return [f"{where} is not a JSON object"]
    problems = [
        f"{where} lacks {key}" for key in MANIFEST_REQUIRED if key not in manifest
    ]
    known = MANIFEST_REQUIRED | MANIFEST_OPTIONAL
    problems += [f"{where}: unknown key {key}" for key in manifest if key not in known]
    problems += type_problems(manifest, dict(known), where)
    if manifest.get("domain") != folder or not DOMAIN_NAME.fullmatch(folder):
        problems.append(
            f"{where}: domain {manifest.get('domain')!r} is not the folder's name"
        )
    if "version" in manifest:
        problems += version_problem(manifest["version"], f"{where}: version")
    for key in ("documentation", "issue_tracker"):
        if isinstance(url := manifest.get(key), str) and not url.startswith("https://"):
            problems.append(f"{where}: {key} is not an https URL")
    owners = manifest.get("codeowners")
    if isinstance(owners, list) and (
        not owners
        or not all(isinstance(o, str) and CODEOWNER.fullmatch(o) for o in owners)
    ):
        problems.append(f"{where}: codeowners must be a non-empty list of @names")
    for key, known_values in (
        ("iot_class", IOT_CLASSES),
        ("integration_type", INTEGRATION_TYPES),
        ("quality_scale", QUALITY_SCALES),
    ):
        if isinstance(value := manifest.get(key), str) and value not in known_values:
            problems.append(f"{where}: unknown {key} {value!r}")
    for key in ("requirements", "dependencies", "after_dependencies", "loggers"):
        if isinstance(value := manifest.get(key), list) and not all(
            isinstance(v, str) for v in value
        ):
            problems.append(f"{where}: {key} must be a list of strings")
    return problems


def hacs_problems(hacs: Any) -> list[str]:
    """Return what HACS would reject in hacs.json."""
    if not isinstance(hacs, dict):
        return ["hacs.json is not a JSON object"]
    problems = [f"hacs.json: unknown key {key}" for key in hacs if key not in HACS_KEYS]
    problems += type_problems(hacs, HACS_KEYS, "hacs.json")
    if not hacs.get("name"):
        problems.append("hacs.json lacks name")
    if "homeassistant" in hacs:
        problems += version_problem(hacs["homeassistant"], "hacs.json: homeassistant")
    if bool(hacs.get("zip_release")) != ("filename" in hacs):
        problems.append("hacs.json: filename is needed with zip_release, and only then")
    return problems


def licence_of(text: str) -> str | None:
    """Return the SPDX id of the OSI licence `text` is, or None."""
    flat = " ".join(text.lower().split())
    return next(
        (spdx for spdx, phrases in LICENCES if all(p in flat for p in phrases)), None
    )


def licence_problems(tree: Path) -> list[str]:
    """Return a problem unless the tree has a licence file with an OSI licence."""
    files = [tree / name for name in LICENCE_FILES if (tree / name).is_file()]
    if not files:
        return [f"no licence file ({', '.join(LICENCE_FILES)})"]
    if licence_of(files[0].read_text(errors="replace")) is None:
        return [f"{files[0].name} is not a licence HACS accepts (OSI-approved)"]
    return []


def png_size(path: Path) -> tuple[int, int] | None:
    """Return the width and height in a PNG's IHDR header; None if it is not a whole PNG."""
    data = path.read_bytes()
    if (
        len(data) < 45
        or not data.startswith(PNG_SIGNATURE)
        or data[12:16] != b"IHDR"
        or not data.endswith(PNG_END)
    ):
        return None
    return int.from_bytes(data[16:20]), int.from_bytes(data[20:24])


def brand_problems(folder: Path) -> list[str]:
    """Return problems with the integration's brand/ images."""
    brand = folder / "brand"
    where = f"custom_components/{folder.name}/brand"
    problems = [
        f"{where}/{name} is missing"
        for name in ("icon.png", "icon@2x.png")
        if not (brand / name).is_file()
    ]
    for path in sorted(brand.iterdir()) if brand.is_dir() else []:
        if path.name not in BRAND_IMAGES:
            problems.append(f"{where}/{path.name} is not a brand image HA serves")
            continue
        size = png_size(path)
        wanted = BRAND_IMAGES[path.name]
        if size is None:
            problems.append(f"{where}/{path.name} is not a PNG image")
        elif wanted is not None and size != wanted:
            problems.append(
                f"{where}/{path.name} is {size[0]}x{size[1]}, not {wanted[0]}x{wanted[1]}"
            )
        elif wanted is None:
            low = 256 if "@2x" in path.name else 128
            if not low <= min(size) <= 2 * low:
                problems.append(
                    f"{where}/{path.name}: shortest side {min(size)}, not {low}-{2 * low}"
                )
    return problems


class _KeyFinder:
    """Collect the translation keys an integration's code uses, by simple static rules.

    A key is a path into translations/en.json; `*` matches any one key. Rules:
    `step_id=` of async_show_form/async_show_menu, `reason=`, and `errors` values
    (literals, or literals a module function returns) in a ConfigFlow, OptionsFlow or
    RepairsFlow class; already_configured for _abort_if_unique_id_configured and
    reauth_/reconfigure_successful for async_update_reload_and_abort without a reason;
    `translation_key=` of exceptions (names ending in Error, Exception, Failed,
    NotReady), of async_create_issue, of *SelectorConfig, and otherwise of an entity
    (entity.<module's platform>), also as `_attr_translation_key`; every module-level
    constant named ISSUE_* is a repair issue. Names of module-level string constants
    are resolved; other expressions are skipped.
    """

    def __init__(self, modules: dict[str, ast.Module]) -> None:
        """Read the module-level string constants and functions of `modules`."""
        self.modules = modules
        self.constants: dict[str, str] = {}
        self.functions: dict[str, list[str]] = {}
        for tree in modules.values():
            for node in tree.body:
                self._module_level(node)
        self.keys: set[tuple[str, ...]] = {
            ("issues", value)
            for name, value in self.constants.items()
            if name.startswith("ISSUE_")
        }

    def _module_level(self, node: Any) -> None:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.constants[target.id] = value.value
        elif isinstance(node, ast.FunctionDef):
            self.functions[node.name] = [
                sub.value.value
                for sub in ast.walk(node)
                if isinstance(sub, ast.Return)
                and isinstance(sub.value, ast.Constant)
                and isinstance(sub.value.value, str)
            ]

    def run(self) -> set[tuple[str, ...]]:
        """Return the keys used by every module."""
        for name, tree in self.modules.items():
            self._visit(tree, name, None, set())
        return self.keys

    def _strings(self, node: Any) -> list[str]:
        """Return the strings an expression stands for, if it is simple enough."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.Name) and node.id in self.constants:
            return [self.constants[node.id]]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in self.functions
        ):
            return self.functions[node.func.id]
        return []

    def _visit(
        self, node: Any, module: str, section: str | None, steps: set[str]
    ) -> None:
        if isinstance(node, ast.ClassDef):
            bases = " ".join(ast.unparse(base) for base in node.bases)
            for word, kind in (
                ("OptionsFlow", "options"),
                ("ConfigFlow", "config"),
                ("RepairsFlow", "repair"),
            ):
                if word in bases:
                    section = kind
            steps = {
                item.name
                for item in node.body
                if isinstance(item, ast.AsyncFunctionDef | ast.FunctionDef)
            }
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else ""
            name = func.id if isinstance(func, ast.Name) else name
            keywords = {k.arg: k.value for k in node.keywords if k.arg}
            if section:
                self._flow_call(name, keywords, section, steps)
            if "translation_key" in keywords:
                self._translated(
                    name, self._strings(keywords["translation_key"]), module
                )
        elif isinstance(node, ast.Assign):
            self._assign(node, module, section)
        for child in ast.iter_child_nodes(node):
            self._visit(child, module, section, steps)

    def _assign(self, node: ast.Assign, module: str, section: str | None) -> None:
        for target in node.targets:
            if (
                section
                and isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and target.value.id == "errors"
            ):
                self._add(section, "error", self._strings(node.value))
            attribute = target.attr if isinstance(target, ast.Attribute) else None
            attribute = target.id if isinstance(target, ast.Name) else attribute
            if attribute == "_attr_translation_key":
                self._entity(module, self._strings(node.value))

    def _flow_call(
        self, name: str, keywords: dict[str, Any], section: str, steps: set[str]
    ) -> None:
        if name in {"async_show_form", "async_show_menu"} and "step_id" in keywords:
            self._add(section, "step", self._strings(keywords["step_id"]))
        if "reason" in keywords:
            self._add(section, "abort", self._strings(keywords["reason"]))
        if isinstance(errors := keywords.get("errors"), ast.Dict):
            for value in errors.values:
                self._add(section, "error", self._strings(value))
        if name == "_abort_if_unique_id_configured":
            self._add(section, "abort", ["already_configured"])
        if name == "async_update_reload_and_abort" and "reason" not in keywords:
            for source in ("reauth", "reconfigure"):
                if f"async_step_{source}" in steps:
                    self._add(section, "abort", [f"{source}_successful"])

    def _translated(self, name: str, keys: list[str], module: str) -> None:
        if name.endswith(("Error", "Exception", "Failed", "NotReady")):
            self.keys |= {("exceptions", key) for key in keys}
        elif name == "async_create_issue":
            self.keys |= {("issues", key) for key in keys}
        elif name.endswith("SelectorConfig"):
            self.keys |= {("selector", key) for key in keys}
        else:
            self._entity(module, keys)

    def _entity(self, module: str, keys: list[str]) -> None:
        platform = module if module in PLATFORMS else "*"
        self.keys |= {("entity", platform, key) for key in keys}

    def _add(self, section: str, kind: str, keys: list[str]) -> None:
        if section == "repair":
            self.keys |= {("issues", "*", "fix_flow", kind, key) for key in keys}
        else:
            self.keys |= {(section, kind, key) for key in keys}


def shared_exception_keys(folder: Path) -> set[tuple[str, ...]]:
    """Return the keys of the vendored EXCEPTION_TRANSLATION_KEYS, read statically."""
    path = folder / "vendor" / "energy_api" / "ha" / "errors.py"
    if not path.is_file():
        return set()
    body = ast.parse(path.read_text()).body
    values = {
        target.id: node.value
        for node in body
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }
    if "EXCEPTION_TRANSLATION_KEYS" not in values:
        return set()
    keys = values["EXCEPTION_TRANSLATION_KEYS"]
    parts = [keys] + [
        values[n.id]
        for n in ast.walk(keys)
        if isinstance(n, ast.Name) and n.id in values
    ]
    return {
        ("exceptions", n.value)
        for part in parts
        for n in ast.walk(part)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def used_translation_keys(folder: Path) -> set[tuple[str, ...]]:
    """Return the translation keys the integration's own code and energy_api use."""
    modules = {path.stem: ast.parse(path.read_text()) for path in folder.glob("*.py")}
    return _KeyFinder(modules).run() | shared_exception_keys(folder)


def has_key(data: Any, path: Sequence[str]) -> bool:
    """Return whether the nested dict `data` has `path` (`*`: any one key)."""
    if not path:
        return True
    if not isinstance(data, dict):
        return False
    head, rest = path[0], path[1:]
    if head == "*":
        return any(has_key(v, rest) for v in data.values() if isinstance(v, dict))
    return head in data and has_key(data[head], rest)


def translation_problems(folder: Path) -> list[str]:
    """Return each translation key the code uses that translations/en.json lacks."""
    where = f"custom_components/{folder.name}/translations/en.json"
    path = folder / "translations" / "en.json"
    if not path.is_file():
        return [f"{where} is missing"]
    try:
        strings = json.loads(path.read_text())
    except ValueError as err:
        return [f"{where} is not JSON: {err}"]
    used = used_translation_keys(folder)
    problems = [
        f"{where} lacks {'.'.join(key)}" for key in used if not has_key(strings, key)
    ]
    # Every issue with a fix flow must translate the repair flow's steps and aborts.
    for key in (key for key in used if "fix_flow" in key):
        problems += [
            f"{where} lacks issues.{issue}.{'.'.join(key[2:])}"
            for issue, text in strings.get("issues", {}).items()
            if "fix_flow" in text and not has_key(text, key[2:])
        ]
    return sorted(set(problems))


def json_file(path: Path, problems: list[str], where: str) -> Any:
    """Return the decoded JSON file, or None after adding a problem."""
    if not path.is_file():
        problems.append(f"{where} is missing")
        return None
    try:
        return json.loads(path.read_text())
    except ValueError as err:
        problems.append(f"{where} is not JSON: {err}")
        return None


def git(tree: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git in `tree` without the user's or the system's settings; return its output."""
    settings = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    result = subprocess.run(  # noqa: S603 - git with our arguments
        ["git", "-C", str(tree), *args],  # noqa: S607 - git from PATH
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | settings | (env or {}),
    )
    if result.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def git_problems(tree: Path, version: str) -> list[str]:
    """Return problems of the tree's git repository: the tag of `version`, a clean tree."""
    if shutil.which("git") is None:
        return ["the tree is a git repository, but git is not here to check it"]
    problems = []
    if f"v{version}" not in git(tree, "tag", "--points-at", "HEAD").split():
        problems.append(f"git: HEAD is not tagged v{version}")
    if changed := git(tree, "status", "--porcelain").splitlines():
        problems.append(f"git: files differ from HEAD: {', '.join(changed[:5])}")
    return problems


def check_tree(tree: Path) -> list[str]:
    """Return every problem of a release tree; [] if HACS and hassfest would take it."""
    if not tree.is_dir():
        return ["not a folder"]
    problems: list[str] = []
    components = tree / "custom_components"
    folders = sorted(components.iterdir()) if components.is_dir() else []
    if len(folders) != 1 or not folders[0].is_dir():
        names = ", ".join(f.name for f in folders) or "nothing"
        problems.append(
            f"custom_components/ must hold one integration folder, not {names}"
        )
    manifests = [
        path.relative_to(tree)
        for path in tree.rglob("manifest.json")
        if ".git" not in path.relative_to(tree).parts
    ]
    problems += [
        f"{path} would be validated by hassfest too: only the integration's manifest.json may exist"
        for path in manifests
        if len(path.parts) != 3 or path.parts[0] != "custom_components"
    ]
    problems += [
        f"{path.relative_to(tree)} must not be released"
        for pattern in ("__pycache__", "*.pyc")
        for path in tree.rglob(pattern)
    ]
    hacs = json_file(tree / "hacs.json", problems, "hacs.json")
    if hacs is not None:
        problems += hacs_problems(hacs)
    problems += licence_problems(tree)
    if not (tree / "README.md").is_file():
        problems.append("README.md is missing")
    workflow = tree / WORKFLOW
    if not workflow.is_file():
        problems.append(f"{WORKFLOW} is missing")
    else:
        text = workflow.read_text()
        problems += [
            f"{WORKFLOW} lacks {need!r}" for need in WORKFLOW_NEEDS if need not in text
        ]
    if folders and folders[0].is_dir():
        folder = folders[0]
        where = f"custom_components/{folder.name}/manifest.json"
        manifest = json_file(folder / "manifest.json", problems, where)
        if manifest is not None:
            problems += manifest_problems(manifest, folder.name)
        problems += brand_problems(folder)
        problems += translation_problems(folder)
        if (tree / ".git").exists() and isinstance(manifest, dict):
            problems += git_problems(tree, str(manifest.get("version")))
    return problems


def zip_problems(archive: Path, folder: Path) -> list[str]:
    """Return how the zip's content differs from `folder`'s files (at the zip's root)."""
    if not archive.is_file():
        return [f"{archive.name} is missing"]
    files = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }
    with zipfile.ZipFile(archive) as zipped:
        packed = {
            info.filename: zipped.read(info)
            for info in zipped.infolist()
            if not info.is_dir()
        }
    return [
        f"{archive.name}: {name} {'is missing' if name not in packed else 'is not in the folder' if name not in files else 'differs'}"
        for name in sorted(files.keys() | packed.keys())
        if files.get(name) != packed.get(name)
    ]


# --- building -----------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    """A built release: the repository tree and the zip asset."""

    domain: str
    version: str
    tree: Path
    zip: Path


def integrations() -> list[str]:
    """Return the domain of every integration folder with a manifest.json."""
    return sorted(p.parent.name for p in REPO.glob("custom_components/*/manifest.json"))


def release_folder(out: Path) -> Path:
    """Return `out`, resolved; refuse the repository, a folder above it or one in it.

    Inside the repository only .release/ (git-ignored) may hold releases.
    """
    out = out.resolve()
    if out == REPO or out in REPO.parents:
        raise ReleaseError(f"--out {out} is or contains the repository")
    if out.is_relative_to(REPO) and not out.is_relative_to(RELEASES):
        raise ReleaseError(
            f"--out {out} is inside the repository's tree: use {RELEASES} or a folder outside"
        )
    return out


def remove_previous(tree: Path, out: Path, domain: str) -> None:
    """Delete an earlier release of `domain` at `tree`; refuse anything else."""
    if not tree.exists() and not tree.is_symlink():
        return
    if (
        tree.is_symlink()
        or tree.parent.resolve() != out
        or tree.name != domain
        or not (tree / "hacs.json").is_file()
        or not (tree / "custom_components" / domain / "manifest.json").is_file()
    ):
        raise ReleaseError(
            f"{tree} exists and is not an earlier release of {domain}: remove it or choose another --out"
        )
    shutil.rmtree(tree)


def section_of(readme: str, domain: str) -> str:
    """Return the `## DOMAIN` section of README.md, one heading level up, without its title."""
    match = re.search(
        rf"^## {re.escape(domain)}\n(.*?)(?=^## |\Z)", readme, re.MULTILINE | re.DOTALL
    )
    if match is None:
        raise ReleaseError(f"README.md has no section '## {domain}'")
    return re.sub(r"^###", "##", match.group(1), flags=re.MULTILINE).strip()


def link_repository_paths(text: str, domain: str, source: str) -> str:
    """Turn `paths` of the source repository (not released) into links to it."""

    def link(match: re.Match[str]) -> str:
        path = match.group(1)
        if (
            "/" not in path
            or path.startswith(f"custom_components/{domain}")
            or not (REPO / path).exists()
        ):
            return match.group(0)
        return f"[`{path}`]({source}/blob/HEAD/{path.rstrip('/')})"

    return re.sub(r"`([\w./-]+)`", link, text)


def readme(manifest: dict[str, Any], source: str, licence: str) -> str:
    """Return README.md of the release: installation, then the integration's section."""
    domain, name = manifest["domain"], manifest["name"]
    owner = source.rstrip("/").rsplit("/", 2)[-2]
    published = f"https://github.com/{owner}/{domain}"
    section = section_of((REPO / "README.md").read_text(), domain)
    intro, _, rest = link_repository_paths(section, domain, source).partition("\n## ")
    rest = f"## {rest.strip()}\n\n" if rest.strip() else ""
    repository = source.removeprefix("https://github.com/")
    return f"""\
# {name}

A custom integration for [Home Assistant](https://www.home-assistant.io/) (domain `{domain}`, version {manifest["version"]}).

{intro.strip()}

This repository is generated from [{repository}]({source}) by its `scripts/release`: the code, its tests and simulated devices, and the [issue tracker]({source}/issues) live there; changes made here are overwritten by the next release.

## Installation

Needs Home Assistant {MIN_HOMEASSISTANT} or newer. Either:

- **Marketplace (HACS)**: in Home Assistant 2026.11 or newer open the Marketplace (on older versions, HACS), add `{published}` as a custom repository of type *Integration* (this needs a GitHub account), download *{name}* and restart Home Assistant. Updates then appear there.
- **By hand**: download `{domain}.zip` from the [latest release]({published}/releases/latest), unpack it into a new folder `custom_components/{domain}/` of your Home Assistant configuration folder (beside `configuration.yaml`; the zip's files go straight into that folder) and restart Home Assistant. To update, replace the folder's content and restart.

{rest}## Licence

{licence}: see [LICENSE](LICENSE).
"""


def write_zip(folder: Path, archive: Path) -> None:
    """Write the files of `folder` at the root of `archive`, sorted, with fixed times."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zipped.writestr(info, path.read_bytes())


def source_git(*args: str) -> str:
    """Return git's answer about the source repository (with the user's settings), or ''."""
    with suppress(OSError):
        return subprocess.run(  # noqa: S603 - git with our arguments
            ["git", "-C", str(REPO), *args],  # noqa: S607 - git from PATH
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    return ""


def make_repository(release: Release, name: str) -> None:
    """Make the tree a git repository: one commit on main, tagged vVERSION.

    The author is the source repository's git user (else a neutral one); the dates are
    those of the source's last commit, so the same sources give the same commit.
    """
    author = source_git("config", "user.name") or NEUTRAL_AUTHOR[0]
    email = source_git("config", "user.email") or NEUTRAL_AUTHOR[1]
    commit = source_git("rev-parse", "--short", "HEAD") or "unknown"
    released = (f"custom_components/{release.domain}", "README.md", "LICENSE")
    changed = source_git("status", "--porcelain", "--", *released)
    dirty = " with uncommitted changes" if changed else ""
    date = source_git("log", "-1", "--format=%cI") or "2026-01-01T00:00:00+00:00"
    identity = {
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_COMMITTER_DATE": date,
    }
    tree, tag = release.tree, f"v{release.version}"
    message = f"{name} {release.version}\n\nBuilt by scripts/release from commit {commit}{dirty}."
    git(tree, "init", "--quiet", "--initial-branch=main")
    git(tree, "add", "--all")
    git(tree, "commit", "--quiet", "--no-verify", "--message", message, env=identity)
    git(
        tree,
        "tag",
        "--annotate",
        tag,
        "--message",
        f"{name} {release.version}",
        env=identity,
    )


def build(domain: str, version: str | None, out: Path, *, with_git: bool) -> Release:
    """Build the release of `domain` in `out`; return it."""
    source_folder = REPO / "custom_components" / domain
    manifest = json.loads((source_folder / "manifest.json").read_text())
    version = version or manifest["version"]
    if problems := version_problem(version, "version"):
        raise ReleaseError(problems[0])
    manifest["version"] = version
    if problems := manifest_problems(manifest, domain):
        raise ReleaseError("; ".join(problems))
    source = manifest["issue_tracker"].removesuffix("/issues")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", source):
        raise ReleaseError(
            f"issue_tracker of {domain} is not a GitHub repository's issues"
        )
    licence = licence_of((REPO / "LICENSE").read_text())
    if licence is None:
        raise ReleaseError("LICENSE is not an OSI licence HACS accepts")
    tree = out / domain
    remove_previous(tree, out, domain)
    folder = tree / "custom_components" / domain
    shutil.copytree(
        source_folder, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py[cod]")
    )
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    hacs = {
        "name": manifest["name"],
        "homeassistant": MIN_HOMEASSISTANT,
        "zip_release": True,
        "filename": f"{domain}.zip",
        "render_readme": True,
    }
    (tree / "hacs.json").write_text(json.dumps(hacs, indent=2) + "\n")
    (tree / "README.md").write_text(readme(manifest, source, licence))
    shutil.copyfile(REPO / "LICENSE", tree / "LICENSE")
    (tree / WORKFLOW).parent.mkdir(parents=True)
    (tree / WORKFLOW).write_text(WORKFLOW_TEXT)
    release = Release(domain, version, tree, out / f"{domain}.zip")
    write_zip(folder, release.zip)
    if with_git:
        make_repository(release, manifest["name"])
    return release


def vendor_check() -> None:
    """Refuse to release when a vendored energy_api differs from energy_api/."""
    result = subprocess.run(  # noqa: S603 - our own script
        [str(REPO / "scripts" / "vendor"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ReleaseError(
            f"scripts/vendor --check failed:\n{result.stdout}{result.stderr}"
        )


def release_main(argv: Sequence[str]) -> int:
    """Run `scripts/release`: build the releases asked for."""
    parser = argparse.ArgumentParser(
        prog="scripts/release",
        description="Build an integration's repository tree and zip, ready to publish.",
    )
    parser.add_argument("domain", nargs="?", help="the integration (its folder name)")
    parser.add_argument("--all", action="store_true", help="every integration")
    parser.add_argument("--version", help="release version (default: the manifest's)")
    parser.add_argument("--out", type=Path, default=RELEASES, help="default: .release/")
    parser.add_argument(
        "--no-git",
        action="store_true",
        help="make no git repository (where git is missing)",
    )
    args = parser.parse_args(argv)
    if (args.domain is None) == (not args.all):
        parser.error("name one DOMAIN or --all")
    if args.all and args.version:
        parser.error("--version applies to one integration")
    if args.domain and args.domain not in integrations():
        parser.error(
            f"no integration {args.domain!r}; there are: {', '.join(integrations())}"
        )
    if not args.no_git and shutil.which("git") is None:
        parser.error("git is needed to make the repositories (or pass --no-git)")
    try:
        out = release_folder(args.out)
        vendor_check()
        out.mkdir(parents=True, exist_ok=True)
        for domain in integrations() if args.all else [args.domain]:
            release = build(domain, args.version, out, with_git=not args.no_git)
            folder = release.tree / "custom_components" / domain
            if problems := check_tree(release.tree) + zip_problems(release.zip, folder):
                return fail(f"the release of {domain} fails its check", problems)
            say(f"{domain} {release.version}: {release.tree} and {release.zip}")
    except ReleaseError as err:
        return fail(str(err), [])
    return 0


def fail(message: str, problems: list[str]) -> int:
    """Print why scripts/release failed; return its exit code."""
    print(f"scripts/release: {message}", *problems, sep="\n  ", file=sys.stderr)  # noqa: T201
    return 1


def say(line: str) -> None:
    """Print a line of progress."""
    print(line, flush=True)  # noqa: T201


def build_all() -> list[str]:
    """Build every release in a new temporary folder; return the problems found; remove it."""
    vendor_check()
    out = Path(tempfile.mkdtemp(prefix=BUILD_PREFIX)).resolve()
    found: list[str] = []
    try:
        for domain in integrations():
            release = build(domain, None, out, with_git=True)
            folder = release.tree / "custom_components" / domain
            problems = check_tree(release.tree) + zip_problems(release.zip, folder)
            found += [f"{domain}: {problem}" for problem in problems]
            if not problems:
                say(f"release_check: ok: {domain} {release.version} builds and passes")
    finally:
        temp = Path(tempfile.gettempdir()).resolve()
        assert out.parent == temp, out  # noqa: S101 - never delete anything else
        assert out.name.startswith(BUILD_PREFIX), out  # noqa: S101
        shutil.rmtree(out)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--release"]:
        return release_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="release_check.py", description="Check release trees of integrations."
    )
    parser.add_argument("trees", nargs="*", type=Path, help="release trees to check")
    parser.add_argument(
        "--build-all",
        action="store_true",
        help="build every integration's release in a temporary folder and check it",
    )
    args = parser.parse_args(argv)
    if bool(args.trees) == args.build_all:
        parser.error("give TREE... or --build-all")
    try:
        found = (
            build_all()
            if args.build_all
            else [
                f"{tree}: {problem}"
                for tree in args.trees
                for problem in check_tree(tree)
            ]
        )
    except ReleaseError as err:
        found = [str(err)]
    for problem in found:
        print(f"release_check: {problem}", file=sys.stderr)  # noqa: T201
    if not found and not args.build_all:
        say(f"release_check: ok: {', '.join(map(str, args.trees))}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
