"""The journal sealed with the project's key, and its head kept outside it: cut last lines, an edited
line with the chain rebuilt without the key, a whole journal rebuilt — all fail verification."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from typer.testing import CliRunner

from qualikit.base.clock import Clock
from qualikit.cli import app
from qualikit.project.journal import Journal
from qualikit.project.journal_check import open_journal
from qualikit.project.journal_head import head_path, parse_head

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


def canonical(obj: object) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def filled(root: Path, count: int = 5) -> Journal:
    root.mkdir(exist_ok=True)
    journal = open_journal(root, Clock(NOW))
    for i in range(count):
        journal.append("onboard.email.sent", {"name": f"Apprenant {i}", "i": i}, key=f"onboard:kit:S1:{i}")
    return journal


def rows(journal: Journal) -> list[dict]:
    return [json.loads(line) for line in journal.path.read_text(encoding="utf-8").splitlines()]


def rewrite(journal: Journal, objs: list[dict]) -> None:
    journal.path.write_text("".join(canonical(o) + "\n" for o in objs), encoding="utf-8")


def rebuild_without_key(objs: list[dict], *, unseal: bool) -> list[dict]:
    """What someone without the key can do: recompute every hash with plain SHA-256."""
    prev = "0" * 64
    out = []
    for obj in objs:
        obj = {k: v for k, v in obj.items() if k != "hash" and not (unseal and k == "v")}
        obj["prev"] = prev
        obj["hash"] = prev = hashlib.sha256(canonical(obj).encode()).hexdigest()
        out.append(obj)
    return out


def verify(root: Path, *extra: str):
    return CliRunner().invoke(app, ["journal", "verify", "-p", str(root), *extra], env={"COLUMNS": "200"})


def test_entries_are_sealed_and_the_head_is_kept_beside(tmp_path):
    journal = filled(tmp_path / "p")
    assert all(o["v"] == 2 for o in rows(journal))
    assert (tmp_path / "p" / ".qualikit" / "secret").is_file()
    recorded = json.loads(head_path(journal.path).read_text())
    assert (recorded["seq"], recorded["hash"]) == (5, journal.entries()[-1].hash)
    result = journal.check()
    assert result.problems == [] and result.notes == [] and result.head.seq == 5
    out = verify(tmp_path / "p")
    assert out.exit_code == 0 and "Journal intact" in out.output and "--tete 5:" in out.output


def test_a_batch_rewrites_the_head_once_at_the_end(tmp_path):
    journal = filled(tmp_path / "p", 1)
    with journal.locked():
        journal.append("a")
        journal.append("b")
        assert json.loads(head_path(journal.path).read_text())["seq"] == 1  # not yet: the batch holds the lock
    assert json.loads(head_path(journal.path).read_text())["seq"] == 3


def test_a_truncated_journal_fails(tmp_path):
    journal = filled(tmp_path / "p")
    rewrite(journal, rows(journal)[:3])
    [problem] = journal.verify()
    assert "journal tronqué" in problem.message and "n°\u00a05" in problem.message
    out = verify(tmp_path / "p")
    assert out.exit_code == 1 and "tronqué" in out.output


def test_a_truncated_journal_with_its_head_file_removed_fails(tmp_path):
    journal = filled(tmp_path / "p")
    rewrite(journal, rows(journal)[:3])
    head_path(journal.path).unlink()
    assert any("journal.head absent" in p.message for p in journal.verify())


def test_a_head_file_rewritten_for_the_cut_journal_fails(tmp_path):
    journal = filled(tmp_path / "p")
    kept = rows(journal)[:3]
    rewrite(journal, kept)
    head_path(journal.path).write_text(json.dumps({"seq": 3, "hash": kept[-1]["hash"], "seal": "0" * 64}))
    assert any("sceau" in p.message for p in journal.verify())


def test_an_edited_line_with_the_chain_rebuilt_without_the_key_fails(tmp_path):
    journal = filled(tmp_path / "p")
    objs = rows(journal)
    objs[2]["data"]["name"] = "Quelqu'un d'autre"
    for unseal in (False, True):
        rewrite(journal, rebuild_without_key(objs, unseal=unseal))
        problems = journal.verify()
        assert problems, unseal
        assert verify(tmp_path / "p").exit_code == 1


def test_a_whole_journal_rebuilt_is_caught_by_a_head_copied_from_a_digest(tmp_path):
    journal = filled(tmp_path / "p")
    printed = journal.head().short  # what the digest, the export and the pack print
    objs = rows(journal)
    objs[1]["data"]["name"] = "Quelqu'un d'autre"
    rewrite(journal, rebuild_without_key(objs, unseal=True))
    head_path(journal.path).unlink()  # everything in the folder rewritten: only the copy outside tells
    assert journal.verify() == []
    assert "ancien format" in journal.check().notes[0]
    out = verify(tmp_path / "p", "--tete", printed)
    assert out.exit_code == 1 and "journal réécrit" in out.output


def test_a_head_given_on_the_command_line(tmp_path):
    journal = filled(tmp_path / "p")
    head = journal.head()
    assert verify(tmp_path / "p", "--tete", head.short).exit_code == 0
    assert verify(tmp_path / "p", "--tete", f"{head.seq}:{head.hash}").exit_code == 0
    out = verify(tmp_path / "p", "--tete", f"9:{head.hash[:16]}")
    assert out.exit_code == 1 and "tronqué" in out.output
    assert verify(tmp_path / "p", "--tete", "n'importe quoi").exit_code == 2
    assert parse_head("n° 12 : 0123456789ab").seq == 12
    assert parse_head("12:0123") is None  # too short to mean anything


def test_an_older_unkeyed_journal_still_verifies_and_is_sealed_from_the_next_write(tmp_path):
    root = tmp_path / "p"
    root.mkdir()
    old = Journal(root / "journal.jsonl", lambda: NOW)  # the format before the key
    for i in range(3):
        old.append("x", {"i": i})
    assert "v" not in rows(old)[0] and not head_path(old.path).exists()
    journal = open_journal(root, Clock(NOW))
    result = journal.check()
    assert result.problems == [] and "ancien format" in result.notes[0]
    out = verify(root)
    assert out.exit_code == 0 and "ancien format" in out.output

    journal.append("y")
    assert rows(journal)[-1]["v"] == 2 and rows(journal)[-1]["prev"] == rows(journal)[-2]["hash"]
    result = journal.check()
    assert result.problems == [] and "3 premières entrées" in result.notes[0]


def test_a_sealed_journal_without_the_secret_says_so(tmp_path):
    filled(tmp_path / "p", 2)
    (tmp_path / "p" / ".qualikit" / "secret").unlink()
    problems = open_journal(tmp_path / "p", Clock(NOW)).verify()
    assert any("clé du projet introuvable" in p.message for p in problems)


def test_reading_a_keyed_journal_writes_nothing(tmp_path):
    root = tmp_path / "p"
    filled(root, 2)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    journal = open_journal(root, Clock(NOW))
    journal.check()
    journal.entries()
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_the_export_carries_the_head(tmp_path):
    from qualikit.documents.journal_export import write_xlsx

    journal = filled(tmp_path / "p", 2)
    write_xlsx([], tmp_path / "export.xlsx", journal.head())
    sheet = load_workbook(tmp_path / "export.xlsx")["Journal"]
    assert f"--tete {journal.head().short}" in sheet["A1"].value


def test_a_deleted_journal_shows_in_check(tmp_path):
    from qualikit.project.journal_check import journal_problems

    journal = filled(tmp_path / "p", 2)
    journal.path.unlink()
    [problem], entries = journal_problems(tmp_path / "p")
    assert "tronqué" in problem.message and entries == []
