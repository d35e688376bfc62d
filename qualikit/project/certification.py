"""Certifying programmes against their certification (indicator 7), and what `check` says about them.

The crossed table pairs the fiche's blocks with the programme's sequences (its outline, numbered
from 1): a block no sequence prepares for, or a sequence that serves no block, is what an auditor
reading indicator 7 looks for first. Training under an expired habilitation is an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from qualikit.base.diagnostics import Diagnostic, Level, quote
from qualikit.base.files import inside
from qualikit.project.model import Certification, Programme, Project, Session


@dataclass(frozen=True)
class Crossing:
    """One programme against one certification: which sequences prepare for which block."""

    programme: Programme
    certification: Certification
    rows: tuple[tuple[str, str, tuple[int, ...]], ...]  # (block code, block title, its sequences)
    blocks_without: tuple[str, ...]  # block codes with no sequence
    sequences_without: tuple[int, ...]  # sequence numbers with no block
    out_of_range: tuple[tuple[str, int], ...]  # (block code, a sequence number the outline lacks)

    @property
    def complete(self) -> bool:
        return bool(self.rows) and not (self.blocks_without or self.sequences_without or self.out_of_range)


def crossing(programme: Programme, certification: Certification) -> Crossing:
    count = len(programme.outline)
    rows = tuple((b.code, b.title, tuple(n for n in b.sequences if 1 <= n <= count)) for b in certification.blocks)
    covered = {n for _, _, seqs in rows for n in seqs}
    return Crossing(programme, certification, rows,
                    tuple(code for code, _, seqs in rows if not seqs),
                    tuple(n for n in range(1, count + 1) if n not in covered),
                    tuple((b.code, n) for b in certification.blocks for n in b.sequences if not 1 <= n <= count))


def habilitation_problem(cert: Certification, session: Session) -> str | None:
    """Why the habilitation did not cover the session's dates, or None."""
    if cert.habilitation_end and session.end > cert.habilitation_end:
        return f"habilitation expirée le {cert.habilitation_end:%d/%m/%Y}"
    if cert.habilitation_start and session.start < cert.habilitation_start:
        return f"habilitation valable seulement à partir du {cert.habilitation_start:%d/%m/%Y}"
    return None


def findings(p: Project, root) -> Iterator[Diagnostic]:
    """The `check` findings about certifications (called from project.checks)."""
    def warn(loc, message, field, indicator):
        return Diagnostic(loc, message, field, Level.WARNING, indicator)

    for prog in p.programmes:
        if prog.certification_code and p.certification(prog.certification_code) is None:
            yield warn(prog.loc, f"certification {quote(prog.certification_code)} non décrite dans certifications "
                       "(intitulé, certificateur, blocs, habilitation, taux d'insertion) : indicateurs 3, 7 et 16 "
                       "non prouvables", "code_certification", 7)
            continue
        cert = p.certification(prog.certification_code)
        if cert is None:
            continue
        if not cert.blocks:
            yield warn(cert.loc, f"aucun bloc de compétences pour {cert.code} : le tableau croisé avec le "
                       "programme est impossible", "blocs", 7)
            continue
        cross = crossing(prog, cert)
        for code in cross.blocks_without:
            block = cert.block(code)
            yield warn(block.loc, f"bloc {quote(code)} préparé par aucune séquence du programme {prog.id}",
                       "sequences", 7)
        for code, n in cross.out_of_range:
            yield Diagnostic(cert.block(code).loc, f"séquence {n} inexistante : le contenu du programme {prog.id} "
                             f"compte {len(prog.outline)} séquence(s)", "sequences")
        for n in cross.sequences_without:
            yield warn(prog.loc, f"séquence {n} (« {prog.outline[n - 1]} ») rattachée à aucun bloc de {cert.code}",
                       "contenu", 7)
    for cert in p.certifications:
        if not cert.trains:
            yield warn(cert.loc, "ni habilitation ni convention à préparer la certification (habilitation_former)",
                       "habilitation_former", 7)
        for key, rel in (("habilitation_fichier", cert.habilitation_file), ("reglement_examen", cert.exam_rules)):
            if rel and not _exists(root, rel):
                yield warn(cert.loc, f"fichier {quote(rel)} introuvable dans le projet", key, 16)
        lacks = [key for key, value in (
            ("contact_certificateur", cert.certifier_contact), ("modalites_inscription", cert.registration),
            ("conditions_acces", cert.access_conditions), ("rattrapage", cert.retakes)) if not value]
        lacks += [f"evaluation du bloc {b.code}" for b in cert.blocks if not b.assessment]
        if lacks:
            yield warn(cert.loc, "le document d'information sur les conditions de présentation, joint aux "
                       f"convocations, sera incomplet : renseignez {', '.join(lacks)}", lacks[0].split()[0], 16)
        if not cert.assesses and not cert.assessor:
            yield warn(cert.loc, "vous n'évaluez pas : indiquez qui fait passer l'examen (evaluateur), pour y "
                       "orienter les apprenants", "evaluateur", 16)
    for session in p.sessions:
        cert = p.certification_of(session)
        if cert is None or not session.days:
            continue
        problem = habilitation_problem(cert, session)
        if problem:
            yield Diagnostic(session.loc, f"{problem} : la session {session.id} ({session.start:%d/%m/%Y} – "
                             f"{session.end:%d/%m/%Y}) prépare {cert.code} hors habilitation", "programme",
                             indicator=7)
        if session.exam_minutes and not _exists(root, session.exam_minutes):
            yield warn(session.loc, f"fichier {quote(session.exam_minutes)} introuvable dans le projet",
                       "proces_verbal", 16)
    for exam in p.exams:
        session = p.session(exam.session_id)
        if session is None or session.enrolment(exam.learner_id) is None:
            yield Diagnostic(exam.loc, f"{quote(exam.learner_id)} n'est pas inscrit·e à la session "
                             f"{quote(exam.session_id)}", "apprenant")
        elif p.certification_of(session) is None:
            yield warn(exam.loc, f"la session {session.id} ne prépare aucune certification décrite", "session", 16)
        for key, rel in (("preuve_inscription", exam.registration_proof),
                         ("amenagement_fichier", exam.adaptation_file)):
            if rel and not _exists(root, rel):
                yield warn(exam.loc, f"fichier {quote(rel)} introuvable dans le projet", key, 16)


def _exists(root, rel: str) -> bool:
    path = root / rel
    return inside(root, path) and path.is_file()
