"""A certifier's results file (CSV/TSV or XLSX) → one journaled result per learner, as survey answers are.

Columns, found by their header (accents and case ignored): apprenant (the learner's id, or their
e-mail), session (optional when the learner follows one certifying session only), résultat (obtenu,
partiel, non obtenu, absent, with the certifiers' usual words), blocs obtenus (codes separated by
commas; for « partiel », required), date (of the jury). Every row that cannot be read is reported
with its line or cell, and then nothing is journaled: a results file counts whole or not at all.
Importing the same file again adds nothing; a later jury (another date or result) is added and wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from qualikit.base.diagnostics import Report, quote
from qualikit.journey.facts import ABSENT_EXAM, FAILED, OBTAINED, PARTIAL, RESULT
from qualikit.project.journal import Journal
from qualikit.project.load.fields import fold
from qualikit.project.model import Project

HEADERS = {
    "learner": ("apprenant", "identifiant", "candidat", "email", "e mail", "courriel"),
    "session": ("session",),
    "result": ("resultat", "decision", "resultat global"),
    "blocks": ("blocs obtenus", "blocs", "blocs valides"),
    "date": ("date", "date du jury", "date de resultat"),
}
WORDS = {
    OBTAINED: ("obtenu", "obtenue", "admis", "admise", "valide", "validee", "certifie", "certifiee", "reussi"),
    PARTIAL: ("partiel", "partielle", "validation partielle", "admis partiellement"),
    FAILED: ("non obtenu", "non obtenue", "ajourne", "ajournee", "refuse", "refusee", "echec", "non valide"),
    ABSENT_EXAM: ("absent", "absente", "non presente", "non presentee"),
}


@dataclass(frozen=True)
class ExamResult:
    session_id: str
    learner_id: str
    certification: str
    result: str  # OBTAINED, PARTIAL, FAILED, ABSENT_EXAM
    blocks: tuple[str, ...]
    on: date
    line: int

    @property
    def key(self) -> str:
        return f"certification:{self.session_id}:{self.learner_id}:{self.on.isoformat()}:{self.result}"


@dataclass
class ResultsImport:
    results: list[ExamResult] = field(default_factory=list)
    report: Report = field(default_factory=Report)

    @property
    def ok(self) -> bool:
        return self.report.ok


def parse_results(path: Path, project: Project) -> ResultsImport:
    """Read the file; never raises for bad data."""
    from qualikit.quality.surveys.readers import read_table

    out = ResultsImport()
    table = read_table(path, out.report)
    if table is None:
        return out
    cols = _columns(table.headers)
    for need in ("learner", "result", "date"):
        if need not in cols:
            out.report.error(table.loc(table.header_line), f"colonne {quote(HEADERS[need][0])} introuvable "
                             f"(colonnes lues : {', '.join(table.headers)})")
    if not out.report.ok:
        return out
    for line, cells in table.rows:
        result = _row(project, table, line, cells, cols, out.report)
        if result is not None:
            out.results.append(result)
    if not out.report.ok:
        out.results = []
    return out


def _columns(headers: list[str]) -> dict[str, int]:
    out = {}
    for i, h in enumerate(headers):
        name = fold(str(h))
        for key, names in HEADERS.items():
            if name in names and key not in out:
                out[key] = i
    return out


def _row(project: Project, table, line: int, cells: list, cols: dict[str, int], report: Report) -> ExamResult | None:
    def cell(key: str):
        i = cols.get(key)
        return cells[i] if i is not None and i < len(cells) and cells[i] not in (None, "") else None

    def err(key: str, message: str) -> None:
        report.error(table.loc(line, cols.get(key)), message, {"learner": "apprenant", "result": "résultat",
                                                               "blocks": "blocs obtenus"}.get(key, key))

    who = str(cell("learner") or "").strip()
    learner = project.learner(who) or next((x for x in project.learners if x.email.lower() == who.lower()), None)
    if learner is None:
        err("learner", f"apprenant {quote(who)} inconnu (attendu : l'identifiant ou l'e-mail d'un apprenant)")
        return None
    certifying = [s for s in project.sessions if s.enrolment(learner.id) and project.certification_of(s)]
    sid = str(cell("session") or "").strip()
    if sid:
        session = project.session(sid)
        if session is None or session.enrolment(learner.id) is None:
            err("session", f"{learner.full_name} n'est pas inscrit·e à la session {quote(sid)}")
            return None
        if project.certification_of(session) is None:
            err("session", f"la session {quote(sid)} ne prépare pas une certification décrite dans "
                           "certifications (attendu : un programme avec code_certification)")
            return None
    elif len(certifying) == 1:
        session = certifying[0]
    else:
        err("session", f"{learner.full_name} suit {len(certifying)} sessions certifiantes : indiquez la session")
        return None
    cert = project.certification_of(session)
    raw = fold(str(cell("result") or ""))
    result = next((k for k, words in WORDS.items() if raw in words), None)
    if result is None:
        err("result", f"{quote(cell('result') or '')} n'est pas un résultat (attendu : obtenu, partiel, "
                      "non obtenu ou absent)")
        return None
    blocks = tuple(b for b in re.split(r"[,;\s]+", str(cell("blocks") or "")) if b)
    unknown = [b for b in blocks if cert.block(b) is None]
    if unknown:
        known = ", ".join(b.code for b in cert.blocks) or "aucun"
        err("blocks", f"{', '.join(unknown)} : bloc inconnu de la certification {cert.code} (attendu : {known})")
        return None
    if result == PARTIAL and not blocks:
        err("blocks", "résultat « partiel » sans les blocs obtenus (attendu : leurs codes, séparés par des virgules)")
        return None
    if result == OBTAINED:
        blocks = tuple(b.code for b in cert.blocks)
    elif result in (FAILED, ABSENT_EXAM):
        blocks = ()
    on = _date(cell("date"))
    if on is None:
        err("date", f"{quote(cell('date') or '')} n'est pas une date (attendu : JJ/MM/AAAA)")
        return None
    return ExamResult(session.id, learner.id, cert.code, result, blocks, on, line)


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from qualikit.project.load.fields import DATE, Invalid

    try:
        return DATE(value) if value else None
    except Invalid:
        return None


def record(journal: Journal, imported: ResultsImport) -> list[ExamResult]:
    """Journal the results not journaled yet (same learner, session, date and result); return them."""
    written = []
    with journal.locked():
        seen = {e.key for e in journal.entries_of(RESULT)}
        for r in imported.results:
            if r.key in seen:
                continue
            journal.append(RESULT, {"session": r.session_id, "learner": r.learner_id, "certification": r.certification,
                                    "result": r.result, "blocks": list(r.blocks), "date": r.on.isoformat(),
                                    "line": r.line}, key=r.key)
            seen.add(r.key)
            written.append(r)
    return written
