"""The audit's view of the project, journal and registers at the audit date, and the sample it reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from qualikit.project.journal import Entry
from qualikit.project.model import Project, Session, Status

SESSIONS = 3  # sessions sampled per indicator
LEARNERS = 2  # learners sampled per session


# --- the period and what is read once -------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def label(self) -> str:
        """The folder name: « 2025-11-16_2026-11-15 »."""
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def text(self) -> str:
        return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def year_before(day: date) -> date:
    """The day after the same day one year earlier: 12 months ending on `day`."""
    try:
        earlier = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        earlier = day.replace(year=day.year - 1, day=28)
    return earlier + timedelta(days=1)



@dataclass
class Context:
    """What the pack may show: the project, journal and registers as known at the end of `today`.

    `build_pack` cuts `project` and `entries` at that day (journey.asof), and `register()` cuts
    the registers; `later` holds the journal rows written after it, never shown: they only tell
    which files on disk were written again since (a re-issued document is not the one of the day).
    """

    project: Project
    root: Path
    entries: list[Entry]
    grid: Any  # qualikit.referentiel.Grid
    period: Period
    audit_date: date
    today: date  # the as-of day: the audit date, or the day the pack is made when earlier
    cache: dict[str, Any] = field(default_factory=dict)
    later: list[Entry] = field(default_factory=list)

    @property
    def stamp(self) -> date:
        """The date the pack's documents bear: the period's end, or the as-of day when earlier."""
        return min(self.period.end, self.today)

    def register(self, module: Any) -> Any:
        """A register (incidents, improvements, risks, reports) read once, cut at the as-of day."""
        key = ("register", module.FILENAME)
        if key not in self.cache:
            from dataclasses import replace

            from qualikit.quality.registers.asof import as_of

            document = module.load(self.root)
            self.cache[key] = replace(document, register=as_of(document.register, self.today)) if document.ok \
                else document
        return self.cache[key]

    def project_file(self, rel: object) -> Path | None:
        """A file the project or a register names, when it exists inside the project folder (a path
        that leads out of it is never copied into a pack)."""
        if not isinstance(rel, str) or not rel:
            return None
        path = (self.root / rel).resolve()
        return path if path.is_file() and path.is_relative_to(self.root.resolve()) else None

    @property
    def rewritten(self) -> set:
        """Files written again after the as-of day: what is on disk is not the document of that day."""
        if "rewritten" not in self.cache:
            self.cache["rewritten"] = {e.data.get("file") for e in self.later if isinstance(e.data, dict)}
        return self.cache["rewritten"]

    @property
    def sessions(self) -> list[Session]:
        """Sessions of the period already started, the most recent first."""
        if "sessions" not in self.cache:
            found = [s for s in self.project.sessions if s.days and s.start <= self.period.end
                     and s.end >= self.period.start and s.start <= self.today]
            self.cache["sessions"] = sorted(found, key=lambda s: (s.start, s.id), reverse=True)
        return self.cache["sessions"]

    @property
    def session_ids(self) -> set[str]:
        return {s.id for s in self.sessions}

    @property
    def ended(self) -> list[Session]:
        return [s for s in self.sessions if s.end < self.today]

    def period_entries(self) -> list[Entry]:
        """Journal entries about a session of the period (or, without a session, dated in it)."""
        ids = self.session_ids
        out = []
        for e in self.entries:
            sid = e.data.get("session") if isinstance(e.data, dict) else None
            if isinstance(sid, str) and sid:
                if sid in ids:
                    out.append(e)
            elif self.period.contains(e.ts.date()):
                out.append(e)
        return out

    def learner_name(self, learner_id: str) -> str:
        learner = self.project.learner(learner_id)
        if learner is not None:
            return learner.full_name
        trainer = self.project.trainer(learner_id)
        if trainer is not None:
            return trainer.name
        return "Entreprise cliente" if learner_id == "entreprise" else learner_id

    @property
    def programmes(self) -> list:
        """Programmes of the period's sessions; the whole catalogue when there is no session."""
        ids = {s.programme_id for s in self.sessions}
        found = [p for p in self.project.programmes if p.id in ids]
        return sorted(found or list(self.project.programmes), key=lambda p: p.id)

    @property
    def about(self) -> list[tuple[str, str]]:
        """The lines every generated workbook starts with: who, which grid, which period."""
        return [("Organisme", self.project.organisation.name),
                ("Référentiel", f"{self.grid.name} ({self.grid.period})"),
                ("Texte", self.grid.legal_text),
                ("Date d'audit", f"{self.audit_date:%d/%m/%Y}"),
                ("Période", self.period.text),
                *([("Journal", head)] if (head := self.journal_head) else [])]

    @property
    def journal_head(self) -> str | None:
        """The head of the journal as read for the pack: a later copy of the journal must still hold it."""
        from qualikit.project.journal_head import Head

        return Head(self.entries[-1].seq, self.entries[-1].hash).text() if self.entries else None


def latest(entries: Iterable[Entry], kind: str) -> dict[str, Entry]:
    """The last entry of this kind per key."""
    out: dict[str, Entry] = {}
    for e in entries:
        if e.kind == kind and e.key:
            out[e.key] = e
    return out


def survey_answers(ctx: Context) -> dict[tuple[str, str, str], Entry]:
    """(survey, session, learner) → the latest survey.answer entry, for the period's sessions."""
    if "answers" not in ctx.cache:
        out: dict[tuple[str, str, str], tuple[str, Entry]] = {}
        ids = ctx.session_ids
        for e in ctx.entries:
            if e.kind != "survey.answer" or not isinstance(e.data, dict):
                continue
            key = (str(e.data.get("survey")), str(e.data.get("session")), str(e.data.get("learner")))
            if key[1] not in ids:
                continue
            stamp = str(e.data.get("submitted_at") or "")
            if key not in out or stamp >= out[key][0]:
                out[key] = (stamp, e)
        ctx.cache["answers"] = {k: v for k, (_, v) in out.items()}
    return ctx.cache["answers"]


def journal_files(ctx: Context, kind: str) -> dict[tuple[str, str], Path]:
    """(session, learner or "") → the file an entry of this kind recorded, when it still exists
    as that entry wrote it (no later row wrote it again)."""
    if ("files", kind) in ctx.cache:
        return ctx.cache[("files", kind)]
    out: dict[tuple[str, str], Path] = {}
    ctx.cache[("files", kind)] = out
    for e in latest(ctx.entries, kind).values():
        sid, rel = e.data.get("session"), e.data.get("file")
        if sid not in ctx.session_ids or rel in ctx.rewritten:
            continue
        if (path := ctx.project_file(rel)) is not None:
            out[(sid, str(e.data.get("learner") or ""))] = path
    return out


def sample(ctx: Context, has: Callable[[Session, str], bool]) -> list[tuple[Session, list[str]]]:
    """Up to SESSIONS sessions (most recent first) with up to LEARNERS learners each for which `has`.

    Learners are taken as an auditor would: a drop-out first, then a learner with an adaptation,
    then in enrolment order."""
    out = []
    for s in ctx.sessions:
        learners = [e.learner_id for e in sorted(s.enrolments, key=lambda e: _interest(ctx, e))
                    if has(s, e.learner_id)][:LEARNERS]
        if learners:
            out.append((s, learners))
        if len(out) == SESSIONS:
            break
    return out


def _interest(ctx: Context, enrolment) -> int:
    if enrolment.status is Status.ABANDON:
        return 0
    learner = ctx.project.learner(enrolment.learner_id)
    return 1 if learner is not None and learner.adaptation else 2


def sample_note(picked: list[tuple[Session, list[str]]], ctx: Context, where: str) -> str:
    parts = [f"{s.id} ({', '.join(ctx.learner_name(lid) for lid in lids)})" for s, lids in picked]
    return (f"Échantillon : {'; '.join(parts)}. Les autres pièces sont dans votre dossier de projet ({where}) ; "
            "relancez avec --from/--to pour une autre période.")


def outbox(ctx: Context) -> list[tuple[Path, str, str, str]]:
    """(file, session, step, recipient address) of each .eml in outbox/ sent by the as-of day, by name."""
    if "outbox" in ctx.cache:
        return ctx.cache["outbox"]
    from email.parser import BytesHeaderParser
    from email.utils import getaddresses

    found = []
    folder = ctx.root / "outbox"
    if folder.is_dir():
        parser = BytesHeaderParser()
        sent, later = _message_ids(ctx.entries), _message_ids(ctx.later)
        for path in sorted(folder.glob("*.eml")):
            try:
                headers = parser.parsebytes(path.read_bytes())
            except OSError:
                continue
            if not _sent_by(ctx, headers, sent, later):
                continue
            to = getaddresses([str(headers.get("To", ""))])
            found.append((path, str(headers.get("X-Qualikit-Session", "")).strip(),
                          str(headers.get("X-Qualikit-Step", "")).strip(), (to[0][1] if to else "").lower()))
    ctx.cache["outbox"] = found
    return found


def outbox_by_id(ctx: Context) -> dict[str, Path]:
    """Message-ID → its .eml copy in outbox/, for the messages sent by the as-of day."""
    if "outbox_ids" not in ctx.cache:
        from email.parser import BytesHeaderParser

        parser = BytesHeaderParser()
        out = {}
        for path, *_ in outbox(ctx):
            try:
                mid = " ".join(str(parser.parsebytes(path.read_bytes()).get("Message-ID", "")).split())
            except OSError:
                continue
            if mid:
                out[mid] = path
        ctx.cache["outbox_ids"] = out
    return ctx.cache["outbox_ids"]


def _message_ids(entries: list[Entry]) -> set[str]:
    return {" ".join(mid.split()) for e in entries
            if isinstance(e.data, dict) and isinstance(mid := e.data.get("message_id"), str)}


def _sent_by(ctx: Context, headers, sent: set[str], later: set[str]) -> bool:
    """Whether the message went out by the end of the as-of day: its journal row says when; a copy
    the journal does not know goes by its own Date header (never the file's time); undated, kept."""
    from email.utils import parsedate_to_datetime

    from qualikit.base.clock import PARIS
    from qualikit.journey.asof import end_of

    mid = " ".join(str(headers.get("Message-ID", "")).split())
    if mid and (mid in sent or mid in later):
        return mid in sent
    try:
        moment = parsedate_to_datetime(str(headers.get("Date", "")))
    except (TypeError, ValueError, IndexError):
        return True
    return (moment if moment.tzinfo else moment.replace(tzinfo=PARIS)) <= end_of(ctx.today)


def emails_of(ctx: Context, steps: tuple[str, ...]) -> dict[tuple[str, str], list[Path]]:
    """(session, learner) → copies of the e-mails of these steps sent to that learner."""
    by_address: dict[str, list[str]] = {}
    for learner in ctx.project.learners:
        by_address.setdefault(learner.email.strip().lower(), []).append(learner.id)
    out: dict[tuple[str, str], list[Path]] = {}
    for path, sid, step, to in outbox(ctx):
        if step in steps and sid in ctx.session_ids:
            for lid in by_address.get(to, []):
                out.setdefault((sid, lid), []).append(path)
    return out


def journey(ctx: Context):
    """The dated journey at the pack's day (project and journal already cut), built once per pack:
    the figures and who lacks a proof read the same one."""
    if "journey" not in ctx.cache:
        from qualikit.journey.facts import build

        ctx.cache["journey"] = build(ctx.project, ctx.entries, ctx.today)
    return ctx.cache["journey"]


def kpis(ctx: Context):
    if "kpis" not in ctx.cache:
        from qualikit.quality.figures import compute

        ctx.cache["kpis"] = compute(ctx.project, ctx.entries, start=ctx.period.start, end=ctx.period.end,
                                    today=ctx.today, root=ctx.root, journey=journey(ctx))
    return ctx.cache["kpis"]


def dropouts(session: Session) -> list:
    """Enrolments that started and dropped out (a withdrawal before the first day is not a drop-out)."""
    return [e for e in started(session) if e.status is Status.ABANDON]


def started(session: Session) -> list:
    return [e for e in session.enrolments
            if not (e.status is Status.ABANDON and e.dropout_date and e.dropout_date < session.start)]
