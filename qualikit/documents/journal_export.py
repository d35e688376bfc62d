"""The reminder log (indicator 12) an auditor reads, drawn from the journal.

One row per journal entry that is a contact with a learner or a step of their
journey: convocations, reminders, end-of-training e-mails, documents issued,
and the calls, interviews and notes recorded by hand (followups). Nothing is
stored twice: the journal is the source, this is a view of it.

Both writers treat every text as data: learners' and trainers' words may start
with « = », and a spreadsheet must never run them as formulas.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from qualikit.base.clock import PARIS
from qualikit.base.files import write_atomic
from qualikit.project.journal import Entry
from qualikit.project.model import Project, Status

DATE = "Date et heure"
SESSION = "Session"
LEARNER = "Apprenant"
CHANNEL = "Canal"
REASON = "Motif"
RESULT = "Résultat"
REFERENCE = "Référence"
COLUMNS = (DATE, SESSION, LEARNER, CHANNEL, REASON, RESULT, REFERENCE)
DATE_FORMAT = "%d/%m/%Y %H:%M"

EMAIL, DOCUMENT = "e-mail", "document"  # with téléphone / entretien / note from followups

DOCUMENTS = {
    "onboard.kit": "Livret d'accueil et convocation",
    "close.attestation": "Attestation de fin de formation",
    "close.certificat": "Certificat de réalisation",
    "close.competences": "Certificat de compétences",
    "close.depart": "Pack de fin de formation",
}
FOLLOWUP_CHANNELS = {"followup.appel": "téléphone", "followup.entretien": "entretien", "followup.note": "note"}

# Spreadsheet programs read a cell starting with one of these as a formula (or a command, via DDE).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LOG_WIDTHS = (17, 22, 22, 11, 50, 30, 11)  # as COLUMNS


def reminder_log(project: Project, entries: Iterable[Entry]) -> list[dict]:
    """The rows of the reminder log, in journal order; columns as in COLUMNS."""
    rows = []
    for entry in entries:
        row = _row(project, entry)
        if row is not None:
            rows.append(row)
    return rows


def _row(project: Project, entry: Entry) -> dict | None:
    data = entry.data
    learner_id = data.get("learner")
    if not isinstance(learner_id, str) or not learner_id:
        return None  # session-wide facts (attendance sheet, closing) are not contacts with a learner
    described = _describe(project, entry)
    if described is None:
        return None
    channel, reason, result = described
    session_id = data.get("session")
    learner = project.learner(learner_id)
    return {
        DATE: entry.ts.astimezone(PARIS).strftime(DATE_FORMAT),
        SESSION: session_id if isinstance(session_id, str) else "",
        LEARNER: learner.full_name if learner is not None else learner_id,
        CHANNEL: channel,
        REASON: reason,
        RESULT: result,
        REFERENCE: entry.seq,
    }


def _describe(project: Project, entry: Entry) -> tuple[str, str, str] | None:
    """(channel, reason, result) for the kinds that belong in the log, else None."""
    kind, data = entry.kind, entry.data
    if kind in _DELIVERY:
        reason = _text(data.get("label")) or _text(data.get("subject"))
        detail = _text(data.get("reason"))
        return EMAIL, reason, _DELIVERY[kind] + (f"\u00a0: {detail}" if detail else "")
    if kind.startswith("onboard.email"):
        return EMAIL, f"Convocation J-{project.settings.lead_time_days}", _sent(data)
    if kind.startswith("close.email"):
        return EMAIL, _closing_reason(project, data), _sent(data)
    if kind.startswith("followup."):
        channel = FOLLOWUP_CHANNELS.get(kind) or _text(data.get("channel")) or "note"
        return channel, _text(data.get("text")), _text(data.get("outcome"))
    if kind.startswith("remind."):
        step = kind.removeprefix("remind.")
        reason = _text(data.get("label")) or step
        return _text(data.get("channel")) or EMAIL, reason, _text(data.get("outcome")) or _sent(data)
    if kind in DOCUMENTS or kind.startswith("close."):
        reason = DOCUMENTS.get(kind) or f"Document de fin de formation ({kind.removeprefix('close.')})"
        return DOCUMENT, reason, _issued(data)
    return None


# what became of a message not (yet) sent; "planned" is implied by the sent row that follows
_DELIVERY = {"delivery.deferred": "en attente, renvoyé au passage suivant", "delivery.retry": "nouvel essai",
             "delivery.failed": "refusé par le serveur"}


def _closing_reason(project: Project, data: dict) -> str:
    session = project.session(data.get("session")) if isinstance(data.get("session"), str) else None
    enrolment = session.enrolment(data["learner"]) if session is not None else None
    if enrolment is not None and enrolment.status is Status.ABANDON:
        return "Documents de fin de formation (abandon)"  # no satisfaction survey after a drop-out
    return "Documents de fin de formation et enquête à chaud"


def _sent(data: dict) -> str:
    """What happened to a message: accepted by the SMTP server (its reply is the proof), or only
    written to outbox/ for the trainer to send — which proves nothing was sent."""
    outbox = data.get("transport") == "outbox"
    if outbox:
        result = "déposé dans outbox/, non prouvé envoyé"
    else:
        reply = " ".join(str(data.get("reply") or "").split())[:80]
        result = "accepté par le serveur SMTP" + (f" («\u00a0{reply}\u00a0»)" if reply else "")
        if data.get("queue_id"):
            result += f", file du serveur\u00a0: {data['queue_id']}"
    if data.get("resend"):
        result = "renvoi : " + result
    if data.get("recovered"):
        result += " (retrouvé après une interruption)"
    return result


def _issued(data: dict) -> str:
    result = "délivré à nouveau" if data.get("resend") else "délivré"
    if data.get("signed"):
        result += ", signé"
    return result


def _text(value: object) -> str:
    if value is None or isinstance(value, bool):
        return ""
    return str(value).strip()


# --- files --------------------------------------------------------------------------------------


def log_sheet(rows: list[dict]):
    """The log as a table (base/xlsx_book): the same in `journal export` and in the audit pack."""
    from qualikit.base.xlsx_book import Sheet

    return Sheet("Relances et suivis", COLUMNS, [cells(row) for row in rows], LOG_WIDTHS)


def write_xlsx(rows: list[dict], path: Path, head=None, created: datetime | None = None) -> None:
    """The log as a workbook: real dates, bold frozen filtered header, every text cell stored as text; the
    journal's head (journal_head.Head) on a sheet of its own, so a later cut journal shows."""
    from qualikit.base.xlsx_book import Notes, write_book

    sheets = [log_sheet(rows), *([Notes("Journal", [(head.text(),)])] if head is not None else [])]
    write_atomic(Path(path), write_book(sheets, created))


def cells(row: dict) -> list:
    """A row's values for a workbook: the date as a date (the auditor sorts and filters on it)."""
    return [(_datetime(value) or value) if column == DATE and isinstance(value, str) else
            value if isinstance(value, str | int) and not isinstance(value, bool) else _text(value)
            for column, value in ((column, row.get(column)) for column in COLUMNS)]


_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4}) (\d{2}):(\d{2})")


def _datetime(text: str) -> datetime | None:
    """DATE_FORMAT read back; the rows' own shape without strptime (30,000 rows in an audit pack)."""
    try:
        if m := _DATE.fullmatch(text):
            day, month, year, hour, minute = map(int, m.groups())
            return datetime(year, month, day, hour, minute)
        return datetime.strptime(text, DATE_FORMAT)
    except ValueError:
        return None


def write_csv(rows: list[dict], path: Path) -> None:
    """The log as CSV for a French Excel: UTF-8 with BOM, « ; » separator, no cell read as a formula."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_cell(row.get(column)) for column in COLUMNS])
    write_atomic(Path(path), buffer.getvalue().encode("utf-8-sig"))


def _csv_cell(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = value if isinstance(value, str) else _text(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text
