"""As of a date: the audit pack and the journal export show only what was true at the end of it.

The demo is played to 23/11/2026 (`qualikit demo`: contracts, onboarding, closings on 17/10 and
7/11, reminders every day, answers imported on 10/11, a complaint on 9/11, an improvement on
7/11); then everything written for 15/10/2026 is read back and searched for a later date.
"""

from __future__ import annotations

import csv
import email
import html
import re
import shutil
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualikit.base.clock import PARIS
from qualikit.cli import app
from qualikit.journey.asof import end_of

CUT = date(2026, 10, 15)
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
DATES = (
    (re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)"), lambda m: (m[3], m[2], m[1])),
    (re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"), lambda m: (m[1], m[2], m[3])),
    (re.compile(rf"(?<!\d)(1er|\d{{1,2}})\s+({'|'.join(MONTHS)})\s+(\d{{4}})(?!\d)", re.IGNORECASE),
     lambda m: (m[3], MONTHS.index(m[2].lower()) + 1, 1 if m[1].lower() == "1er" else m[1])),
)

# Where a date after the cut is legitimate: a session still to come shown with its planned days.
# Only these documents show a calendar, and only a day some session is planned on passes:
# - the convocation and welcome kit, the convention and the contract, and the blank attendance
#   sheet, all issued before the session with its days; a followed learner's page (its session's dates);
# - the programme sheet's « Prochaines sessions »;
# - programmes.xlsx, sheet « Calendrier des sessions »; the retention dashboard's « Par session »
#   (start and end of each session begun, one still running at the cut included).
CALENDAR_FILES = re.compile(r"(convocation-livret-accueil|emargement|fiche-programme-[\w-]+|convention"
                            r"|contrat-formation|information-prealable)\.pdf$")
CALENDAR_SHEETS = {"programmes.xlsx": "Calendrier des sessions", "tableau-retention.xlsx": "Par session"}
# The end-of-training pack's action plan: targets « d'ici le 15 novembre 2026 (dans un mois) » the
# learner sets at the end of the session; a plan, printed on the day of issue.
ACTION_PLAN = re.compile(r"d[’']ici le (1er|\d{1,2}) \w+ \d{4}", re.IGNORECASE)


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


@pytest.fixture(scope="module")
def played(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("asof") / "demo"
    invoke("demo", str(root))
    return root


def _texts(path: Path):
    """(sheet or "", text) of everything a reader sees in the file, its own dates included."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path)
        yield "", f"{book.properties.created:%Y-%m-%d} {book.properties.modified:%Y-%m-%d}"
        for ws in book.worksheets:
            for row in ws.iter_rows(values_only=True):
                for value in row:
                    if isinstance(value, datetime | date):
                        yield ws.title, f"{value:%Y-%m-%d}"
                    elif value is not None:
                        yield ws.title, str(value)
    elif path.suffix == ".pdf":
        from pypdf import PdfReader

        reader = PdfReader(path)
        yield "", " ".join(page.extract_text() or "" for page in reader.pages)
        meta = reader.metadata
        for moment in (meta.creation_date, meta.modification_date) if meta else ():
            if moment is not None:
                yield "", f"{moment.astimezone(PARIS):%Y-%m-%d}"
    elif path.suffix == ".eml":
        message = email.message_from_bytes(path.read_bytes())
        yield "", f"{parsedate_to_datetime(message['Date']).astimezone(PARIS):%Y-%m-%d}"
    else:  # html, csv, markdown, the manifest
        yield "", html.unescape(path.read_text(encoding="utf-8"))


def later_dates(folder: Path, root: Path, cut: date) -> list[tuple[str, str, str]]:
    """(file, date, context) of every date after `cut` in the pack, but a session's planned day shown
    in its calendar, the grid's own dates and the dates inside session ids (names, not dates)."""
    from qualikit.project.load import load_project
    from qualikit.referentiel import grid_for

    project = load_project(root).project
    planned = {d.date for s in project.sessions for d in s.days}
    ids = sorted((s.id for s in project.sessions), key=len, reverse=True)
    grid = grid_for(cut)
    out = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        for sheet, text in _texts(path):
            text = " ".join(text.split())
            for own in (grid.period, grid.note):  # « audits jusqu'au 31/10/2026 »: the grid, not a fact
                text = text.replace(own, "")
            for sid in ids:
                text = text.replace(sid, "<session>")
            if path.name.endswith("pack-fin-de-formation.pdf"):
                text = ACTION_PLAN.sub("", text)
            calendar = (bool(CALENDAR_FILES.search(path.name)) or CALENDAR_SHEETS.get(path.name) == sheet
                        or (rel.startswith("00-parcours/") and path.suffix == ".html"))
            for pattern, parts in DATES:
                for m in pattern.finditer(text):
                    try:
                        day = date(*(int(x) for x in parts(m)))
                    except ValueError:
                        continue
                    if day > cut and not (calendar and day in planned):
                        out.append((rel, m[0], text[max(0, m.start() - 50):m.end() + 20]))
    return out


def test_pack_as_of_an_earlier_audit_date_shows_nothing_that_came_later(played):
    invoke("audit-pack", "-p", str(played), "--today", "2026-11-23", "--audit-date", "2026-10-15")
    folder = played / "audit" / "2025-10-16_2026-10-15"
    assert later_dates(folder, played, CUT) == []

    # Not emptied: what was done by 15/10 is there (onboarding on 8/10, reminders on 14/10).
    nine = next(folder.glob("09-*"))
    assert list(nine.glob("excel-2026-10-15/*-convocation-livret-accueil.pdf"))
    assert list((folder / "00-parcours").glob("*/*-convocation-livret-accueil.pdf"))
    assert (next(folder.glob("12-*")) / "journal-relances.xlsx").is_file()
    # ... and what came after is not: closing (17/10), hot answers (10/11), complaint (9/11), improvement (7/11).
    assert not list(folder.rglob("*attestation*")) and not list(folder.rglob("*certificat*"))
    assert not list(folder.rglob("reponses-enquetes.xlsx"))  # the needs analyses (13/10) are there, not these
    manifest = (folder / "manifest.sha256").read_text(encoding="utf-8")
    assert "données connues à la date du 15/10/2026" in manifest
    assert "R-2026-001" not in "".join(t for _, t in _texts(next(folder.glob("31-*")) / "registre-reclamations.xlsx"))
    assert "A-2026-001" not in "".join(t for _, t in _texts(next(folder.glob("32-*")) / "registre-ameliorations.xlsx"))

    # The same project as of 23/11 still holds the later documents: the cut is the date's, not a purge.
    invoke("audit-pack", "-p", str(played), "--today", "2026-11-23", "--audit-date", "2026-11-23")
    full = played / "audit" / "2025-11-24_2026-11-23"
    eleven = next(full.glob("11-*"))
    assert list(eleven.glob("excel-2026-11-12/*-attestation-fin-formation.pdf"))  # the 3 latest sessions
    assert list(eleven.glob("parole-2026-11-04/*-attestation-fin-formation.pdf"))
    assert list(next(full.glob("12-*")).glob("*/*-relance-*.eml"))
    assert (next(full.glob("30-*")) / "reponses-enquetes.xlsx").is_file()
    assert "R-2026-001" in "".join(t for _, t in _texts(next(full.glob("31-*")) / "registre-reclamations.xlsx"))
    late = {rel.split("/", 1)[0] for rel, _, _ in later_dates(full, played, CUT)}
    assert {"11-evaluation-acquis", "12-engagement-ruptures", "30-appreciations",
            "31-reclamations-aleas"} <= late


def test_a_document_issued_again_later_is_not_the_one_of_the_day(played, tmp_path):
    """Camille's documents of 17/10 are written over on 20/11: a pack as of 20/10 leaves them out."""
    root = shutil.copytree(played, tmp_path / "demo", ignore=shutil.ignore_patterns("audit"))
    invoke("close-session", "excel-2026-10-15", "-p", str(root), "--redelivrer", "camille-roux",
           "--today", "2026-11-20")
    invoke("audit-pack", "-p", str(root), "--today", "2026-11-23", "--audit-date", "2026-10-20")
    folder = root / "audit" / "2025-10-21_2026-10-20"
    eleven = next(folder.glob("11-*")) / "excel-2026-10-15"
    assert list(eleven.glob("*-attestation-fin-formation.pdf"))  # the others' of 17/10
    assert not list(folder.rglob("camille-roux-attestation-*")) and not list(folder.rglob("camille-roux-certificat-*"))
    assert list(folder.rglob("camille-roux-pack-fin-de-formation.pdf"))  # not issued again: the one of 17/10
    assert later_dates(folder, root, date(2026, 10, 20)) == []


def test_journal_export_as_of_a_day_holds_no_later_row(played, tmp_path):
    def rows(*args: str) -> list[datetime]:
        target = tmp_path / "relances.csv"
        invoke("journal", "export", "-p", str(played), "--csv", str(target), *args)
        with target.open(encoding="utf-8-sig", newline="") as f:
            return [datetime.strptime(r["Date et heure"], "%d/%m/%Y %H:%M").replace(tzinfo=PARIS)
                    for r in csv.DictReader(f, delimiter=";")]

    cut = rows("--today", "2026-10-15")
    everything = rows()
    assert cut and all(moment <= end_of(CUT) for moment in cut)
    assert len(everything) > len(cut) and max(everything) > end_of(CUT) + timedelta(days=30)


def test_a_register_as_of_a_day_forgets_what_came_later():
    from qualikit.quality.registers.asof import as_of
    from qualikit.quality.registers.model import (
        Improvement,
        ImprovementSource,
        ImprovementStatus,
        Incident,
        IncidentKind,
        IncidentStatus,
        Register,
        Risk,
    )

    def at(day: int, hour: int = 10) -> datetime:
        return datetime(2026, 10, day, hour, tzinfo=PARIS)

    answered = Incident("R-2026-001", IncidentKind.RECLAMATION, at(14), "camille-roux", "Support en retard",
                        acknowledged=at(15), analysis="Envoi oublié", answer="Support renvoyé", answered=at(16),
                        corrective_action="Envoi à J-2", status=IncidentStatus.CLOSE)
    received_later = Incident("R-2026-002", IncidentKind.RECLAMATION, at(16), "thomas-girard", "Salle froide")
    incidents = as_of(Register("registre-reclamations.yaml", (answered, received_later)), CUT).entries
    assert [i.id for i in incidents] == ["R-2026-001"]
    assert incidents[0].answer is None and incidents[0].answered is None and incidents[0].corrective_action is None
    assert incidents[0].acknowledged == at(15) and incidents[0].status is IncidentStatus.EN_COURS

    done_later = Improvement("A-2026-001", ImprovementSource.ENQUETE, "Après-midi dense", "Alléger", created=CUT,
                             due=date(2026, 12, 1), status=ImprovementStatus.REALISEE, done=date(2026, 10, 20),
                             effect="Mieux")
    created_later = Improvement("A-2026-002", ImprovementSource.AUTRE, "x", "y", created=date(2026, 10, 16))
    improvements = as_of(Register("registre-ameliorations.yaml", (done_later, created_later)), CUT).entries
    assert [(a.id, a.status, a.done, a.effect, a.due) for a in improvements] == [
        ("A-2026-001", ImprovementStatus.PROPOSEE, None, None, date(2026, 12, 1))]  # the due date is a plan

    kept = Risk("Q-001", "Panne", 2, 2, reviewed=date(2026, 10, 1), next_review=date(2027, 10, 1))
    reviewed_later = Risk("Q-002", "Abandons", 3, 3, reviewed=date(2026, 11, 2))
    assert as_of(Register("registre-risques.yaml", (kept, reviewed_later)), CUT).entries == (kept,)
