"""The reminder log (indicator 12): rows from the journal, XLSX and CSV that never run a formula, the CLI."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from datetime import UTC, datetime

import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.base.clock import PARIS, Clock
from qualikit.cli.journal import journal_app
from qualikit.cli.log import log_app
from qualikit.commands.followups import record_followup
from qualikit.documents.journal_export import COLUMNS, reminder_log, write_csv, write_xlsx
from qualikit.project.journal import Journal
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project

NBSP = "\u00a0"
EVIL = '=HYPERLINK("http://evil","x")'
WINTER = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Paris
SUMMER = datetime(2026, 7, 1, 7, 30, tzinfo=UTC)  # 09:30 in Paris

app = typer.Typer()
app.add_typer(log_app, name="log")
app.add_typer(journal_app, name="journal")


@pytest.fixture
def demo(tmp_path):
    return shutil.copytree(DEMO, tmp_path / "demo")


class Ticking:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def filled(root):
    """A journal with every kind of entry the log knows, and some it must leave out."""
    project = load_project(root).project
    clock = Ticking(WINTER)
    journal = Journal(root / "journal.jsonl", clock)
    s, who = "excel-2026-10-15", "camille-roux"
    email = {"session": s, "learner": who, "to": "camille@example.fr", "subject": "Votre convocation",
             "transport": "smtp", "attachments": [], "reply": "250 2.0.0 Ok: queued as 4XyZ12", "queue_id": "4XyZ12"}
    journal.append("onboard.attendance_sheet", {"session": s, "file": "sortie/x/emargement.pdf"})  # 1: no learner
    journal.append("onboard.kit", {"session": s, "learner": who, "file": "sortie/k.pdf", "sha256": "0" * 64})  # 2
    journal.append("onboard.email", email, key=f"onboard:email:{s}:{who}")  # 3
    journal.append("onboard.email", {**email, "transport": "outbox", "resend": True})  # 4
    journal.append("remind.veille", {"session": s, "learner": who, "label": "Rappel J-1", "transport": "smtp"})  # 5
    journal.append("remind.relance-chaud", {"session": s, "learner": "parti-depuis", "transport": "outbox"})  # 6
    journal.append("close.certificat", {"session": s, "learner": who, "file": "c.pdf", "signed": True})  # 7
    journal.append("close.email", {**email, "recovered": True})  # 8
    journal.append("close.session", {"session": s, "gaps": []})  # 9: session-wide
    journal.append("journal.repaired", {"bytes": 3})  # 10
    clock.now = SUMMER
    record_followup(project, journal, kind="note", learner_id=who, session_id=None, text=EVIL, outcome="+33 6 00",
                    at=SUMMER)  # 11
    record_followup(project, journal, kind="appel", learner_id="pierre-dumas", session_id=None,
                    text="Absent le deuxième jour", outcome="-", at=SUMMER)  # 12
    return project, journal


def test_rows_one_per_contact_in_journal_order(demo):
    project, journal = filled(demo)
    rows = reminder_log(project, journal.entries())
    assert [r["Référence"] for r in rows] == [2, 3, 4, 5, 6, 7, 8, 11, 12]
    assert all(list(r) == list(COLUMNS) for r in rows)
    table = [(r["Canal"], r["Motif"], r["Résultat"]) for r in rows]
    assert table == [
        ("document", "Livret d'accueil et convocation", "délivré"),
        ("e-mail", "Convocation J-7", "accepté par le serveur SMTP («\u00a0250 2.0.0 Ok: queued as 4XyZ12\u00a0»), "
                                      "file du serveur\u00a0: 4XyZ12"),
        ("e-mail", "Convocation J-7", "renvoi : déposé dans outbox/, non prouvé envoyé"),
        ("e-mail", "Rappel J-1", "accepté par le serveur SMTP"),
        ("e-mail", "relance-chaud", "déposé dans outbox/, non prouvé envoyé"),
        ("document", "Certificat de réalisation", "délivré, signé"),
        ("e-mail", "Documents de fin de formation et enquête à chaud",
         "accepté par le serveur SMTP («\u00a0250 2.0.0 Ok: queued as 4XyZ12\u00a0»), file du serveur\u00a0: 4XyZ12 "
         "(retrouvé après une interruption)"),
        ("note", EVIL, "+33 6 00"),
        ("téléphone", "Absent le deuxième jour", "-"),
    ]
    assert rows[0]["Apprenant"] == "Camille Roux" and rows[0]["Session"] == "excel-2026-10-15"
    assert rows[4]["Apprenant"] == "parti-depuis"  # no longer in the project: the id, never a blank


def test_dates_are_paris_time_winter_and_summer(demo):
    project, journal = filled(demo)
    rows = reminder_log(project, journal.entries())
    assert rows[0]["Date et heure"] == "23/11/2026 09:00"
    assert rows[-1]["Date et heure"] == "01/07/2026 09:30"


def test_closing_mail_to_a_dropped_out_learner_promises_no_survey(demo):
    project = load_project(demo).project
    journal = Journal(demo / "journal.jsonl", Ticking(WINTER))
    journal.append("close.email", {"session": "parole-2026-11-04", "learner": "pierre-dumas", "transport": "smtp"})
    (row,) = reminder_log(project, journal.entries())
    assert row["Motif"] == "Documents de fin de formation (abandon)"


def test_xlsx_reads_back_with_text_that_stays_text(demo):
    project, journal = filled(demo)
    rows = reminder_log(project, journal.entries())
    path = demo / "registre.xlsx"
    write_xlsx(rows, path)
    ws = load_workbook(path).active
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2"
    assert ws.column_dimensions["E"].width >= 40
    assert ws.max_row == len(rows) + 1
    note = ws.cell(9, 5)
    assert note.value == EVIL and note.data_type == "s"
    assert ws.cell(9, 6).value == "+33 6 00" and ws.cell(9, 6).data_type == "s"
    assert ws.cell(10, 6).value == "-" and ws.cell(10, 6).data_type == "s"
    assert ws.cell(2, 1).value == datetime(2026, 11, 23, 9, 0) and ws.cell(2, 1).number_format == "DD/MM/YYYY HH:MM"
    assert ws.cell(10, 1).value == datetime(2026, 7, 1, 9, 30)
    assert ws.cell(2, 7).value == 2
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere in the file
    assert [p.name for p in demo.iterdir() if p.name.startswith(".registre")] == []  # atomic: no leftovers


def test_csv_for_french_excel_with_formula_guard(demo):
    project, journal = filled(demo)
    rows = reminder_log(project, journal.entries())
    rows.append({**rows[-1], "Motif": "@SUM(A1)", "Résultat": "\tcaché", "Apprenant": "\rx"})
    path = demo / "registre.csv"
    write_csv(rows, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert table[0] == list(COLUMNS)
    assert len(table) == len(rows) + 1
    note = table[8]
    assert note[0] == "01/07/2026 09:30" and note[2] == "Camille Roux" and note[3] == "note"
    assert note[4] == "'" + EVIL and note[5] == "'+33 6 00" and note[6] == "11"
    assert table[9][5] == "'-"
    assert table[10][4] == "'@SUM(A1)" and table[10][5] == "'\tcaché" and table[10][2] == "'\rx"
    assert table[1][0] == "23/11/2026 09:00" and table[1][4] == "Livret d'accueil et convocation"


def test_empty_log_still_has_its_header(tmp_path):
    write_xlsx([], tmp_path / "vide.xlsx")
    write_csv([], tmp_path / "vide.csv")
    assert [c.value for c in load_workbook(tmp_path / "vide.xlsx").active[1]] == list(COLUMNS)
    assert (tmp_path / "vide.csv").read_text(encoding="utf-8-sig").splitlines() == [";".join(COLUMNS)]


# -- the command line -----------------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False, env={"COLUMNS": "200"})


def logged(demo):
    for args in (("call", "camille-roux", "-t", "Absente mardi", "-r", "reprend jeudi"),
                 ("note", "camille-roux", "-t", EVIL),
                 ("interview", "julien-morel", "-s", "projet-2026-11-30", "-t", "Point d'étape")):
        assert run("log", *args, "-p", demo, "--today", "2026-11-23").exit_code == 0


def test_cli_export_default_xlsx_and_csv(demo, tmp_path):
    logged(demo)
    result = run("journal", "export", "-p", demo)
    assert result.exit_code == 0, result.output
    target = demo / "journal-relances.xlsx"
    assert f"✓ Registre des relances et suivis{NBSP}: 3 lignes → {target}" in result.output
    ws = load_workbook(target).active
    assert [ws.cell(r, 4).value for r in (2, 3, 4)] == ["téléphone", "note", "entretien"]
    assert ws.cell(3, 5).value == EVIL and ws.cell(3, 5).data_type == "s"

    out = tmp_path / "registre.csv"
    result = run("journal", "export", "--csv", out, "-p", demo)
    assert result.exit_code == 0, result.output
    lines = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline=""), delimiter=";"))
    assert lines[2][4] == "'" + EVIL and lines[1][0] == "23/11/2026 09:00"


def test_cli_export_refuses_two_formats_and_reports_a_locked_file(demo, tmp_path):
    result = run("journal", "export", "--csv", tmp_path / "a.csv", "--xlsx", tmp_path / "a.xlsx", "-p", demo)
    assert result.exit_code == 2 and "choisissez --xlsx ou --csv" in result.output
    blocked = tmp_path / "dossier.xlsx"
    blocked.mkdir()  # a folder where the file should go: the write fails
    result = run("journal", "export", "--xlsx", blocked, "-p", demo)
    assert result.exit_code == 1 and "impossible d'écrire" in result.output and "Traceback" not in result.output


def test_cli_verify_intact_then_tampered(demo):
    result = run("journal", "verify", "-p", demo)
    assert result.exit_code == 0 and f"✓ Journal intact{NBSP}: 0 entrée" in result.output
    logged(demo)
    result = run("journal", "verify", "-p", demo)
    assert result.exit_code == 0 and f"✓ Journal intact{NBSP}: 3 entrées" in result.output

    path = demo / "journal.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    entry = json.loads(lines[1])
    entry["data"]["text"] = "Rien à signaler"
    lines[1] = json.dumps(entry, ensure_ascii=False) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    result = run("journal", "verify", "-p", demo)
    assert result.exit_code == 1
    assert "✗ Journal altéré" in result.output
    assert "journal.jsonl:2: entrée n° 2 modifiée après coup" in result.output
    export = run("journal", "export", "-p", demo)
    assert export.exit_code == 0 and "qualikit journal verify" in export.output


def test_cli_verify_missing_folder(tmp_path):
    result = run("journal", "verify", "-p", tmp_path / "nulle-part")
    assert result.exit_code == 1 and "dossier introuvable" in result.output


def test_cli_show_last_entries_filtered(demo):
    result = run("journal", "show", "-p", demo)
    assert result.exit_code == 0 and "Journal vide" in result.output
    logged(demo)
    open_journal(demo, Clock(datetime(2026, 11, 24, 9, 0, tzinfo=PARIS))).append("onboard.attendance_sheet",
                                                                               {"session": "s", "file": "e.pdf"})
    result = run("journal", "show", "--limit", "2", "--kind", "followup", "-p", demo)
    assert result.exit_code == 0, result.output
    assert "2 dernières entrées sur 3" in result.output
    assert "followup.entretien" in result.output and "Julien Morel" in result.output and EVIL in result.output
    assert "Absente mardi" not in result.output and "onboard" not in result.output
    result = run("journal", "show", "--kind", "remind", "-p", demo)
    assert result.exit_code == 0 and "Aucune entrée de type « remind »" in result.output


def test_a_reminder_keeps_its_own_channel_and_outcome(demo):
    project = load_project(demo).project
    journal = Journal(demo / "journal.jsonl", Ticking(WINTER))
    journal.append("remind.absence", {"session": "excel-2026-10-15", "learner": "camille-roux", "channel": "sms",
                                      "label": "Relance absence", "outcome": "sans réponse"})
    (row,) = reminder_log(project, journal.entries())
    assert (row["Canal"], row["Motif"], row["Résultat"]) == ("sms", "Relance absence", "sans réponse")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_shows_the_export_with_its_dates_and_text_as_written(demo, tmp_path):
    import subprocess

    from test_xlsx_cells import AS_SHOWN

    project, journal = filled(demo)
    path = tmp_path / "registre.xlsx"
    write_xlsx(reminder_log(project, journal.entries()), path, journal.head())
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                           AS_SHOWN, "--outdir", str(tmp_path), str(path)], capture_output=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    shown = list(csv.reader(io.StringIO((tmp_path / "registre.csv").read_text(encoding="utf-8"))))
    assert shown[0] == list(COLUMNS)
    assert shown[1][0] == "23/11/2026 09:00" and shown[1][6] == "2"
    assert shown[8][4] == EVIL and shown[8][5] == "+33 6 00"  # shown as typed, never computed
