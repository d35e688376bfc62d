"""The journal: one append-only, hash-chained log of what qualikit did.

It is the proof that a document was issued or a message sent, and the
memory that lets a command do things exactly once. Hence three properties:

- tamper-evident: each entry carries the hash of the previous one, so an
  edited, deleted or reordered line shows up in `verify()`; the hash is an
  HMAC under the project's key (`"v": 2` entries), so a line edited and the
  chain rebuilt without the key shows too; and the head (last number and
  hash) is kept outside the journal (journal_head.py), so cut last lines do;
  an older journal (plain SHA-256, no `"v"`) still verifies, with a note,
  and new entries are keyed from the next write on;
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
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from filelock import FileLock

from qualikit.base.files import sync_dir
from qualikit.project.journal_head import Head, compare, read_head, write_head

GENESIS = "0" * 64
REPAIRED = "journal.repaired"
KEYED = 2  # the "v" of an entry whose hash is an HMAC under the project's key
_DUE: dict[str, bytes | None] = {}  # journal path → key: appended to, head not yet rewritten

_BINARY = getattr(os, "O_BINARY", 0)  # Windows would otherwise turn "\n" into "\r\n"
_BLOCK = 1 << 16
# Seconds between lock attempts; given to acquire() since filelock < 3.24 has no such init arg.
_POLL = 0.01


def _reject(name: str) -> None:
    raise ValueError(f"{name} n'est pas du JSON valide")


_DECODER = json.JSONDecoder(parse_constant=_reject)  # NaN/Infinity are not JSON


def convention_key(session_id: str, buyer: str | None) -> str:
    """The journal key of a session's convention: one per buyer in an inter-company session."""
    return f"contract:convention:{session_id}{':' + buyer if buyer else ''}"


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


@dataclass(frozen=True)
class Verification:
    problems: list[JournalProblem]
    notes: list[str]  # French: what the trainer should know, but not a break (unkeyed start, …)
    head: Head | None  # the last entry's number and hash
    entries: list[Entry]  # the complete entries, as `entries()` reads them (one parse for both)


def _canonical(obj: object) -> str:
    """The one serialisation used both for hashing and for writing lines."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _digest(obj: dict, key: bytes | None = None) -> str:
    """An entry's hash over its canonical JSON without its own `hash` field: HMAC-SHA256 under the
    key for a keyed entry, plain SHA-256 for an older one."""
    import hmac

    body = _canonical({k: v for k, v in obj.items() if k != "hash"}).encode("utf-8")
    if obj.get("v") == KEYED:
        if key is None:
            raise ValueError("clé du journal absente")
        return hmac.new(key, body, hashlib.sha256).hexdigest()
    return hashlib.sha256(body).hexdigest()


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

    def __init__(self, path: Path, clock: Callable[[], datetime], key: bytes | None = None,
                 make_key: Callable[[], bytes] | None = None) -> None:
        """`key` seals new entries and checks sealed ones; without it, entries are written the
        older, unkeyed way. `make_key` gives one at the first write (the project's secret is
        created then, never by a reader)."""
        self.path = Path(path)
        self.torn_path = self.path.with_name(self.path.name + ".torn")
        self._clock = clock
        self.key = key
        self._make_key = make_key
        # One lock object per path in this process: nested locked()/append() calls, even
        # from two Journal objects, count up instead of deadlocking on the OS lock (a
        # second FileLock on the same file would).
        self._lock = FileLock(str(self.path) + ".lock", is_singleton=True)
        self._cached: tuple[tuple[int, int, int], bytes] | None = None

    def now(self) -> datetime:
        """The moment the next entry will carry (the run's clock): the date of what is issued with it."""
        return self._clock()

    # -- reading: never writes ------------------------------------------------

    def _raw(self) -> bytes:
        """The file's bytes, read again only when it changed (a daily run asks for several kinds
        of entries from one unchanged file)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return b""
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        if self._cached is None or self._cached[0] != stamp:
            self._cached = (stamp, self.path.read_bytes())
        return self._cached[1]

    def entries(self) -> list[Entry]:
        """Complete entries in file order; unreadable lines and a torn tail are skipped."""
        return [p[1] for p in _scan(self._raw()).parsed if p is not None]

    def entries_of(self, kind: str) -> list[Entry]:
        """The entries of one kind, without parsing the others (a daily run that only needs
        to know which sessions were closed reads 30,000 lines in a few milliseconds)."""
        raw = self._raw()
        needle = f'"kind":{json.dumps(kind, ensure_ascii=False)}'.encode()
        out = []
        at = raw.find(needle)
        while at != -1:  # only the lines holding the needle are cut out and parsed
            start = raw.rfind(b"\n", 0, at) + 1
            end = raw.find(b"\n", at)
            end = len(raw) if end == -1 else end
            parsed = _parse(raw[start:end])
            if parsed is not None and parsed[1].kind == kind:
                out.append(parsed[1])
            at = raw.find(needle, end)
        return out

    def verify(self, expected: Head | None = None) -> list[JournalProblem]:
        """Every break in the chain, one problem per line; [] when intact."""
        return self.check(expected).problems

    def check(self, expected: Head | None = None) -> Verification:
        """The chain, the seal of each keyed entry, the head file, and `expected` (a head copied
        from a digest, an export or a pack) when given."""
        try:  # read afresh: a verification never trusts a copy kept from earlier
            scan = _scan(self.path.read_bytes())
        except FileNotFoundError:
            scan = _scan(b"")
        problems: list[JournalProblem] = []
        notes: list[str] = []
        expected_seq, last_hash = 1, GENESIS
        keyed = unkeyed = 0
        no_key_reported = False
        by_seq: dict[int, str] = {}
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
            sealed = obj.get("v") == KEYED
            if sealed:
                keyed += 1
            elif keyed:
                problems.append(JournalProblem(line, f"entrée n°\u00a0{entry.seq} sans sceau après des entrées "
                                                     "scellées (journal réécrit sans la clé du projet\u00a0?)"))
            else:
                unkeyed += 1
            if sealed and self.key is None:
                if not no_key_reported:
                    problems.append(JournalProblem(line, "clé du projet introuvable (.qualikit/secret)\u00a0: les "
                                                         "entrées scellées ne peuvent pas être vérifiées"))
                    no_key_reported = True
                good = True
            else:
                good = _digest(obj, self.key) == entry.hash
            if not good:
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
            by_seq[entry.seq] = entry.hash
        last_line = len(scan.parsed)
        if scan.torn is not None:
            line, size = scan.torn
            problems.append(
                JournalProblem(
                    line,
                    f"fin du journal coupée ({size} octets, écriture interrompue)\u00a0: "
                    f"elle sera mise de côté dans {self.torn_path.name} au prochain enregistrement",
                )
            )
        last = max(by_seq) if by_seq else 0
        head = Head(last, by_seq[last]) if by_seq else None
        recorded, trouble = read_head(self.path, self.key)
        if trouble:
            problems.append(JournalProblem(last_line, trouble))
        elif recorded is not None:
            if (found := compare(recorded, by_seq, last, "journal.head")) is not None:
                problems.append(JournalProblem(last_line, found))
            elif recorded.seq < last:
                notes.append(f"{last - recorded.seq} entrée(s) après la tête enregistrée (n°\u00a0{recorded.seq}"
                             ", écriture interrompue\u00a0?)\u00a0: elle sera mise à jour au prochain enregistrement")
        elif keyed:
            problems.append(JournalProblem(last_line, "fichier journal.head absent\u00a0: impossible de savoir si "
                                                      "les dernières entrées ont été supprimées"))
        if expected is not None and (found := compare(expected, by_seq, last, "la tête donnée")) is not None:
            problems.append(JournalProblem(last_line, found))
        if unkeyed and not keyed:
            notes.append("journal à l'ancien format, non scellé par la clé du projet\u00a0: sa chaîne prouve "
                         "qu'aucune ligne n'a été modifiée au milieu, pas qu'il n'a pas été réécrit en entier. "
                         "Il sera scellé à partir du prochain enregistrement.")
        elif unkeyed:
            notes.append(f"les {unkeyed} premières entrées datent d'avant le scellement par la clé du projet "
                         "(ancien format)\u00a0; les suivantes sont scellées.")
        return Verification(problems, notes, head, [p[1] for p in scan.parsed if p is not None])

    def head(self) -> Head | None:
        """The last entry's number and hash, read from the end of the file (O(1))."""
        _, _, last = self._tail()
        return None if last is None else Head(last.seq, last.hash)

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

    @contextmanager
    def _acquire(self) -> Iterator[None]:
        """The lock, refusing a missing folder (filelock would silently create it). The last
        writer to let go rewrites the head file: once per batch, not once per entry."""
        if not self.path.parent.is_dir():
            raise FileNotFoundError(f"dossier introuvable\u00a0: {self.path.parent}")
        with self._lock.acquire(poll_interval=_POLL):
            try:
                yield
            finally:
                if self._lock.lock_counter == 1 and str(self.path) in _DUE:
                    key = _DUE.pop(str(self.path))
                    head = self.head()
                    if key is not None and head is not None:
                        write_head(self.path, head, key)

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
        if self.key is None and self._make_key is not None:
            self.key = self._make_key()
        obj = {
            "seq": 1 if last is None else last.seq + 1,
            "ts": self._now(),
            "kind": kind,
            "key": key,
            "data": data,
            "prev": GENESIS if last is None else last.hash,
        }
        if self.key is not None:
            obj["v"] = KEYED
        obj["hash"] = _digest(obj, self.key)
        _DUE[str(self.path)] = self.key
        line = _canonical(obj).encode("utf-8") + b"\n"
        _write_all(self.path, line)
        parsed = _parse(line[:-1])  # exactly what readers will see (tuples become lists, ...)
        if parsed is None:
            raise ValueError(f"entrée illisible après écriture\u00a0: {line!r}")
        return parsed[1]
