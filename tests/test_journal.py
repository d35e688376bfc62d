"""The journal on real files: chain, tamper detection, torn writes, concurrent writers."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from filelock import FileLock

import qualikit.project.journal as journal_module
from qualikit.project.journal import GENESIS, Entry, Journal, JournalProblem

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)
NAMES = ["Marie Dupont", "Éloïse Bénard", "Jean Martin", "Ana Lopes", "Paul Durand"]


def clock() -> datetime:
    return NOW


def canonical(obj: object) -> str:
    """The spec's serialisation, written out again so the tests check the module against it."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha(obj: dict) -> str:
    body = {k: v for k, v in obj.items() if k != "hash"}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def filled(tmp_path: Path, count: int = 5) -> Journal:
    journal = Journal(tmp_path / "journal.jsonl", clock)
    for i in range(count):
        name = NAMES[i % len(NAMES)]
        journal.append("onboard.email.sent", {"name": name, "i": i}, key=f"onboard:kit:S1:{i}")
    return journal


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


# -- subprocess writers ---------------------------------------------------------

WRITER = """
import sys, time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from qualikit.project.journal import Journal

path, name, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
now = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
journal = Journal(path, lambda: now)
(path.parent / f"ready-{name}").touch()
while not (path.parent / "go").exists():
    time.sleep(0.001)
i = 0
while count < 0 or i < count:
    journal.append("test.write", {"writer": name, "i": i}, key=f"{name}:{i}")
    i += 1
    time.sleep(0.0005)  # leave the lock free now and then, so that writers interleave
"""


def spawn(path: Path, name: str, count: int) -> subprocess.Popen:
    """A real Python process appending `count` entries (forever if negative)."""
    root = Path(journal_module.__file__).resolve().parents[1]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    args = [sys.executable, "-c", WRITER, str(path), name, str(count)]
    return subprocess.Popen(args, env=env)


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.005)


def start_together(tmp_path: Path, procs: dict[str, subprocess.Popen]) -> None:
    wait_for(lambda: all((tmp_path / f"ready-{name}").exists() for name in procs))
    (tmp_path / "go").touch()


# -- format and chain -----------------------------------------------------------


def test_missing_file_is_an_empty_journal_and_reading_creates_nothing(tmp_path):
    journal = Journal(tmp_path / "journal.jsonl", clock)
    assert journal.entries() == []
    assert journal.verify() == []
    assert journal.done("x") is None
    assert journal.keys() == set()
    assert list(tmp_path.iterdir()) == []


def test_append_round_trip(tmp_path):
    journal = Journal(tmp_path / "journal.jsonl", clock)
    written = journal.append(
        "onboard.email.sent",
        {"to": "eloise@example.fr", "name": "Éloïse Bénard", "docs": ("kit", "cgv")},
        key="onboard:kit:S1:eloise-benard",
    )
    assert written == Entry(
        seq=1,
        ts=NOW,
        kind="onboard.email.sent",
        key="onboard:kit:S1:eloise-benard",
        data={"to": "eloise@example.fr", "name": "Éloïse Bénard", "docs": ["kit", "cgv"]},
        prev=GENESIS,
        hash=written.hash,
    )
    assert Journal(tmp_path / "journal.jsonl", clock).entries() == [written]


def test_lines_follow_the_spec_exactly(tmp_path):
    journal = filled(tmp_path, 3)
    raw = [json.loads(line) for line in lines(journal.path)]
    assert [obj["seq"] for obj in raw] == [1, 2, 3]
    assert raw[0]["prev"] == "0" * 64
    for before, obj in pairwise(raw):
        assert obj["prev"] == before["hash"]
    for obj, line in zip(raw, lines(journal.path), strict=True):
        assert set(obj) == {"seq", "ts", "kind", "key", "data", "prev", "hash"}
        assert obj["ts"] == "2026-11-23T09:00:00+01:00"
        assert obj["hash"] == sha(obj)
        assert line == (canonical(obj) + "\n").encode("utf-8")  # é stays é, not \u00e9
    assert "Éloïse".encode() in journal.path.read_bytes()


def test_done_and_keys(tmp_path):
    journal = filled(tmp_path, 3)
    again = journal.append("onboard.email.sent", {"retry": True}, key="onboard:kit:S1:1")
    journal.append("import.done", {"rows": 12})
    assert journal.done("onboard:kit:S1:1") == again
    assert journal.done("onboard:kit:S1:0").seq == 1
    assert journal.done("onboard:kit:S1:9") is None
    assert journal.keys() == {"onboard:kit:S1:0", "onboard:kit:S1:1", "onboard:kit:S1:2"}


def test_bad_input_writes_nothing(tmp_path):
    path = tmp_path / "journal.jsonl"
    with pytest.raises(ValueError, match="fuseau"):
        Journal(path, lambda: datetime(2026, 11, 23, 9, 0)).append("x")
    with pytest.raises(TypeError):
        Journal(path, clock).append("x", {"when": NOW})
    with pytest.raises(ValueError):
        Journal(path, clock).append("x", {"ratio": float("nan")})
    assert not path.exists()
    with pytest.raises(FileNotFoundError, match="dossier introuvable"):
        Journal(tmp_path / "nope" / "journal.jsonl", clock).append("x")
    assert not (tmp_path / "nope").exists()


# -- tampering ------------------------------------------------------------------


def test_intact_journal_verifies(tmp_path):
    assert filled(tmp_path).verify() == []


def test_one_edited_byte_is_reported_on_its_line(tmp_path):
    journal = filled(tmp_path)
    raw = journal.path.read_bytes()
    assert raw.count(b"Jean Martin") == 1
    journal.path.write_bytes(raw.replace(b"Jean Martin", b"Jean Marton"))
    assert journal.verify() == [JournalProblem(3, "entrée n° 3 modifiée après coup (empreinte incorrecte)")]


def test_edit_with_a_recomputed_hash_breaks_the_next_link(tmp_path):
    journal = filled(tmp_path)
    rows = lines(journal.path)
    obj = json.loads(rows[2])
    obj["data"]["name"] = "Jean Menteur"
    obj["hash"] = sha(obj)
    rows[2] = (canonical(obj) + "\n").encode()
    journal.path.write_bytes(b"".join(rows))
    [problem] = journal.verify()
    assert problem.line == 4
    assert "entrée n° 4" in problem.message and "rompu" in problem.message


def test_deleted_line_is_reported(tmp_path):
    journal = filled(tmp_path)
    rows = lines(journal.path)
    del rows[2]
    journal.path.write_bytes(b"".join(rows))
    [problem] = journal.verify()
    assert problem.line == 3
    assert "supprimée" in problem.message and "n° 3" in problem.message


def test_reordered_lines_are_reported(tmp_path):
    journal = filled(tmp_path)
    rows = lines(journal.path)
    rows[1], rows[2] = rows[2], rows[1]
    journal.path.write_bytes(b"".join(rows))
    assert [p.line for p in journal.verify()] == [2, 3, 4]


def test_invalid_json_in_the_middle_is_reported_and_skipped(tmp_path):
    journal = filled(tmp_path)
    rows = lines(journal.path)
    rows[1] = b'{"seq": 2, "kind": oops\n'
    journal.path.write_bytes(b"".join(rows))
    assert [e.seq for e in journal.entries()] == [1, 3, 4, 5]
    problems = journal.verify()
    assert problems[0] == JournalProblem(
        2,
        "ligne illisible\u00a0: ce n'est pas une entrée de journal valide (modifiée à la main\u00a0?)",
    )
    assert [p.line for p in problems] == [2, 3]  # entry 3 pointed at the lost entry 2
    assert journal.append("after").seq == 6  # a damaged middle is evidence: left in place
    assert not journal.torn_path.exists()


# -- torn writes ----------------------------------------------------------------


def half_of_next_line(journal: Journal, tmp_path: Path) -> bytes:
    """The first half of the line the next append would write: a realistic torn write."""
    scratch = tmp_path / "scratch" / "journal.jsonl"
    scratch.parent.mkdir()
    scratch.write_bytes(journal.path.read_bytes())
    Journal(scratch, clock).append("onboard.email.sent", {"name": "Ana Lopes"}, key="k")
    line = lines(scratch)[-1]
    return line[: len(line) // 2]


def test_torn_tail_is_reported_then_salvaged(tmp_path):
    journal = filled(tmp_path, 3)
    good = journal.path.read_bytes()
    half = half_of_next_line(journal, tmp_path)
    with open(journal.path, "ab") as f:
        f.write(half)

    assert [e.seq for e in journal.entries()] == [1, 2, 3]
    [problem] = journal.verify()
    assert problem.line == 4 and "coupée" in problem.message
    assert f"{len(half)} octets" in problem.message

    after = journal.append("reminder.sent", {"name": "Paul Durand"})

    assert after.seq == 5
    repaired = journal.entries()[3]
    assert repaired.kind == "journal.repaired"
    assert repaired.data == {
        "bytes": len(half),
        "offset": len(good),
        "moved_to": "journal.jsonl.torn",
    }
    assert journal.verify() == []
    assert journal.path.read_bytes().startswith(good)
    assert half not in journal.path.read_bytes()
    torn = journal.torn_path.read_bytes()
    header, salvaged = torn.split(b"\n", 1)
    assert "2026-11-23T09:00:00+01:00" in header.decode() and f"{len(half)} octets" in header.decode()
    assert salvaged == half + b"\n"


def test_unreadable_last_line_counts_as_torn(tmp_path):
    journal = filled(tmp_path, 2)
    with open(journal.path, "ab") as f:
        f.write(b"\x00\x00\x00\x00\n")  # what a power cut can leave on some file systems
    assert [p.line for p in journal.verify()] == [3]
    assert len(journal.entries()) == 2
    journal.append("after")
    assert journal.verify() == []
    assert [e.kind for e in journal.entries()][2:] == ["journal.repaired", "after"]
    assert journal.torn_path.read_bytes().endswith(b"\x00\x00\x00\x00\n")


def test_torn_first_line_is_salvaged(tmp_path):
    path = tmp_path / "journal.jsonl"
    path.write_bytes(b'{"seq":1,"ts":"2026-11-')
    journal = Journal(path, clock)
    assert journal.entries() == []
    assert [p.line for p in journal.verify()] == [1]
    assert journal.append("x").seq == 2
    assert journal.entries()[0].prev == GENESIS
    assert journal.verify() == []


def test_reading_never_writes(tmp_path):
    journal = filled(tmp_path, 3)
    with open(journal.path, "ab") as f:
        f.write(b'{"seq":4,"ts":"2026')
    before = journal.path.read_bytes()
    stamp = journal.path.stat().st_mtime_ns
    listing = sorted(p.name for p in tmp_path.iterdir())
    time.sleep(0.01)

    journal.entries()
    journal.verify()
    journal.done("onboard:kit:S1:0")
    journal.keys()
    Journal(journal.path, clock).entries()

    assert journal.path.read_bytes() == before
    assert journal.path.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in tmp_path.iterdir()) == listing
    assert not journal.torn_path.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX only")
def test_process_killed_mid_writing(tmp_path):
    path = tmp_path / "journal.jsonl"
    proc = spawn(path, "killed", -1)
    try:
        start_together(tmp_path, {"killed": proc})
        wait_for(lambda: path.exists() and path.read_bytes().count(b"\n") >= 30)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL

    journal = Journal(path, clock)
    entries = journal.entries()
    assert len(entries) >= 30
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    # The kill may land between two pages of one write: at worst a torn tail, never more.
    problems = journal.verify()
    assert problems == [] or [p.line for p in problems] == [len(entries) + 1]
    # The dead process's lock went with it.
    FileLock(str(path) + ".lock", timeout=2).acquire().lock.release()

    # Now a torn tail for sure, on top of what the killed writer left.
    journal.append("after.kill")
    good = path.read_bytes()
    half = half_of_next_line(journal, tmp_path)
    with open(path, "ab") as f:
        f.write(half)
    assert journal.entries()[-1].kind == "after.kill"
    assert journal.verify()[-1].line == good.count(b"\n") + 1

    last = journal.append("after.torn")
    assert journal.verify() == []
    assert path.read_bytes().startswith(good)
    assert [e.kind for e in journal.entries()[-2:]] == ["journal.repaired", "after.torn"]
    assert last.seq == len(journal.entries())
    assert half in journal.torn_path.read_bytes()


# -- concurrency ----------------------------------------------------------------


def test_concurrent_writers_keep_one_chain(tmp_path):
    path = tmp_path / "journal.jsonl"
    names = ["a", "b"]
    procs = {name: spawn(path, name, 200) for name in names}
    try:
        start_together(tmp_path, procs)
        for proc in procs.values():
            assert proc.wait(timeout=60) == 0
    finally:
        for proc in procs.values():
            proc.kill()

    journal = Journal(path, clock)
    entries = journal.entries()
    assert [e.seq for e in entries] == list(range(1, 401))
    assert journal.verify() == []
    for name in names:
        mine = [e.data["i"] for e in entries if e.data["writer"] == name]
        assert mine == list(range(200))
    assert len(journal.keys()) == 400


def test_locked_is_reentrant_across_journal_objects(tmp_path):
    path = tmp_path / "journal.jsonl"
    first, second = Journal(path, clock), Journal(path, clock)
    with first.locked():
        with second.locked():
            second.append("inner", key="k")
        assert first.done("k") is not None
        first.append("outer")
    assert [e.kind for e in first.entries()] == ["inner", "outer"]
    assert first.verify() == []


def test_locked_batch_excludes_other_processes(tmp_path):
    path = tmp_path / "journal.jsonl"
    journal = Journal(path, clock)
    journal.append("first")
    proc = spawn(path, "other", 1)
    try:
        with journal.locked():
            start_together(tmp_path, {"other": proc})
            time.sleep(0.1)  # the other process is now waiting for the lock
            assert journal.done("other:0") is None
            journal.append("batch", key="batch:1")
        assert proc.wait(timeout=20) == 0
    finally:
        proc.kill()
    assert [e.kind for e in journal.entries()] == ["first", "batch", "test.write"]
    assert journal.verify() == []


# -- size -----------------------------------------------------------------------


def big_journal(path: Path, count: int) -> None:
    """`count` valid chained lines, written straight to disk (no fsync per line)."""
    out, prev = [], GENESIS
    for seq in range(1, count + 1):
        body = (
            f'{{"data":{{"name":"Marie Dupont","session":"S1","to":"marie{seq}@example.fr"}},'
            f'"key":"onboard:kit:S1:marie-{seq}","kind":"onboard.email.sent","prev":"{prev}",'
            f'"seq":{seq},"ts":"2026-11-23T09:00:00+01:00"}}'
        )
        prev = hashlib.sha256(body.encode()).hexdigest()
        out.append(body.replace(',"key":', f',"hash":"{prev}","key":', 1))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_thirty_thousand_entries_then_an_append(tmp_path):
    """Speed is measured by benchmarks/bench_remind.py, not here; this checks a large journal's tail."""
    path = tmp_path / "journal.jsonl"
    big_journal(path, 30_000)
    journal = Journal(path, clock)
    entries = journal.entries()
    assert len(entries) == 30_000
    assert journal.append("x").seq == 30_001  # the tail is read from the end
    assert lines(path)[-1].startswith(b'{"data":{},"hash":')
    assert json.loads(lines(path)[-1])["prev"] == entries[-1].hash
