"""Writing outputs whole or not at all, under names that cannot escape their folder."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def safe_name(text: str, limit: int = 80) -> str:
    """A file name from user text: ASCII letters, digits, - and _ only; never empty, never '..'."""
    bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", bare).strip("-_")[:limit]
    return name or "sans-nom"


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target, flush to disk, then rename over it: readers never see half a file."""
    write_atomic_with(path, lambda f: f.write(data))


def write_atomic_with(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """The same, for writers that want a file object (a workbook's save). The new file gets the
    old one's permissions, or the umask's (not mkstemp's 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_tmp(path.parent)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    sync_dir(path.parent)


# Ours: `.<name>.<8 random characters>.tmp` (write_atomic above, and mkstemp's in signing/).
_TMP = re.compile(r"^\..+\.[0-9a-z_]{8}\.tmp$")
STALE_SECONDS = 3600  # older than any write: the process that made it was killed
_swept: set[str] = set()


def remove_stale_tmp(folder: Path) -> list[Path]:
    """Remove the hidden temporary files a killed writer left in `folder`, once per run and folder.

    Only our own names, only after an hour (a writer running now is never touched). Not in
    .qualikit/ (the spool there has its own cleaning, in delivery/)."""
    where = str(folder)
    if where in _swept or ".qualikit" in folder.parts:
        return []
    _swept.add(where)
    removed = []
    now = time.time()
    try:
        with os.scandir(folder) as found:
            for item in found:
                if not _TMP.match(item.name):
                    continue
                try:
                    if item.is_file(follow_symlinks=False) and now - item.stat().st_mtime > STALE_SECONDS:
                        os.unlink(item.path)
                        removed.append(Path(item.path))
                except OSError:
                    continue
    except OSError:
        pass
    return removed


def sync_dir(folder: Path) -> None:
    """Make a new or renamed entry durable (POSIX; Windows cannot open a folder); best effort."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def inside(root: Path, path: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, ValueError):
        return False
