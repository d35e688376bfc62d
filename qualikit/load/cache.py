"""A cache of the loaded project, so the daily `remind` of a large project starts in a blink.

Keyed by the SHA-256 of every input file (and of qualikit's own loading code), so any edit,
however small, reloads. The cache lives in the project's .qualikit/ folder, beside the
project secret and the journal: the same trust as the project itself. A damaged or stale
cache is ignored; a folder where it cannot be written simply goes uncached.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from qualikit.files import write_atomic
from qualikit.load.schema import WORKBOOK, YAML_FILES

CACHE = Path(".qualikit") / "cache" / "projet.pickle"
_CODE = Path(__file__).resolve().parent.parent
_MODULES = ("model.py", "checks.py", "diagnostics.py", "load/build.py", "load/fields.py", "load/schema.py",
            "load/yaml_source.py", "load/xlsx_source.py", "load/__init__.py", "load/cache.py")


def fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for name in _MODULES:
        digest.update((_CODE / name).read_bytes())
    for name in (*YAML_FILES, WORKBOOK):
        path = root / name
        digest.update(name.encode() + b"\0")
        if path.is_file():
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    assets = root / "assets"
    if assets.is_dir():
        for path in sorted(assets.rglob("*")):
            if path.is_file():
                digest.update(f"{path.relative_to(root)}\0{path.stat().st_size}".encode())
    return digest.hexdigest()


def read(root: Path, key: str):
    try:
        stored_key, loaded = pickle.loads((root / CACHE).read_bytes())
    except Exception:
        return None
    return loaded if stored_key == key else None


def write(root: Path, key: str, loaded) -> None:
    try:
        write_atomic(root / CACHE, pickle.dumps((key, loaded), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass
