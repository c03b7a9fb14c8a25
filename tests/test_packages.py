"""Model packages: validation refuses bad archives with a clear error and installs nothing."""

import json
import stat
import zipfile

import pytest

from conftest import run_cli
from pipeline import packages
from pipeline.errors import PackageError


def write_zip(path, entries, symlink=None):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return path


def good_entries(root="translate-de_en-test", **metadata):
    meta = {"from_code": "de", "to_code": "en", "package_version": "1.0", **metadata}
    return {f"{root}/metadata.json": json.dumps(meta), f"{root}/model/model.bin": b"x",
            f"{root}/sentencepiece.model": b"x"}


def installed_names():
    return sorted(p.name for p in packages.packages_dir().iterdir()) if packages.packages_dir().exists() else []


@pytest.mark.parametrize(
    "entries, symlink, message",
    [
        ({**good_entries(), "translate-de_en-test/../../evil.txt": "x"}, None, "outside the package folder"),
        ({**good_entries(), "/etc/evil": "x"}, None, "outside the package folder"),
        (good_entries(), "translate-de_en-test/link", "symbolic link"),
        ({k: v for k, v in good_entries().items() if not k.endswith("metadata.json")}, None, "no metadata.json"),
        ({k: v for k, v in good_entries().items() if not k.endswith("sentencepiece.model")}, None, "no tokenizer"),
        (good_entries(from_code="en", to_code="de"), None, "translates en→de"),
        ({**good_entries(), "translate-de_en-test/metadata.json": "{not json"}, None, "not valid JSON"),
        ({**good_entries(), "other/file": "x"}, None, "exactly one top-level folder"),
    ],
)
def test_bad_archives_are_refused_and_nothing_is_installed(tmp_path, entries, symlink, message, fixture_package):
    before = installed_names()
    archive = write_zip(tmp_path / "bad.argosmodel", entries, symlink)
    with pytest.raises(PackageError, match=message):
        packages.install_archive(archive)
    assert installed_names() == before


def test_not_a_zip_and_truncated_archive(tmp_path, fixture_archive):
    text = tmp_path / "model.argosmodel"
    text.write_text("hello")
    with pytest.raises(PackageError, match="not a zip archive"):
        packages.install_archive(text)
    truncated = tmp_path / "truncated.argosmodel"
    data = fixture_archive.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(PackageError):
        packages.install_archive(truncated)


def test_zip_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(packages, "MAX_UNCOMPRESSED_BYTES", 1000)
    archive = write_zip(tmp_path / "bomb.argosmodel", {**good_entries(), "translate-de_en-test/model/big": b"0" * 5000})
    with pytest.raises(PackageError, match="zip bomb"):
        packages.install_archive(archive)


def test_installed_fixture_is_found(fixture_package):
    assert fixture_package.path.parent == packages.packages_dir()
    assert packages.find_package() == fixture_package
    assert (fixture_package.path / "model" / "model.bin").exists()


def test_model_list_and_install_from_the_command_line(tmp_path, fixture_archive):
    empty = tmp_path / "pk"
    listing = run_cli("model", "list", packages_dir=empty)
    assert listing.returncode == 0 and b"no translation packages" in listing.stderr
    install = run_cli("model", "install", str(fixture_archive), packages_dir=empty)
    assert install.returncode == 0, install.stderr
    listing = run_cli("model", "list", packages_dir=empty)
    assert b"de\xe2\x86\x92en  fixture-tiny  0.0.1" in listing.stdout
    bad = run_cli("model", "install", str(tmp_path / "missing.argosmodel"), packages_dir=empty)
    assert bad.returncode == 1 and bad.stderr.startswith(b"error: ") and b"Traceback" not in bad.stderr
