"""Survey answers from a form tool's export, matched to learners by token, journaled once.

`parse_answers` reads one file and returns the answers it can count, with every
row it cannot count reported with its line: unknown or missing token, answer
to another survey, incomplete response, out-of-range value, and earlier
submissions replaced by a later one. A file that cannot be read as a whole
gives errors and no answer at all, never half a file.

`record` journals each new answer as `survey.answer`; importing the same file
again adds nothing, a later resubmission is added (the latest one counts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from qualikit.base.diagnostics import Location, Report, quote
from qualikit.project.journal import Entry, Journal
from qualikit.quality.surveys.presets import clean_text, columns, find_token, normalise, parse_moment
from qualikit.quality.surveys.readers import RawTable, read_table

ANSWER = "survey.answer"  # the journal kind read by `remind` and `alerts`


@dataclass(frozen=True)
class Answer:
    survey: str
    session_id: str
    learner_id: str
    submitted_at: datetime | None
    values: dict[str, object]
    source: str  # the export's file name
    line: int  # where the row starts (line of the text file, row of the sheet)

    @property
    def key(self) -> str:
        return answer_key(self.survey, self.session_id, self.learner_id)


@dataclass(frozen=True)
class Skipped:
    """A row not counted, and why (the same words as in the report)."""

    line: int
    token: str | None
    reason: str
    replaced_by: int | None = None  # duplicates: the line of the submission kept


@dataclass
class ImportResult:
    preset: str  # "" when the file could not be read
    answers: list[Answer]
    report: Report
    duplicates: list[Skipped] = field(default_factory=list)
    incomplete: list[Skipped] = field(default_factory=list)
    unknown_tokens: list[Skipped] = field(default_factory=list)  # unknown, unreadable or missing token
    other_survey: list[Skipped] = field(default_factory=list)
    invalid: list[Skipped] = field(default_factory=list)  # a value out of range

    @property
    def ok(self) -> bool:
        return self.report.ok


def answer_key(survey: str, session_id: str, learner_id: str) -> str:
    return f"survey:{survey}:{session_id}:{learner_id}"


FREE_SURVEYS = ("besoins", "positionnement")  # needs analysis and positioning: questions of the trainer's own
AFTER_SESSION = ("chaud", "froid", "entreprise", "financeur")  # asked at or after the end: never before the start
COLD_ONLY = frozenset({"utilisation", "resultats", "obstacles", "soutien_manager", "besoins_suivants"})
HOT_CRITERIA = frozenset({"accueil", "contenu", "equipe", "moyens", "accompagnement", "nps", "accompagne"})


def parse_answers(path: Path, tokens: dict[str, tuple[str, str, str]], *, survey: str | None = None,
                  mapping: dict | None = None, now: datetime | None = None,
                  starts: dict[str, date] | None = None) -> ImportResult:
    """Read one export; `tokens` maps token → (survey, session id, learner id). Never raises for bad data.

    `now` given: an answer dated later is refused; `starts` (session → first day) given: an answer to
    a survey of the end of the training dated before the session began is refused."""
    report = Report()
    table = read_table(Path(path), report)
    if table is None:
        return ImportResult("", [], report)
    plan = columns(table, report, mapping)
    result = ImportResult(plan.preset.name, [], report)
    where = Location(table.source)
    if plan.token is None:
        report.error(where, f"aucune colonne de jeton trouvée ({plan.preset.label})\u00a0: nommez la question "
                     "«\u00a0Jeton\u00a0» (ou le champ caché «\u00a0token\u00a0»), ou indiquez la colonne "
                     "dans la correspondance\u00a0; rien n'est importé")
        return result
    if not plan.fields and not plan.questions:
        report.warning(where, "aucune question reconnue\u00a0: seules les réponses reçues sont comptées, "
                       "indiquez les colonnes dans la correspondance pour lire les notes")
    if plan.submitted is None:
        report.warning(where, "pas de colonne de date de réponse\u00a0: en cas de doublon, la dernière ligne "
                       "du fichier est retenue")
    known = {str(k).strip().lower(): v for k, v in tokens.items()}
    kept_text: dict[int, str] = {}
    candidates: list[Answer] = []
    row_tokens: dict[int, str] = {}
    for line, cells in table.rows:
        loc = table.loc(line, plan.token)
        raw = cells[plan.token]
        token = find_token(raw)
        if plan.preset.incomplete is not None and plan.preset.incomplete(plan.get(cells)):
            reason = "réponse incomplète (questionnaire non terminé)"
            result.incomplete.append(Skipped(line, token, reason))
            report.warning(loc, f"{reason}\u00a0: non comptée")
            continue
        if token is None or token not in known:
            text = str(raw).strip() if raw is not None else ""
            reason = ("réponse sans jeton (lien non personnalisé\u00a0?)" if not text
                      else f"jeton inconnu {quote(text)}")
            result.unknown_tokens.append(Skipped(line, token or (text or None), reason))
            report.warning(loc, f"{reason}\u00a0: réponse non comptée")
            continue
        kind, session_id, learner_id = known[token]
        if survey is not None and kind != survey:
            reason = f"jeton de l'enquête {quote(kind)}, pas de l'enquête {quote(survey)}"
            result.other_survey.append(Skipped(line, token, reason))
            report.warning(loc, f"{reason}\u00a0: réponse non comptée")
            continue
        values: dict[str, object] = {}
        problems = []
        for column, name in plan.fields:
            value = normalise(name, cells[column], plan.preset)
            if value.problem:
                problems.append(value.problem)
                report.error(table.loc(line, column), f"{value.problem}\u00a0: réponse non comptée", field=name)
                continue
            if value.kept_text:
                kept_text.setdefault(column, name)
            if value.value is None:
                continue
            before = values.get(name)
            if before is None:
                values[name] = value.value
            elif isinstance(before, str) and isinstance(value.value, str):  # several comment columns
                values[name] = f"{before}\n{value.value}"
        if kind in FREE_SURVEYS:  # every question is the trainer's own: kept as asked, never read as a score
            values = {}
            questions = sorted([*plan.questions, *((c, " ".join(str(table.headers[c]).split()))
                                                   for c, _ in plan.fields)])
        else:
            questions = plan.questions
        for column, wording in questions:
            text = clean_text(cells[column]) if column < len(cells) and cells[column] is not None else ""
            if text and wording not in values:
                values[wording] = text
        if problems:
            result.invalid.append(Skipped(line, token, "; ".join(problems)))
            continue
        submitted = None
        if plan.submitted is not None:
            moment = cells[plan.submitted]
            if str(moment).strip():
                submitted = parse_moment(moment, plan.preset.zone, plan.day_first)
                if submitted is None:
                    report.warning(table.loc(line, plan.submitted), f"date de réponse illisible {quote(moment)}")
        problem = _implausible(kind, values, submitted, now, (starts or {}).get(session_id))
        if problem:
            report.error(table.loc(line, plan.submitted if "date" in problem else plan.token),
                         f"{problem}\u00a0: réponse non comptée")
            result.invalid.append(Skipped(line, token, problem))
            continue
        candidates.append(Answer(kind, session_id, learner_id, submitted, values, table.source, line))
        row_tokens[line] = token
    for column, name in sorted(kept_text.items()):
        report.warning(table.loc(table.header_line, column), f"réponses non numériques conservées telles quelles "
                       f"(codes de réponse\u00a0?) dans {quote(table.headers[column])}", field=name)
    result.answers = _latest(candidates, result, table, row_tokens)
    return result


def _implausible(kind: str, values: dict, submitted: datetime | None, now: datetime | None,
                 start: date | None) -> str | None:
    """Why this answer cannot be what it claims: dated in the future or before its session, or a cold
    survey's answers under a hot survey's token (it would count as hot)."""
    if submitted is not None and now is not None and submitted > now:
        return f"date de réponse {submitted:%d/%m/%Y %H:%M} dans le futur"
    if submitted is not None and start is not None and kind in AFTER_SESSION and submitted.date() < start:
        return f"date de réponse {submitted:%d/%m/%Y} antérieure au début de la session ({start:%d/%m/%Y})"
    if kind == "chaud" and COLD_ONLY & values.keys() and not HOT_CRITERIA & values.keys():
        return "réponses d'une enquête à froid sous le jeton de l'enquête à chaud (lien à chaud réutilisé\u00a0?)"
    return None


def _latest(candidates: list[Answer], result: ImportResult, table: RawTable, tokens: dict[int, str]) -> list[Answer]:
    """One answer per (survey, session, learner): the last submitted; the others reported as replaced."""
    groups: dict[str, list[Answer]] = {}
    for answer in candidates:
        groups.setdefault(answer.key, []).append(answer)
    kept = []
    for group in groups.values():
        group.sort(key=lambda a: (a.submitted_at.timestamp() if a.submitted_at else float("-inf"), a.line))
        winner = group[-1]
        kept.append(winner)
        for older in group[:-1]:
            reason = f"réponse remplacée par celle de la ligne {winner.line}"
            result.duplicates.append(Skipped(older.line, tokens.get(older.line), reason, winner.line))
            result.report.warning(table.loc(older.line), reason)
    result.duplicates.sort(key=lambda s: s.line)
    return sorted(kept, key=lambda a: a.line)


# -- journal -----------------------------------------------------------------------------------------


def _moment(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def journaled(entries: list[Entry]) -> set[tuple[str, str | None]]:
    """(key, submitted_at ISO text or None) of every answer in the journal."""
    return {(e.key, e.data.get("submitted_at")) for e in entries
            if e.kind == ANSWER and e.key and isinstance(e.data, dict)}


def record(journal: Journal, result: ImportResult, already: set[tuple]) -> list[Answer]:
    """Journal the new answers of `result`; return them.

    Skipped: an answer journaled before with the same key and the same submission time, or one
    older than an answer already journaled for that key. A later resubmission is journaled.
    The journal is re-read under its lock; `already` adds (key, submitted_at ISO) pairs — or
    (survey, session, learner, submitted_at ISO) — the caller knows of, and receives the pairs
    journaled here, so several files imported in one run do not repeat each other.
    """
    written: list[Answer] = []
    if not result.answers:
        return written
    with journal.locked():
        pairs = set(journaled(journal.entries()))
        for item in already:
            if isinstance(item, tuple) and len(item) == 2:
                pairs.add((item[0], item[1]))
            elif isinstance(item, tuple) and len(item) == 4:
                pairs.add((answer_key(*item[:3]), item[3]))
        moments: dict[str, list[datetime | None]] = {}
        for key, stamp in pairs:
            moments.setdefault(key, []).append(_moment(stamp))
        for answer in sorted(result.answers, key=lambda a: a.line):
            key = answer.key
            stamp = answer.submitted_at.isoformat() if answer.submitted_at else None
            before = moments.get(key, [])
            if (key, stamp) in pairs:
                continue
            if answer.submitted_at is None:
                if before:
                    continue
            elif any(m is not None and m >= answer.submitted_at for m in before):
                continue
            data = {
                "survey": answer.survey,
                "session": answer.session_id,
                "learner": answer.learner_id,
                "submitted_at": stamp,
                "values": answer.values,
                "source": answer.source,
                "line": answer.line,
            }
            journal.append(ANSWER, data, key=key)
            pairs.add((key, stamp))
            already.add((key, stamp))
            moments.setdefault(key, []).append(answer.submitted_at)
            written.append(answer)
    return written


__all__ = ["ANSWER", "Answer", "ImportResult", "Skipped", "answer_key", "journaled", "parse_answers",
           "record"]
