"""The audit pack: audit/<period>/, one folder per applicable indicator with its (sampled) proofs,
index.html and index.xlsx, manifest.sha256; optionally audit/<period>.zip.

Status rules, per applicable indicator of the grid in force on the audit date:
- « prouvé » when every qualikit proof the grid lists for it is present for every learner and
  session of the period (audit.coverage), « partiel » when some are or some people lack one
  (named), « manquant » when none;
- indicators qualikit cannot prove (17, 18, 21–25, and any applicable one with no qualikit proof)
  are « à fournir par vous », with the auditor's expected proofs; they count as missing in the
  readiness table unless the trainer drops files into <project>/preuves/<NN>/, which are copied
  into the indicator's folder and make it « prouvé »;
- « non applicable », with the reason, for the indicators the provider's profile excludes.
New-entrant mode (settings.new_entrant) marks where formalisation is enough at the initial audit,
and leaves out of the gaps the indicators audited only at the surveillance audit.

As of the audit date: the pack shows what was true at the end of the audit date (or of --today
when earlier: an audit to come is prepared with what is known today), never what came after —
the project and the journal cut by journey.asof, the registers by registers.asof, documents and
e-mails copied only when issued by then. Sessions planned later may appear, as planned.

Integrity: the pack is written into a hidden sibling folder and renamed into place whole, so an
interrupted run leaves no partial folder; sources are only read; the same data as of the same day
gives the same bytes: that day appears once as the pack's date, in index.html and the manifest
header, and as the creation date of the PDFs the pack makes; workbooks and the zip have fixed
timestamps.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import secrets
import shutil
import zipfile
from datetime import date, datetime, time
from pathlib import Path

from qualikit.audit.context import Context, Period, year_before
from qualikit.audit.evidence import EXTRAS, OUTSIDE, REGISTER_PROOFS, SLUGS, collect
from qualikit.audit.results import (
    A_FOURNIR,
    DROP_FOLDER,
    MANQUANT,
    NON_APPLICABLE,
    PARTIEL,
    PROUVE,
    IndicatorResult,
    PackFile,
    PackResult,
)
from qualikit.audit.sheets import FIXED_ZIP_TIME
from qualikit.base.clock import PARIS
from qualikit.project.journal import Entry
from qualikit.project.model import Project

MANIFEST = "manifest.sha256"
DROPPED_PREFIX = "vos-pieces"
STALE_SECONDS = 3600
NEVER_COPIED = ("registre-signalements",)  # the restricted register never leaves the project


class PackError(Exception):
    """The pack cannot be made as asked; French message."""


# --- choices ---------------------------------------------------------------------------------------

def choose_audit_date(project: Project, given: date | None, today: date) -> date:
    """--audit-date, else the project's date_audit, else today."""
    return given or project.settings.audit_date or today


def choose_period(audit_date: date, start: date | None, end: date | None) -> Period:
    """Default: the 12 months before the audit date (ending on it)."""
    last = end or audit_date
    first = start or year_before(last)
    if first > last:
        raise PackError(f"période vide : le début ({first:%d/%m/%Y}) est après la fin ({last:%d/%m/%Y})")
    return Period(first, last)


def profile_of(project: Project, period_sessions: list | None = None):
    """What the provider does, from its data; unknown activities count as absent. Certifying: a session
    of the period (all sessions when not given) prepares a programme with an RNCP/RS code."""
    from qualikit.referentiel import Profile

    sessions = [s for s in project.sessions if s.days]
    programmes = [project.programme(s.programme_id) for s in (sessions if period_sessions is None else period_sessions)]
    return Profile(
        certifying=any(p and p.certification_code for p in programmes),
        uses_subcontracting=any((t := project.trainer(s.trainer_id or "")) is not None and t.external
                                for s in (sessions if period_sessions is None else period_sessions)),
        acts_as_subcontractor_only=bool(sessions) and all(s.contractor for s in sessions),
        longest_training_days=max((len({d.date for d in s.days}) for s in sessions), default=math.inf),
    )


# --- assessment ------------------------------------------------------------------------------------

def _safe_file(name: str) -> str:
    from qualikit.base.files import safe_name

    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return safe_name(name)
    return f"{safe_name(stem)}.{safe_name(ext, 10).lower()}"


def dropped_files(root: Path, number: int) -> list[PackFile]:
    """Files the trainer put in preuves/<NN>/ (or preuves/<N>/), copied under vos-pieces/."""
    base = root / DROP_FOLDER
    out: list[PackFile] = []
    for name in dict.fromkeys((f"{number:02d}", str(number))):
        folder = base / name
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if (not path.is_file() or path.is_symlink() or any(p.startswith(".") for p in rel.parts)
                    or any(path.name.startswith(x) for x in NEVER_COPIED)):
                continue
            target = "/".join([*(_safe_file(p) for p in rel.parts[:-1]), _safe_file(rel.parts[-1])])
            out.append(PackFile(f"{DROPPED_PREFIX}/{target}", f"Pièce déposée par vous : {rel.as_posix()}",
                                source=path))
    return out


def assess(ctx: Context, new_entrant: bool) -> list[IndicatorResult]:
    from qualikit.referentiel import applicable

    out = []
    for ind, applies, reason in applicable(ctx.grid, profile_of(ctx.project, ctx.sessions)):
        if not applies:
            out.append(IndicatorResult(ind, False, reason, NON_APPLICABLE))
            continue
        folder = f"{ind.number:02d}-{SLUGS.get(ind.number, 'indicateur')}"
        result = IndicatorResult(ind, True, "", MANQUANT, folder, dropped=dropped_files(ctx.root, ind.number))
        register = collect(ctx, REGISTER_PROOFS[ind.number]) if ind.number in REGISTER_PROOFS else None
        if register is not None and register.present:
            result.proofs = [register]
            result.status = PROUVE if register.complete or result.dropped else PARTIEL
            result.todo += register.todo
        elif ind.number in OUTSIDE or not ind.qualikit_proofs:
            result.status = PROUVE if result.dropped else A_FOURNIR
            result.notes.append("qualikit ne peut pas prouver cet indicateur : il porte sur vos moyens, vos "
                                "compétences ou votre veille." if ind.number in OUTSIDE else
                                "qualikit ne produit pas de preuve pour cet indicateur.")
            if not result.dropped:
                result.todo.append(f"déposez vos pièces dans {DROP_FOLDER}/{ind.number:02d}/ de votre projet : elles "
                                   "seront copiées ici et comptées comme preuves")
                if register is not None:
                    result.todo += register.todo
        else:
            result.proofs = [collect(ctx, pid) for pid in ind.qualikit_proofs]
            present = sum(p.present for p in result.proofs)
            complete = all(p.complete for p in result.proofs)
            result.status = PROUVE if complete else PARTIEL if present else MANQUANT
            for proof in result.proofs:
                result.todo += [t for t in proof.todo if t not in result.todo]
        result.extras = [p for p in (collect(ctx, x) for x in EXTRAS.get(ind.number, ())) if p.files]
        if result.dropped and ind.number not in OUTSIDE and ind.qualikit_proofs:
            result.notes.append(f"Pièces ajoutées par vous ({DROP_FOLDER}/{ind.number:02d}/) : jointes, sans changer "
                                "le statut calculé par qualikit.")
        if new_entrant:
            if ind.new_entrants == "formalisation":
                result.notes.append("Nouvel entrant : à l'audit initial, il suffit que le processus soit formalisé "
                                    "(son application sera vérifiée à l'audit de surveillance).")
            elif ind.new_entrants == "non_applicable_initial":
                result.deferred = True
                result.notes.append("Nouvel entrant : indicateur audité à l'audit de surveillance, pas à l'audit "
                                    "initial.")
        out.append(result)
    return out


# --- writing ---------------------------------------------------------------------------------------

AUDIT_KINDS = {"initial": "audit initial", "surveillance": "audit de surveillance",
               "renouvellement": "audit de renouvellement"}


def build_pack(project: Project, root: Path, entries: list[Entry], *, today: date, audit_date: date | None = None,
               start: date | None = None, end: date | None = None, make_zip: bool = False,
               audit_kind: str | None = None) -> PackResult:
    """Assess, then write audit/<period>/ whole (and the zip); the previous pack of the period is replaced.

    Everything is read as of the end of the audit date, or of `today` when earlier."""
    from qualikit.journey.asof import end_of, entries_as_of, project_as_of
    from qualikit.referentiel import grid_for

    audit = choose_audit_date(project, audit_date, today)
    try:
        grid = grid_for(audit)
    except LookupError as exc:
        raise PackError(str(exc)) from None
    period = choose_period(audit, start, end)
    day = min(audit, today)
    cutoff = end_of(day)
    ctx = Context(project_as_of(project, day), root, entries_as_of(entries, day), grid, period, audit, day,
                  later=[e for e in entries if e.ts > cutoff])
    kind = audit_kind or ("initial" if project.settings.new_entrant else "surveillance")
    if kind not in AUDIT_KINDS:
        raise PackError(f"type d'audit « {kind} » inconnu (attendu : {', '.join(AUDIT_KINDS)})")
    new_entrant = kind == "initial"  # what an initial audit does not ask is marked so
    results = assess(ctx, new_entrant)
    audit_dir = root / "audit"
    final = audit_dir / period.label
    from qualikit.audit.followed import follow, pages

    pack = PackResult(final, audit_dir / f"{period.label}.zip" if make_zip else None, grid, period, audit, day,
                      new_entrant, project.organisation.name, results, ctx.journal_head, pages(ctx), follow(ctx),
                      AUDIT_KINDS[kind])
    write_whole(final, lambda staging: _write(pack, staging, ctx))
    if make_zip:
        from qualikit.base.files import write_atomic

        write_atomic(pack.zip_path, zip_folder(final, period.label))
    return pack


def write_whole(final: Path, fill) -> None:
    """Fill a hidden sibling folder, then rename it into place; on any error, remove it and re-raise."""
    final.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(final)
    token = secrets.token_hex(4)
    staging = final.with_name(f".{final.name}.tmp-{token}")
    staging.mkdir()
    try:
        fill(staging)
        _sync_tree(staging)
        old = None
        if final.exists():
            old = final.with_name(f".{final.name}.old-{token}")
            os.replace(final, old)
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    from qualikit.base.files import sync_dir

    sync_dir(final.parent)


def _remove_stale(final: Path) -> None:
    """Hidden folders left by a run that was killed (no chance to clean up), after an hour."""
    import time

    for pattern in (f".{final.name}.tmp-*", f".{final.name}.old-*"):
        for path in final.parent.glob(pattern):
            try:
                if time.time() - path.stat().st_mtime > STALE_SECONDS:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass


def _sync_tree(folder: Path) -> None:
    if os.name != "posix":
        return
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _write(pack: PackResult, staging: Path, ctx: Context) -> None:
    from qualikit.audit.index import render_index_html, render_index_xlsx

    made_on = datetime.combine(ctx.stamp, time(0), PARIS)  # the pack's own PDFs bear its date, not 2000
    templates = tuple(url for _, url in ctx.project.settings.survey_urls)
    for r in pack.indicators:
        if r.folder is None:
            continue
        base = staging / r.folder
        base.mkdir()
        for f in r.files():
            target = base / f.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_content(f, made_on, templates))
    for f in pack.pages:
        target = staging / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_content(f, made_on, templates))
    (staging / "index.html").write_bytes(render_index_html(pack).encode("utf-8"))
    (staging / "index.xlsx").write_bytes(render_index_xlsx(pack, ctx))
    (staging / MANIFEST).write_bytes(manifest(pack, staging).encode("utf-8"))


def _content(f: PackFile, made_on: datetime, templates: tuple[str, ...]) -> bytes:
    """A file's bytes as the pack holds them: its own PDFs dated, survey tokens masked in e-mail copies
    (the outbox itself untouched)."""
    from qualikit.audit.masking import masked_eml
    from qualikit.documents.pdf_common import issued

    if f.data is not None:
        return issued(f.data, made_on) if f.path.endswith(".pdf") else f.data
    data = f.source.read_bytes()
    return masked_eml(data, templates) if f.path.lower().endswith(".eml") else data


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def manifest(pack: PackResult, folder: Path) -> str:
    """« sha256  relative/path » per file, after a commented header (sha256sum -c reads the rest)."""
    lines = ["# qualikit — pack de preuves Qualiopi",
             f"# Organisme : {pack.organisation}",
             f"# Référentiel : {pack.grid.name} ({pack.grid.period})",
             f"# Date d'audit : {pack.audit_date:%d/%m/%Y} ({pack.audit_kind}) ; période {pack.period.text}",
             f"# Établi avec les données connues à la date du {pack.generated:%d/%m/%Y}",
             "# Vérifier : sha256sum -c manifest.sha256 (depuis ce dossier)"]
    for rel in _files(folder):
        if rel != MANIFEST:
            lines.append(f"{hashlib.sha256((folder / rel).read_bytes()).hexdigest()}  {rel}")
    return "\n".join(lines) + "\n"


def verify_manifest(folder: Path) -> list[str]:
    """Problems (French) between manifest.sha256 and the folder; [] when every file matches."""
    path = folder / MANIFEST
    if not path.is_file():
        return [f"{MANIFEST} introuvable"]
    problems, listed = [], set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        digest, sep, rel = line.partition("  ")
        if not sep or len(digest) != 64:
            problems.append(f"ligne {n} illisible")
            continue
        listed.add(rel)
        target = folder / rel
        if not target.is_file():
            problems.append(f"{rel} : fichier manquant")
        elif hashlib.sha256(target.read_bytes()).hexdigest() != digest:
            problems.append(f"{rel} : contenu modifié")
    problems += [f"{rel} : fichier absent du manifeste" for rel in _files(folder)
                 if rel != MANIFEST and rel not in listed]
    return problems


def zip_folder(folder: Path, prefix: str) -> bytes:
    """The folder as a zip, entries sorted, fixed timestamps: the same pack gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for rel in _files(folder):
            info = zipfile.ZipInfo(f"{prefix}/{rel}", FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, (folder / rel).read_bytes())
    return out.getvalue()
