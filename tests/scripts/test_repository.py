"""Repository files that HACS and Home Assistant read."""

import json

from tests.paths import REPO, load_script


def test_this_repository_is_not_installable_by_hacs() -> None:
    # HACS takes the first folder under custom_components/ of a repository with a
    # hacs.json: here that would install one integration of several. Each integration
    # is published in a repository of its own (scripts/release), which has hacs.json.
    assert not (REPO / "hacs.json").exists()


def test_every_manifest_passes_the_release_rules() -> None:
    checker = load_script("release_check")
    manifests = [
        *REPO.glob("custom_components/*/manifest.json"),
        *REPO.glob("benchmarks/**/manifest.json"),
    ]
    assert len(manifests) >= 2
    for path in manifests:
        manifest = json.loads(path.read_text())
        assert checker.manifest_problems(manifest, path.parent.name) == [], path


def test_only_configuration_yaml_of_config_is_tracked() -> None:
    ignore = (REPO / ".gitignore").read_text().splitlines()
    assert "config/*" in ignore
    assert "!config/configuration.yaml" in ignore


def test_releases_are_not_tracked() -> None:
    # scripts/release writes to .release/ by default: nested git repositories.
    assert ".release/" in (REPO / ".gitignore").read_text().splitlines()
