"""The journal: one append-only, hash-chained log of what qualikit did.

It is the proof that a document was issued or a message sent, and the
memory that lets a command do things exactly once. Hence three properties:

- tamper-evident: each entry carries the SHA-256 of the previous one, so an
  edited, deleted or reordered line shows up in `verify()`;
- crash-safe: an entry is one `os.write` of a whole line to an O_APPEND file,
  then fsync; a torn last line is reported on read and moved aside to
  `journal.jsonl.torn` by the next append, never silently dropped;
- concurrency-safe: appends hold a file lock and re-read the tail under it,
  so two processes never fork the chain.

Reading never modifies anything (no file, no lock file is created).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from filelock import FileLock

from qualikit.base.files import sync_dir

GENESIS = "0" * 64
REPAIRED = "journal.repaired"

_BINARY = getattr(os, "O_BINARY", 0)  # Windows would otherwise turn "\n" into "\r\n"
_BLOCK = 1 << 16
# Seconds between lock attempts; given to acquire() since filelock < 3.24 has no such init arg.
_POLL = 0.01


def _reject(name: str) -> None:
    raise ValueError(f"{name} n'est pas du JSON valide")


_DECODER = json.JSONDecoder(parse_constant=_reject)  # NaN/Infinity are not JSON


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the journal; `prev` and `hash` chain it to the line before."""

    seq: int
    ts: datetime
    kind: str
    key: str | None
    data: dict
    prev: str
    hash: str


@dataclass(frozen=True, slots=True)
class JournalProblem:
    """A tamper or torn-write finding, returned as a value (never raised)."""

    line: int  # 1-based line number in journal.jsonl
    message: str  # French, for the trainer


def _canonical(obj: object) -> str:
    """The one serialisation used both for hashing and for writing lines."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _digest(obj: dict) -> str:
    """SHA-256 of an entry's canonical JSON without its own `hash` field."""
    body = {k: v for k, v in obj.items() if k != "hash"}
    return hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()


def _parse(line: bytes) -> tuple[dict, Entry] | None:
    """A line as (raw object, Entry), or None when it is not a well-formed entry."""
    try:
        # raw_decode: json.loads' Python-level wrapper doubles the cost of 30,000 small lines.
        text = line.decode("utf-8").strip(" \t\r")
        obj, end = _DECODER.raw_decode(text)
        if end != len(text):
            return None
        entry = Entry(
            obj["seq"],
            datetime.fromisoformat(obj["ts"]),
            obj["kind"],
            obj["key"],
            obj["data"],
            obj["prev"],
            obj["hash"],
        )
    except (ValueError, KeyError, TypeError):
        return None
    if (
        type(entry.seq) is not int
        or type(entry.data) is not dict
        or type(entry.kind) is not str
        or type(entry.prev) is not str
        or type(entry.hash) is not str
        or not (entry.key is None or type(entry.key) is str)
        or entry.ts.tzinfo is None
    ):
        return None
    return obj, entry


@dataclass(frozen=True, slots=True)
class _Scan:
    """The whole file, split into complete lines and a possibly torn tail."""

    parsed: list[tuple[dict, Entry] | None]  # line i + 1, or None when unreadable
    torn: tuple[int, int] | None  # (line number, byte count) of a torn last line


def _scan(raw: bytes) -> _Scan:
    """Torn tail = bytes after the last newline, else a last line that does not parse."""
    lines = raw.split(b"\n")
    fragment = lines.pop()
    parsed = [_parse(line) for line in lines]
    torn = None
    if fragment:
        torn = (len(lines) + 1, len(fragment))
    elif parsed and parsed[-1] is None:
        torn = (len(lines), len(lines[-1]) + 1)
        parsed.pop()
    return _Scan(parsed, torn)


def _lines_from_end(f: BinaryIO, size: int) -> Iterator[tuple[int, bytes]]:
    """(start offset, line without newline) from the last to the first line.

    The first item is the part after the last newline (b"" when the file ends
    cleanly). Reads blocks from the end so an append costs O(1), not O(file).
    """
    pos, pending = size, b""
    while pos > 0:
        start = max(0, pos - _BLOCK)
        f.seek(start)
        pending = f.read(pos - start) + pending
        pos = start
        while (cut := pending.rfind(b"\n")) != -1:
            yield pos + cut + 1, pending[cut + 1 :]
            pending = pending[:cut]
    yield 0, pending


def _write_all(path: Path, data: bytes) -> None:
    """Append `data` with a single write (never interleaved with another), then fsync."""
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _BINARY, 0o666)
    try:
        written = os.write(fd, data)
        _sync(fd)
    finally:
        os.close(fd)
    if written != len(data):  # disk full: the torn bytes are salvaged by the next append
        raise OSError(f"écriture incomplète dans {path.name} (disque plein\u00a0?)")
    if created:
        sync_dir(path.parent)


def _sync(fd: int) -> None:
    """fsync, with macOS' F_FULLFSYNC since its plain fsync does not reach the disk."""
    if sys.platform == "darwin":
        import fcntl

        try:
            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
            return
        except OSError:
            pass
    os.fsync(fd)


class Journal:
    """journal.jsonl in the trainer's project folder."""

    def __init__(self, path: Path, clock: Callable[[], datetime]) -> None:
        self.path = Path(path)
        self.torn_path = self.path.with_name(self.path.name + ".torn")
        self._clock = clock
        # One lock object per path in this process: nested locked()/append() calls, even
        # from two Journal objects, count up instead of deadlocking on the OS lock (a
        # second FileLock on the same file would).
        self._lock = FileLock(str(self.path) + ".lock", is_singleton=True)

    def now(self) -> datetime:
        """The moment the next entry will carry (the run's clock): the date of what is issued with it."""
        return self._clock()

    # -- reading: never writes ------------------------------------------------

    def _read(self) -> _Scan:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raw = b""
        return _scan(raw)

    def entries(self) -> list[Entry]:
        """Complete entries in file order; unreadable lines and a torn tail are skipped."""
        return [p[1] for p in self._read().parsed if p is not None]

    def entries_of(self, kind: str) -> list[Entry]:
        """The entries of one kind, without parsing the others (a daily run that only needs
        to know which sessions were closed reads 30,000 lines in a few milliseconds)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        needle = f'"kind":{json.dumps(kind, ensure_ascii=False)}'.encode()
        if needle not in raw:
            return []
        found = (_parse(line) for line in raw.split(b"\n") if needle in line)
        return [p[1] for p in found if p is not None and p[1].kind == kind]

    def verify(self) -> list[JournalProblem]:
        """Every break in the chain, one problem per line; [] when intact."""
        scan = self._read()
        problems: list[JournalProblem] = []
        expected_seq, last_hash = 1, GENESIS
        for line, parsed in enumerate(scan.parsed, 1):
            if parsed is None:
                problems.append(
                    JournalProblem(
                        line,
                        "ligne illisible\u00a0: ce n'est pas une entrée de journal valide (modifiée à la main\u00a0?)",
                    )
                )
                continue
            obj, entry = parsed
            if _digest(obj) != entry.hash:
                problems.append(
                    JournalProblem(line, f"entrée n° {entry.seq} modifiée après coup (empreinte incorrecte)")
                )
            elif entry.seq != expected_seq:
                problems.append(
                    JournalProblem(
                        line,
                        f"entrée n° {entry.seq} trouvée là où la n° {expected_seq} était attendue "
                        "(entrée supprimée ou déplacée)",
                    )
                )
            elif entry.prev != last_hash:
                problems.append(
                    JournalProblem(
                        line,
                        f"entrée n° {entry.seq}\u00a0: le lien avec l'entrée précédente est rompu "
                        "(entrée supprimée, déplacée ou modifiée)",
                    )
                )
            expected_seq, last_hash = entry.seq + 1, entry.hash
        if scan.torn is not None:
            line, size = scan.torn
            problems.append(
                JournalProblem(
                    line,
                    f"fin du journal coupée ({size} octets, écriture interrompue)\u00a0: "
                    f"elle sera mise de côté dans {self.torn_path.name} au prochain enregistrement",
                )
            )
        return problems

    def done(self, key: str) -> Entry | None:
        """The last entry recorded with `key`, or None: "was this already done?"."""
        for entry in reversed(self.entries()):
            if entry.key == key:
                return entry
        return None

    def keys(self) -> set[str]:
        """All idempotency keys, for checking a whole batch with one read."""
        return {e.key for e in self.entries() if e.key is not None}

    # -- writing --------------------------------------------------------------

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the journal lock for a batch: check done() then append, atomically.

        Reentrant within the process; other processes wait. The OS releases the
        lock if the process dies, so a crash never leaves the journal stuck.
        """
        with self._acquire():
            yield

    def append(self, kind: str, data: dict | None = None, key: str | None = None) -> Entry:
        """Record one fact, chained to the last entry on disk (re-read under the lock)."""
        data = {} if data is None else data
        if not isinstance(kind, str) or not (key is None or isinstance(key, str)):
            raise TypeError("kind must be a str and key a str or None")
        if not isinstance(data, dict):
            raise TypeError("data must be a dict")
        _canonical(data)  # fail on non-JSON data before touching the file
        with self._acquire():
            torn_start, size, last = self._tail()
            if torn_start < size:
                last = self._salvage(torn_start, size, last)
            return self._write(kind, data, key, last)

    def _acquire(self) -> AbstractContextManager[object]:
        """The lock, refusing a missing folder: filelock would silently create it."""
        if not self.path.parent.is_dir():
            raise FileNotFoundError(f"dossier introuvable\u00a0: {self.path.parent}")
        return self._lock.acquire(poll_interval=_POLL)

    def _now(self) -> str:
        now = self._clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("l'horloge du journal doit donner une heure avec fuseau horaire")
        return now.isoformat(timespec="seconds")

    def _tail(self) -> tuple[int, int, Entry | None]:
        """(start of torn tail, file size, last well-formed entry), reading from the end."""
        if not self.path.exists():
            return 0, 0, None
        with open(self.path, "rb") as f:
            size = f.seek(0, os.SEEK_END)
            lines = _lines_from_end(f, size)
            start, fragment = next(lines)
            torn_start = start if fragment else size
            for n, (start, line) in enumerate(lines):
                parsed = _parse(line)
                if parsed is not None:
                    return torn_start, size, parsed[1]
                if n == 0 and not fragment:  # an unreadable last line is torn too
                    torn_start = start
        return torn_start, size, None

    def _salvage(self, start: int, size: int, last: Entry | None) -> Entry:
        """Move the torn tail to journal.jsonl.torn, cut it off, and record the repair.

        The copy is made durable before the cut: a crash in between only
        duplicates the salvage, it never loses the bytes.
        """
        with open(self.path, "rb") as f:
            f.seek(start)
            torn = f.read(size - start)
        header = (
            f"--- {self._now()} : {len(torn)} octets coupés à la fin de {self.path.name} "
            f"(à partir de l'octet {start}) ---\n"
        )
        end = b"" if torn.endswith(b"\n") else b"\n"
        _write_all(self.torn_path, header.encode("utf-8") + torn + end)
        fd = os.open(self.path, os.O_RDWR | _BINARY)
        try:
            os.ftruncate(fd, start)
            _sync(fd)
        finally:
            os.close(fd)
        data = {"bytes": len(torn), "offset": start, "moved_to": self.torn_path.name}
        return self._write(REPAIRED, data, None, last)

    def _write(self, kind: str, data: dict, key: str | None, last: Entry | None) -> Entry:
        obj = {
            "seq": 1 if last is None else last.seq + 1,
            "ts": self._now(),
            "kind": kind,
            "key": key,
            "data": data,
            "prev": GENESIS if last is None else last.hash,
        }
        obj["hash"] = _digest(obj)
        line = _canonical(obj).encode("utf-8") + b"\n"
        _write_all(self.path, line)
        parsed = _parse(line[:-1])  # exactly what readers will see (tuples become lists, ...)
        if parsed is None:
            raise ValueError(f"entrée illisible après écriture\u00a0: {line!r}")
        return parsed[1]
