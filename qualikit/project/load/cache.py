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

from qualikit.base.files import write_atomic
from qualikit.project.load.schema import WORKBOOK, YAML_FILES

CACHE = Path(".qualikit") / "cache" / "projet.pickle"
_CODE = Path(__file__).resolve().parent.parent.parent  # qualikit/
_MODULES = ("project/model.py", "project/checks.py", "base/diagnostics.py", "project/load/build.py",
            "project/load/fields.py",
            "project/load/schema.py", "project/load/yaml_source.py", "project/load/xlsx_source.py",
            "project/load/__init__.py", "project/load/cache.py")


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
