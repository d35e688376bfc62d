"""Signing in the room: one half-day's sheet, signed by each learner, confirmed and signed by the trainer,
then sealed. The web pages (emargement_web) and the demo call these same functions.

What is kept, append-only: each signature in the journal (`emargement.signature`: learner, half-day,
time with its offset, the traced strokes' file and SHA-256, the device, and a chain value linking it
to the session's previous signature, project/signatures.py); each absence, late arrival or early
departure (`emargement.mark`); the confirmation (`emargement.close`) with the sealed PDF's SHA-256 and
verification code; each wrong personal code typed for a distance half-day (`emargement.pin_refused`:
PIN_TRIES per learner and half-day, then the code is refused; a right one is a signature with no
image, `via` « code »). The PDF lands in sortie/<session>/emargements-signes/AAAA-MM-JJ-matin.pdf,
where the audit pack looks for signed sheets, and the journey counts its signers present
(journey/roll_calls.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

from qualikit.base.clock import PARIS
from qualikit.base.files import safe_name, write_atomic
from qualikit.base.frdates import clock_time, long_date
from qualikit.base.tokens import attendance_pin, attendance_token, project_secret
from qualikit.base.typography import agree
from qualikit.project.journal import Journal
from qualikit.project.model import HalfDay, Learner, Project, Session, Status
from qualikit.project.signatures import CLOSE, MARK, SIGNATURE, START, heads, link

OUTPUT = "sortie"
SIGNED_FOLDER = "emargements-signes"  # read by audit/delivery.signed_sheets
STROKES_FOLDER = "emargement-signatures"
IMPORT = "emargement.import"
VIA = {"lien": "à distance, par lien personnel", "code": "à distance, par code personnel"}  # under the name
MARKS = {"absent": "absent", "retard": "arrivée en retard", "depart": "départ anticipé"}
SCANS = (".pdf", ".jpg", ".jpeg", ".png")
PIN_REFUSED = "emargement.pin_refused"
PIN_TRIES = 5  # wrong codes allowed per learner and half-day: a 6-digit code then has 5 chances in a million


@dataclass(frozen=True)
class RoomClock:
    """The laptop's clock (signatures carry the real time, with its offset); with `day` (--today), that
    day at the laptop's time of day, to rehearse."""

    day: date | None = None

    def now(self) -> datetime:
        real = datetime.now(PARIS)
        return real if self.day is None else datetime.combine(self.day, real.time(), PARIS)

    def today(self) -> date:
        return self.now().date()


class EmargementError(Exception):
    """A refusal, in French, for the trainer or the learner."""


def half_slug(half: HalfDay) -> str:
    """« apres-midi » in file names (the pack reads it back as « après-midi »)."""
    return half.value.replace("è", "e")


def sheet_path(root: Path, session_id: str, day: date, half: HalfDay, suffix: str = ".pdf") -> Path:
    return root / OUTPUT / safe_name(session_id) / SIGNED_FOLDER / f"{day.isoformat()}-{half_slug(half)}{suffix}"


def display_name(learner: Learner) -> str:
    """First name and initial: all another learner may see."""
    initial = learner.last_name[:1].upper()
    return f"{learner.first_name} {initial}." if initial else learner.first_name


@dataclass(frozen=True)
class Seat:
    learner: Learner
    signed: dict | None = None  # the signature record
    marks: tuple[dict, ...] = ()  # absent, late, early departure

    @property
    def absent(self) -> bool:
        return any(m["status"] == "absent" for m in self.marks)

    def state(self) -> str:
        """« présente », « présent · arrivée en retard (9 h 40) », « absente »… (agreed with the civility)"""
        notes = [f"{MARKS[m['status']]} ({m['time'].replace(':', ' h ')})" for m in self.marks
                 if m["status"] != "absent"]
        civility = self.learner.civility
        if self.signed:
            return " · ".join([agree("présent·e", civility), *notes])
        return agree("absent·e" if self.absent else "absent·e (n'a pas signé)", civility)


@dataclass
class Room:
    """One half-day of one session, as the trainer's laptop holds it open."""

    project: Project
    root: Path
    journal: Journal
    session: Session
    day: date
    half: HalfDay
    clock: Callable[[], datetime]
    signer: object | None = None  # the organisation's PAdES signer, when a certificate is configured

    @cached_property
    def secret(self) -> bytes:
        return project_secret(self.root)

    @property
    def key(self) -> str:
        return f"{self.session.id}:{self.day.isoformat()}:{self.half.value}"

    def learners(self) -> list[Learner]:
        """Who is expected to sign: enrolled, not gone before this day, sorted by name."""
        out = []
        for e in self.session.enrolments:
            if e.status is Status.ABANDON and (e.dropout_date is None or e.dropout_date <= self.day):
                continue
            learner = self.project.learner(e.learner_id)
            if learner is not None:
                out.append(learner)
        return sorted(out, key=lambda lr: (lr.last_name.casefold(), lr.first_name.casefold()))

    def _mine(self, entries) -> list:
        return [e for e in entries if e.data.get("session") == self.session.id
                and e.data.get("date") == self.day.isoformat() and e.data.get("half") == self.half.value]

    def seats(self, entries=None) -> list[Seat]:
        mine = self._mine(self.journal.entries() if entries is None else entries)
        out = []
        for learner in self.learners():
            signed = next((e.data for e in mine if e.kind == SIGNATURE and e.data.get("learner") == learner.id
                           and e.data.get("role") == "apprenant"), None)
            marks = tuple(e.data for e in mine if e.kind == MARK and e.data.get("learner") == learner.id)
            out.append(Seat(learner, signed, marks))
        return out

    def closed(self, entries=None) -> dict | None:
        mine = self._mine(self.journal.entries() if entries is None else entries)
        return next((e.data for e in mine if e.kind == CLOSE), None)

    def token(self, learner_id: str) -> str:
        return attendance_token(self.secret, self.session.id, learner_id, self.day, self.half.value)

    @property
    def distance(self) -> bool:
        """A half-day held at a distance: its learners may type their personal code instead of drawing."""
        return any(d.distance for d in self.session.days if d.date == self.day)

    def pin_tries_left(self, learner_id: str, entries=None) -> int:
        mine = self._mine(self.journal.entries() if entries is None else entries)
        return max(0, PIN_TRIES - sum(1 for e in mine if e.kind == PIN_REFUSED and e.data.get("learner") == learner_id))

    def learner_of_token(self, token: str) -> Learner | None:
        """The learner whose personal link this is, for this half-day only; None otherwise."""
        for learner in self.learners():
            if hmac.compare_digest(self.token(learner.id), token):
                return learner
        return None

    # -- writing -------------------------------------------------------------------------------

    def _record(self, kind: str, record: dict, key: str):
        """Chain `record` to the session's last one and journal it (under the journal's lock)."""
        entries = self.journal.entries()
        prev = heads(entries).get(self.session.id, START)
        record = {"session": self.session.id, "date": self.day.isoformat(), "half": self.half.value, **record,
                  "prev_chain": prev}
        record["chain"] = link(prev, record)
        return self.journal.append(kind, record, key=key)

    def _open(self, entries) -> None:
        if self.closed(entries) is not None:
            raise EmargementError("cette demi-journée est déjà confirmée par la formatrice ou le formateur : "
                                  "la feuille est scellée")

    def _strokes_file(self, who: str, strokes: dict, now: datetime) -> tuple[str, str]:
        """Write the traced strokes beside the sheets, never over an earlier file: (path, SHA-256)."""
        folder = self.root / OUTPUT / safe_name(self.session.id) / STROKES_FOLDER / \
            f"{self.day.isoformat()}-{half_slug(self.half)}"
        data = json.dumps(strokes, separators=(",", ":")).encode()
        n, path = 0, folder / f"{safe_name(who)}-{now:%H%M%S}.json"
        while path.exists():
            n += 1
            path = folder / f"{safe_name(who)}-{now:%H%M%S}-{n}.json"
        write_atomic(path, data)
        return path.relative_to(self.root).as_posix(), hashlib.sha256(data).hexdigest()

    def _seat(self, entries, learner_id: str) -> Seat:
        """The seat of a learner who may still sign, or a French refusal."""
        self._open(entries)
        seat = next((s for s in self.seats(entries) if s.learner.id == learner_id), None)
        if seat is None:
            raise EmargementError("cette personne n'est pas inscrite à cette demi-journée")
        if seat.signed is not None:
            raise EmargementError(f"{display_name(seat.learner)} a déjà signé cette demi-journée")
        if seat.absent:
            raise EmargementError(f"{display_name(seat.learner)} est noté·e absent·e : la formatrice ou le "
                                  "formateur peut noter une arrivée en retard à la place")
        return seat

    def sign(self, learner_id: str, strokes: dict, device: str, via: str = "salle"):
        """A learner's signature for this half-day."""
        with self.journal.locked():
            entries = self.journal.entries()
            self._seat(entries, learner_id)
            now = self.clock()
            image, digest = self._strokes_file(learner_id, strokes, now)
            return self._record(SIGNATURE, {"learner": learner_id, "role": "apprenant",
                                            "at": now.isoformat(timespec="seconds"), "image": image,
                                            "image_sha256": digest, "device": device[:120], "via": via},
                                key=f"emargement:signature:{self.key}:{learner_id}")

    def sign_pin(self, learner_id: str, pin: str, device: str):
        """A distance half-day signed with the learner's personal code (sent with the convocation) instead
        of a drawing: journaled as such (no image); a wrong code is journaled too, and after PIN_TRIES
        of them the code is refused for this half-day."""
        if not self.distance:
            raise EmargementError("le code personnel ne sert qu'aux demi-journées à distance : signez dans le cadre")
        with self.journal.locked():
            entries = self.journal.entries()
            seat = self._seat(entries, learner_id)
            left = self.pin_tries_left(learner_id, entries)
            if left == 0:
                raise EmargementError(f"trop de codes erronés pour {display_name(seat.learner)} : signez dans le "
                                      "cadre, ou la formatrice ou le formateur notera votre présence")
            now = self.clock()
            expected = attendance_pin(self.secret, self.session.id, learner_id)
            if not hmac.compare_digest("".join(pin.split()).encode(), expected.encode()):
                self.journal.append(PIN_REFUSED, {"session": self.session.id, "date": self.day.isoformat(),
                                                  "half": self.half.value, "learner": learner_id,
                                                  "at": now.isoformat(timespec="seconds"), "device": device[:120]})
                left -= 1
                raise EmargementError("code incorrect" + (f" ({left} essai{'s' if left > 1 else ''} restant"
                                                          f"{'s' if left > 1 else ''})" if left else
                                                          " : plus d'essai, signez dans le cadre"))
            return self._record(SIGNATURE, {"learner": learner_id, "role": "apprenant",
                                            "at": now.isoformat(timespec="seconds"), "image": None,
                                            "image_sha256": None, "device": device[:120], "via": "code"},
                                key=f"emargement:signature:{self.key}:{learner_id}")

    def mark(self, learner_id: str, status: str, time_text: str | None = None):
        """Absent, late arrival or early departure, with the time (the laptop's, or the one typed)."""
        if status not in MARKS:
            raise EmargementError(f"mention inconnue : {status}")
        now = self.clock()
        hhmm = time_text or f"{now:%H:%M}"
        try:
            datetime.strptime(hhmm, "%H:%M")
        except ValueError:
            raise EmargementError(f"heure « {hhmm} » illisible (attendu : HH:MM)") from None
        with self.journal.locked():
            entries = self.journal.entries()
            self._open(entries)
            seat = next((s for s in self.seats(entries) if s.learner.id == learner_id), None)
            if seat is None:
                raise EmargementError("cette personne n'est pas inscrite à cette demi-journée")
            if status == "absent" and seat.signed is not None:
                raise EmargementError(f"{display_name(seat.learner)} a signé : notez plutôt un départ anticipé")
            if any(m["status"] == status for m in seat.marks):
                raise EmargementError(f"« {MARKS[status]} » déjà noté pour {display_name(seat.learner)}")
            return self._record(MARK, {"learner": learner_id, "status": status, "time": hhmm,
                                       "at": now.isoformat(timespec="seconds")},
                                key=f"emargement:mark:{self.key}:{learner_id}:{status}")

    def confirm(self, strokes: dict, device: str) -> Path:
        """The trainer signs last: the sheet is built, sealed, written and journaled. Whoever has not
        signed counts absent."""
        from qualikit.documents.pdf_common import issued
        from qualikit.documents.signed_sheet import Line, render_signed_sheet
        from qualikit.documents.signing import sign_pdf, verification_code

        trainer = self.project.trainer(self.session.trainer_id) if self.session.trainer_id else None
        trainer_id = trainer.id if trainer else "formateur"
        target = sheet_path(self.root, self.session.id, self.day, self.half)
        with self.journal.locked():
            entries = self.journal.entries()
            self._open(entries)
            if any(target.with_suffix(s).exists() for s in SCANS):
                raise EmargementError(f"une feuille existe déjà pour cette demi-journée ({target.parent.name}/"
                                      f"{target.stem}) : rien n'est écrasé")
            now = self.clock()
            image, digest = self._strokes_file(trainer_id, strokes, now)
            self._record(SIGNATURE, {"learner": trainer_id, "role": "formateur",
                                     "at": now.isoformat(timespec="seconds"), "image": image,
                                     "image_sha256": digest, "device": device[:120], "via": "salle"},
                         key=f"emargement:signature:{self.key}:{trainer_id}")
            entries = self.journal.entries()
            seats = self.seats(entries)
            lines = [Line(s.learner.full_name, s.state(), _at(s), self._strokes(s.signed),
                          VIA.get(s.signed.get("via"), "") if s.signed else "",
                          bool(s.signed and s.signed.get("via") == "code")) for s in seats]
            trainer_line = Line(trainer.name if trainer else "Formatrice ou formateur", "anime la formation",
                                clock_time(now), strokes, "")
            code = verification_code(self.secret, f"emargement:{self.key}")
            pdf = render_signed_sheet(self.project, self.session, self.day, self.half, lines, trainer_line,
                                      self.root, code)
            pdf = issued(pdf, now, code)
            if self.signer is not None:
                pdf = sign_pdf(pdf, self.signer, reason=f"Émargement du {long_date(self.day)}, {self.half.value}",
                               location=self.project.organisation.address.city or "")
            write_atomic(target, pdf)
            present = [s.learner.id for s in seats if s.signed is not None]
            self.journal.append(CLOSE, {
                "session": self.session.id, "date": self.day.isoformat(), "half": self.half.value,
                "present": present, "absent": [s.learner.id for s in seats if s.signed is None],
                "file": target.relative_to(self.root).as_posix(), "sha256": hashlib.sha256(pdf).hexdigest(),
                "code": code, "signed": self.signer is not None, "chain": heads(entries)[self.session.id]},
                key=f"emargement:close:{self.key}")
        return target

    def _strokes(self, record: dict | None) -> dict | None:
        if record is None or not record.get("image"):
            return None
        try:
            return json.loads((self.root / record["image"]).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None


def _at(seat: Seat) -> str:
    if seat.signed:
        return clock_time(datetime.fromisoformat(seat.signed["at"]))
    absent = next((m for m in seat.marks if m["status"] == "absent"), None)
    return absent["time"].replace(":", " h ") if absent else "—"


def open_room(project: Project, root: Path, journal: Journal, session_id: str, day: date, half: HalfDay,
              clock: Callable[[], datetime], signer=None) -> Room:
    """The room for a half-day the session holds, or a French refusal."""
    session = project.session(session_id)
    if session is None:
        raise EmargementError(f"session « {session_id} » inconnue")
    held = next((d for d in session.days if d.date == day), None)
    if held is None:
        raise EmargementError(f"la session {session_id} n'a pas de journée le {long_date(day)}")
    if half not in [h for h, _ in held.halves()]:
        raise EmargementError(f"la session {session_id} n'a pas de demi-journée « {half.value} » le "
                              f"{long_date(day)}")
    return Room(project, root, journal, session, day, half, clock, signer)


def current_half(session: Session, now: datetime) -> HalfDay | None:
    """The half-day under way (or the next one that day): morning until its end, then the afternoon."""
    held = next((d for d in session.days if d.date == now.date()), None)
    if held is None:
        return None
    halves = held.halves()
    for half, span in halves:
        if now.time() <= span.end:
            return half
    return halves[-1][0] if halves else None


def import_scan(project: Project, root: Path, journal: Journal, session_id: str, day: date, half: HalfDay,
                scan: Path) -> Path:
    """A paper sheet signed in the room and scanned, linked to its half-day (copied, journaled)."""
    suffix = scan.suffix.lower()
    if suffix not in SCANS:
        raise EmargementError(f"« {scan.name} » : format non pris en charge (attendu : PDF, JPEG ou PNG)")
    try:
        data = scan.read_bytes()
    except OSError:
        raise EmargementError(f"« {scan} » introuvable ou illisible") from None
    room = open_room(project, root, journal, session_id, day, half, journal.now)
    target = sheet_path(root, session_id, day, half, suffix)
    with journal.locked():
        if room.closed() is not None or any(target.with_suffix(s).exists() for s in SCANS):
            raise EmargementError(f"une feuille existe déjà pour le {long_date(day)}, {half.value} : rien n'est "
                                  "écrasé")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        shutil.copyfile(scan, tmp)
        tmp.replace(target)
        journal.append(IMPORT, {"session": session_id, "date": day.isoformat(), "half": half.value,
                                "file": target.relative_to(root).as_posix(),
                                "sha256": hashlib.sha256(data).hexdigest(), "source": scan.name},
                       key=f"emargement:import:{room.key}")
    return target
