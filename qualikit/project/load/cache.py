"""A cache of the loaded project, so the daily `remind` of a large project starts in a blink.

Safe by construction: the cache is JSON (data, never code: see codec.py), and it lives in the
user's cache folder, never in the project folder — a project received from someone else, synced,
or installed with qualikit (examples/) cannot bring a cache with it, and `check` leaves nothing
in the folder it reads. Keyed by the SHA-256 of the content of every input file and of qualikit's
own loading code (not their dates): any edit, however small, reloads; a copy, a checkout or a
`touch` does not. A damaged, stale or foreign cache is ignored; a folder where it cannot be
written simply goes uncached.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from qualikit.base.files import write_atomic
from qualikit.project.load.schema import WORKBOOK, YAML_FILES

ENV = "QUALIKIT_CACHE_DIR"  # where caches go instead of the user's cache folder (tests, CI)
FORMAT = "qualikit-cache-1"
_CODE = Path(__file__).resolve().parent.parent.parent  # qualikit/
_MODULES = ("project/model.py", "project/checks.py", "base/diagnostics.py", "project/load/build.py",
            "project/load/fields.py", "project/load/codec.py",
            "project/load/schema.py", "project/load/yaml_source.py", "project/load/xlsx_source.py",
            "project/load/__init__.py", "project/load/cache.py")
_code_digest: bytes | None = None


def cache_dir() -> Path:
    """$QUALIKIT_CACHE_DIR, else %LOCALAPPDATA%\\qualikit\\cache (Windows), else
    $XDG_CACHE_HOME/qualikit or ~/.cache/qualikit."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "qualikit" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "qualikit"


def cache_file(root: Path) -> Path:
    """One file per project folder, named after its absolute path (which it does not reveal)."""
    where = str(root.resolve()).encode("utf-8", "surrogateescape")
    return cache_dir() / f"projet-{hashlib.sha256(where).hexdigest()[:32]}.json"


def fingerprint(root: Path) -> str:
    global _code_digest
    if _code_digest is None:
        code = hashlib.sha256(FORMAT.encode())
        for name in _MODULES:
            code.update((_CODE / name).read_bytes())
        _code_digest = code.digest()
    digest = hashlib.sha256(_code_digest)
    for name in (*YAML_FILES, WORKBOOK):
        path = root / name
        digest.update(name.encode() + b"\0")
        if path.is_file():
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    assets = root / "assets"
    if assets.is_dir():
        for path in sorted(assets.rglob("*")):
            if path.is_file():
                digest.update(f"{path.relative_to(root)}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def read(root: Path, key: str):
    """The cached Loaded for this key, or None (missing, stale, damaged, or not ours)."""
    from qualikit.base.gcpause import paused
    from qualikit.project.load import Loaded
    from qualikit.project.load.codec import decoder

    try:
        with open(cache_file(root), "rb") as f:
            head = f.readline()
            if json.loads(head) != [FORMAT, key]:  # the key is compared before the body is parsed
                return None
            with paused():  # tens of thousands of new records and no cycle among them
                return decoder(Loaded)(json.loads(f.read()))
    except (OSError, ValueError, TypeError, KeyError, ArithmeticError, RecursionError):
        return None


def write(root: Path, key: str, loaded) -> None:
    from qualikit.project.load import Loaded
    from qualikit.project.load.codec import encoder

    body = json.dumps(encoder(Loaded)(loaded), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    head = json.dumps([FORMAT, key])
    try:
        folder = cache_dir()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # learners' names: the user's eyes only
        write_atomic(cache_file(root), f"{head}\n{body}".encode())
    except OSError:
        pass
