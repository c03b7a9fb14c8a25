"""Model management: find, validate and install Argos Translate packages.

``argostranslate.package`` does what it is good at: the packages directory
(``ARGOS_PACKAGES_DIR``), reading installed packages, its index and downloads,
so packages installed for Argos Translate or LibreTranslate are found. Archives
are validated and extracted here, safely, because Argos' own installer extracts
any zip as it is.
"""

from __future__ import annotations

import json
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from packaging.version import InvalidVersion, Version

from pipeline.errors import ModelMissingError, PackageError
from pipeline.model import ModelPackage

FROM_CODE, TO_CODE = "de", "en"
MAX_UNCOMPRESSED_BYTES = 4 * 1024**3
"""Real de→en packages are 100–300 MB; anything past this is treated as a zip bomb."""
MAX_ENTRIES = 10_000
NETWORK_TIMEOUT_SECONDS = 30

HOW_TO_GET_A_MODEL = (
    "No German→English model package is installed. Get one in one of three ways: "
    "(1) make setup MODEL=path/to/translate-de_en.argosmodel (or python -m pipeline model install FILE), "
    "(2) put the .argosmodel file into models/ and run make setup, or "
    "(3) on a machine with internet access, python -m pipeline model download (Argos Translate's package index). "
    "Packages already installed for Argos Translate or LibreTranslate are found too "
    "(set ARGOS_PACKAGES_DIR if they live elsewhere). "
    "To try the pipeline without a real model: make fixture-model (its English is gibberish)."
)


def packages_dir() -> Path:
    from argostranslate import settings

    return Path(settings.package_data_dir)


def installed_packages() -> list[ModelPackage]:
    """Every installed translation package, in all of Argos' package directories."""
    from argostranslate import package as argos_package
    from argostranslate import settings

    found = []
    for directory in settings.package_dirs:
        # Argos' get_installed_packages() fails on any folder without metadata.json; skip those.
        for folder in sorted(Path(directory).glob("*/metadata.json")):
            installed = argos_package.Package(folder.parent)
            if installed.type == "translate" and installed.from_code and installed.to_code:
                found.append(_describe(installed.package_path, installed.code, installed.package_version,
                                       installed.from_code, installed.to_code))
    return sorted(found, key=lambda p: (p.from_code, p.to_code, p.name))


def find_package(from_code: str = FROM_CODE, to_code: str = TO_CODE) -> ModelPackage:
    """The newest installed package for the language pair, or ``ModelMissingError``."""
    candidates = [p for p in installed_packages() if (p.from_code, p.to_code) == (from_code, to_code)]
    if not candidates:
        raise ModelMissingError(HOW_TO_GET_A_MODEL)
    return max(candidates, key=lambda p: (_version_key(p.version), p.name))


def install_archive(archive: Path) -> ModelPackage:
    """Validate a ``.argosmodel`` file and install it; nothing is installed on failure."""
    root = _validate_archive(archive)
    target_dir = packages_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    destination = target_dir / root
    # Staged beside the packages directory (same file system, so the final rename is
    # atomic) rather than inside it, where Argos would list a half-extracted package.
    staging = Path(tempfile.mkdtemp(prefix=".argos-installing-", dir=target_dir.parent))
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                path = staging / info.filename
                if info.is_dir():
                    path.mkdir(parents=True, exist_ok=True)
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as source, open(path, "wb") as out:
                    shutil.copyfileobj(source, out)
        if destination.exists():
            destination.rename(staging / ".previous")
        (staging / root).rename(destination)
    except (OSError, zipfile.BadZipFile) as error:
        raise PackageError(f"{archive}: could not be installed into {target_dir}: {error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    metadata = _read_metadata(destination / "metadata.json", archive)
    return _describe(destination, metadata.get("code"), metadata.get("package_version", ""),
                     metadata["from_code"], metadata["to_code"])


def download_from_index(from_code: str = FROM_CODE, to_code: str = TO_CODE) -> ModelPackage:
    """Fetch Argos' package index and install the package for the pair (needs internet)."""
    import socket

    from argostranslate import package as argos_package
    from argostranslate import settings

    socket.setdefaulttimeout(NETWORK_TIMEOUT_SECONDS)
    # update_package_index() swallows network errors, and get_available_packages() then
    # retries it recursively without end; so check that the index arrived first.
    argos_package.update_package_index()
    if not Path(settings.local_package_index).exists():
        raise PackageError(f"Argos Translate's package index ({settings.remote_package_index}) cannot be reached")
    available = [p for p in argos_package.get_available_packages() if (p.from_code, p.to_code) == (from_code, to_code)]
    if not available:
        raise PackageError(f"Argos Translate's package index has no {from_code}→{to_code} package")
    newest = max(available, key=lambda p: _version_key(p.package_version))
    try:
        archive = Path(newest.download())
    except Exception as error:
        raise PackageError(f"download of {newest} failed: {error}") from None
    try:
        return install_archive(archive)
    finally:
        archive.unlink(missing_ok=True)


def _validate_archive(archive: Path) -> str:
    """Check an archive without extracting it; return its single top-level folder."""
    if not archive.is_file():
        raise PackageError(f"{archive}: no such file")
    if not zipfile.is_zipfile(archive):
        raise PackageError(f"{archive}: not a zip archive, so not an Argos Translate package (.argosmodel)")
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            _check_entries(archive, infos)
            bad = zf.testzip()
            if bad:
                raise PackageError(f"{archive}: damaged archive (bad checksum for {bad}); download it again")
            names = {info.filename.rstrip("/") for info in infos}
            roots = {PurePosixPath(name).parts[0] for name in names}
            if len(roots) != 1:
                raise PackageError(f"{archive}: an Argos package holds exactly one top-level folder; found {len(roots)}")
            root = roots.pop()
            for required in ("metadata.json", "model/model.bin"):
                if f"{root}/{required}" not in names:
                    raise PackageError(f"{archive}: has no {required}; not an Argos Translate package")
            if not {f"{root}/sentencepiece.model", f"{root}/bpe.model"} & names:
                raise PackageError(f"{archive}: has no tokenizer (sentencepiece.model or bpe.model)")
            metadata = _parse_metadata(zf.read(f"{root}/metadata.json"), archive)
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise PackageError(f"{archive}: damaged or truncated archive ({error}); download it again") from None
    if (metadata["from_code"], metadata["to_code"]) != (FROM_CODE, TO_CODE):
        raise PackageError(
            f"{archive}: translates {metadata['from_code']}→{metadata['to_code']}, "
            f"but this pipeline needs {FROM_CODE}→{TO_CODE}"
        )
    return root


def _check_entries(archive: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise PackageError(f"{archive}: {len(infos)} entries is more than a model package holds ({MAX_ENTRIES})")
    total = 0
    for info in infos:
        name = info.filename
        path = PurePosixPath(name)
        if name.startswith(("/", "\\")) or path.is_absolute() or ":" in path.parts[0] or ".." in path.parts or "\\" in name:
            raise PackageError(f"{archive}: entry {name!r} would be written outside the package folder; refused")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise PackageError(f"{archive}: entry {name!r} is a symbolic link; refused")
        total += info.file_size
        if total > MAX_UNCOMPRESSED_BYTES:
            raise PackageError(f"{archive}: unpacks to more than {MAX_UNCOMPRESSED_BYTES // 1024**3} GiB; refused as a zip bomb")


def _parse_metadata(raw: bytes, archive: Path) -> dict:
    try:
        metadata = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PackageError(f"{archive}: metadata.json is not valid JSON ({error})") from None
    if not isinstance(metadata, dict) or not metadata.get("from_code") or not metadata.get("to_code"):
        raise PackageError(f"{archive}: metadata.json lacks from_code/to_code")
    if metadata.get("type", "translate") != "translate":
        raise PackageError(f"{archive}: is a {metadata.get('type')!r} package, not a translation package")
    return metadata


def _read_metadata(path: Path, archive: Path) -> dict:
    return _parse_metadata(path.read_bytes(), archive)


def _describe(path: Path, code: str | None, version: str, from_code: str, to_code: str) -> ModelPackage:
    return ModelPackage(name=code or Path(path).name, version=version or "unversioned",
                        from_code=from_code, to_code=to_code, path=Path(path))


def _version_key(version: str) -> Version:
    try:
        return Version(version)
    except InvalidVersion:
        return Version("0")
