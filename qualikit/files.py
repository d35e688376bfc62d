"""Writing outputs whole or not at all, under names that cannot escape their folder."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path


def safe_name(text: str, limit: int = 80) -> str:
    """A file name from user text: ASCII letters, digits, - and _ only; never empty, never '..'."""
    bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", bare).strip("-_")[:limit]
    return name or "sans-nom"


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target, flush to disk, then rename over it: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def inside(root: Path, path: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, ValueError):
        return False
