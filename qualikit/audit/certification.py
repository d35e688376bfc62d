"""Proofs of certifying trainings (indicators 3, 7, 16), judged over every certifying session of the period.

A programme naming an RNCP/RS code is certifying. Without the certification described in the
project (certifications.yaml) nothing can be shown: each proof says « manquant » and what lacks.
With it, the proof holds only when it holds for every certifying session and every learner of the
period; whoever or whatever lacks is named (« partiel »).
"""

from __future__ import annotations

from html import escape

from qualikit.audit import coverage
from qualikit.audit.context import Context
from qualikit.audit.results import PackFile, Proof
from qualikit.audit.sheets import Sheet, workbook
from qualikit.project.model import Certification, Session


def certifying_sessions(ctx: Context) -> list[Session]:
    """The period's sessions whose programme names a certification code (described or not)."""
    out = []
    for s in ctx.sessions:
        programme = ctx.project.programme(s.programme_id)
        if programme and programme.certification_code:
            out.append(s)
    return out


def _undescribed(ctx: Context) -> tuple[list[Certification], list[str]]:
    """The certifications of the period's sessions, and a line per code the project does not describe."""
    certs: dict[str, Certification] = {}
    missing: dict[str, str] = {}
    for s in certifying_sessions(ctx):
        programme = ctx.project.programme(s.programme_id)
        cert = ctx.project.certification(programme.certification_code)
        if cert is None:
            missing.setdefault(programme.certification_code,
                               f"certification {programme.certification_code} (programme {programme.id}) non décrite "
                               "dans certifications.yaml")
        else:
            certs.setdefault(cert.code, cert)
    return list(certs.values()), list(missing.values())


def _file(ctx: Context, rel: str | None, folder: str, label: str) -> PackFile | None:
    from qualikit.base.files import safe_name

    path = ctx.project_file(rel)
    if path is None:
        return None
    return PackFile(f"{folder}/{safe_name(path.stem)}{path.suffix.lower()}", label, source=path)


def _page(title: str, sections: list[tuple[str, list[str], list[list[str]]]]) -> bytes:
    """A plain HTML page: per section, a heading, paragraphs and a table (first row: headers)."""
    parts = [f"<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>{escape(title)}</title>"
             "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #999;padding:.3rem .5rem;vertical-align:top}</style>",
             f"<h1>{escape(title)}</h1>"]
    for heading, paragraphs, table in sections:
        parts.append(f"<h2>{escape(heading)}</h2>")
        parts += [f"<p>{escape(p)}</p>" for p in paragraphs]
        if table:
            parts.append("<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in table[0]) + "</tr>")
            parts += ["<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in table[1:]]
            parts.append("</table>")
    return ("\n".join(parts) + "\n</html>\n").encode("utf-8")


def _list(items: tuple[str, ...]) -> str:
    return " ; ".join(items) or "—"


def _rate(value) -> str:
    return "non relevé" if value is None else f"{(value * 100).normalize():f}\u00a0%"


# --- indicator 3 -----------------------------------------------------------------------------------

def taux_certification(ctx: Context) -> Proof:
    from qualikit.quality.figures import certification_figures

    label = "Taux de présentation et d'obtention des certifications, blocs, passerelles et débouchés"
    certs, missing = _undescribed(ctx)
    if not certs:
        return Proof("taux_certification", label, False, todo=[
            "décrivez la certification dans certifications.yaml et importez les résultats des apprenants "
            "(qualikit certification import) : voir docs/certification.md"], missing=missing)
    sj_all = coverage.sessions(ctx)
    figures = certification_figures(ctx.project, sj_all, ctx.today)
    sections = []
    for cert in certs:
        for field, text in (("blocs", cert.blocks), ("equivalences", cert.equivalences),
                            ("passerelles", cert.bridges), ("suites_parcours", cert.next_steps),
                            ("debouches", cert.outlets)):
            if not text:
                missing.append(f"{cert.code} : {field} non renseigné(e)s")
        if cert.insertion_rate is None or cert.job_insertion_rate is None or cert.fiche_read_on is None:
            missing.append(f"{cert.code} : taux d'insertion global et dans le métier visé de la fiche, avec la date "
                           "de lecture (taux_insertion_global, taux_insertion_metier, fiche_lue_le)")
        mine = [f for f in figures if f.label.endswith(f" {cert.code}")]
        sections.append((f"{cert.code} — {cert.title}", [
            f"Certificateur : {cert.certifier or 'non renseigné'}.",
            "Blocs validables séparément : " + ("oui" if cert.separate_blocks else "non") + ".",
            f"Équivalences : {_list(cert.equivalences)}. Passerelles : {_list(cert.bridges)}.",
            f"Suites de parcours : {_list(cert.next_steps)}. Débouchés : {_list(cert.outlets)}.",
            f"Taux d'insertion (fiche{f', lue le {cert.fiche_read_on:%d/%m/%Y}' if cert.fiche_read_on else ''}) : "
            f"global {_rate(cert.insertion_rate)}, dans le métier visé {_rate(cert.job_insertion_rate)}.",
        ], [["Indicateur", "Valeur", "Méthode", "Apprenants"],
            *[[f.label, f.text(), f.method, str(f.denominator)] for f in mine]]))
        if not any(f.denominator for f in mine if "présentation" in f.label):
            missing.append(f"{cert.code} : aucun taux de présentation calculable (aucune session terminée)")
    unknown = coverage.lacking(ctx, lambda sj, lj: lj.exam is not None and (
        lj.exam.presented is False or lj.exam.result is not None), ended_only=True,
        where=lambda sj, lj: ctx.project.certification_of(sj.session) is not None)
    missing += coverage.gap(unknown, "sans résultat ni non-présentation connus")
    files = [PackFile("taux-certification.html", "Taux de présentation et d'obtention, blocs, passerelles, débouchés",
                      data=_page("Résultats des formations certifiantes", sections))]
    return Proof("taux_certification", label, True, files, notes=[
        "Un taux calculé sur moins de 5 personnes est donné en nombres."],
        todo=["importez les résultats du certificateur : qualikit certification import FICHIER"] if unknown else [],
        missing=missing)


# --- indicator 7 -----------------------------------------------------------------------------------

def tableau_croise(ctx: Context) -> Proof:
    from qualikit.project.certification import crossing, habilitation_problem

    label = "Tableau croisé programme ↔ blocs de la certification, habilitation à préparer"
    certs, missing = _undescribed(ctx)
    if not certs:
        return Proof("tableau_croise_certification", label, False, todo=[
            "décrivez la certification, ses blocs et les séquences qui y préparent dans certifications.yaml"],
            missing=missing)
    rows, sections, files = [], [], []
    programmes = {s.programme_id for s in certifying_sessions(ctx)}
    for prog in (p for p in ctx.programmes if p.id in programmes):
        cert = ctx.project.certification(prog.certification_code)
        if cert is None:
            continue
        cross = crossing(prog, cert)
        if not cert.blocks:
            missing.append(f"{cert.code} : aucun bloc de compétences décrit")
        missing += [f"{prog.id} : bloc {code} préparé par aucune séquence" for code in cross.blocks_without]
        missing += [f"{prog.id} : séquence {n} rattachée à aucun bloc" for n in cross.sequences_without]
        table = [["Bloc", "Intitulé", "Séquences du programme"]]
        for code, title, seqs in cross.rows:
            table.append([code, title, " ; ".join(f"{n}. {prog.outline[n - 1]}" for n in seqs) or "AUCUNE"])
            rows += [[prog.id, code, title, n, prog.outline[n - 1]] for n in seqs] or [[prog.id, code, title, "", ""]]
        rows += [[prog.id, "", "AUCUN BLOC", n, prog.outline[n - 1]] for n in cross.sequences_without]
        sections.append((f"{prog.title} ↔ {cert.code} {cert.title}", [], table))
    for cert in certs:
        if not cert.trains:
            missing.append(f"{cert.code} : ni habilitation ni convention à préparer (habilitation_former)")
        proof = _file(ctx, cert.habilitation_file, "habilitation", f"Habilitation ou convention {cert.code}")
        if proof is None:
            missing.append(f"{cert.code} : fichier de l'habilitation ou de la convention absent (habilitation_fichier)")
        else:
            files.append(proof)
    for s in certifying_sessions(ctx):
        cert = ctx.project.certification_of(s)
        if cert is not None and (problem := habilitation_problem(cert, s)):
            missing.append(f"session {s.id} : {problem}")
    files.insert(0, PackFile("tableau-croise.html", "Tableau croisé du programme et des blocs de compétences",
                             data=_page("Tableau croisé programme ↔ certification", sections)))
    files.insert(1, PackFile("tableau-croise.xlsx", "Tableau croisé (classeur)", data=workbook(ctx.about, [
        Sheet("Tableau croisé", ("Programme", "Bloc", "Intitulé du bloc", "N°", "Séquence"), rows,
              (16, 14, 40, 4, 60))], ctx.stamp)))
    return Proof("tableau_croise_certification", label, True, files, missing=missing)


# --- indicator 16 ----------------------------------------------------------------------------------

INFO_KIND = "onboard.certification_info"  # the information on the conditions, sent with the convocations


def presentation_certification(ctx: Context) -> Proof:
    label = "Conditions de présentation : information, inscription, aménagements, procès-verbaux"
    certs, missing = _undescribed(ctx)
    if not certs:
        return Proof("presentation_certification", label, False, todo=[
            "décrivez la certification dans certifications.yaml et le chemin de chaque apprenant vers l'examen "
            "dans examens.yaml"], missing=missing)
    for cert in certs:
        if not cert.assesses and not cert.assessor:
            missing.append(f"{cert.code} : vous n'évaluez pas et l'évaluateur n'est pas nommé (evaluateur)")
    certified = lambda sj, lj: ctx.project.certification_of(sj.session) is not None  # noqa: E731
    missing += coverage.gap(coverage.lacking(ctx, lambda sj, lj: lj.exam is not None and lj.exam.informed_on,
                                             where=certified), "non informé des conditions de présentation",
                            "non informés des conditions de présentation")
    missing += coverage.gap(coverage.lacking(
        ctx, lambda sj, lj: lj.exam is not None and (lj.exam.registered_on or lj.exam.presented is False),
        ended_only=True, where=lambda sj, lj: certified(sj, lj) and not lj.dropped),
        "sans inscription à l'examen", "sans inscription à l'examen")
    missing += coverage.gap(coverage.lacking(
        ctx, lambda sj, lj: lj.exam is not None and lj.exam.adaptation_granted,
        where=lambda sj, lj: certified(sj, lj) and bool(lj.learner.adaptation)),
        "en situation de handicap sans aménagement d'examen consigné", "en situation de handicap sans aménagement "
        "d'examen consigné")
    missing += coverage.gap(coverage.lacking(
        ctx, lambda sj, lj: lj.exam.presented is not False or bool(lj.exam.absence_reason),
        where=lambda sj, lj: certified(sj, lj) and lj.exam is not None), "non présenté sans motif",
        "non présentés sans motif")
    files: list[PackFile] = []
    table = [["Session", "Apprenant", "Informé le", "Inscrit le", "Session d'examen", "Aménagement", "Présenté",
              "Résultat", "Blocs obtenus"]]
    for s in certifying_sessions(ctx):
        sj = coverage.journey(ctx).get(s.id)
        cert = ctx.project.certification_of(s)
        if sj is None or cert is None:
            continue
        found, lacks = _session_pieces(ctx, sj, cert)
        files += found
        missing += [f"session {s.id} : {what}" for what in lacks]
        table += [_path_row(sj, lj) for lj in sj.started]
    notes = [f"{c.code} : l'examen est conduit par {c.assessor} ; les apprenants y sont orientés (document "
             "d'information joint à la convocation)." for c in certs if not c.assesses and c.assessor]
    files.insert(0, PackFile("presentation-certification.html", "Chemin de chaque apprenant vers l'examen",
                             data=_page("Présentation à la certification", [("Apprenants", notes, table)])))
    return Proof("presentation_certification", label, True, files, notes=notes, missing=missing)


def _session_pieces(ctx: Context, sj, cert: Certification) -> tuple[list[PackFile], list[str]]:
    """One certifying session's pieces, filed in its own folder, and what it lacks (in French)."""
    from qualikit.audit.context import journal_files
    from qualikit.base.files import safe_name

    s = sj.session
    folder = f"sessions/{safe_name(s.id)}"
    files, lacks = [], []

    def piece(rel, name, what):
        path = ctx.project_file(rel)
        if path is None:
            return None
        out = PackFile(f"{folder}/{name}{path.suffix.lower()}", f"{what} ({s.id})", source=path)
        files.append(out)
        return out

    info = journal_files(ctx, INFO_KIND).get((s.id, ""))
    if info is not None:
        files.append(PackFile(f"{folder}/information-conditions-presentation.pdf",
                              f"Information sur les conditions de présentation envoyée avec les convocations "
                              f"({s.id})", source=info))
    if piece(cert.exam_rules, "reglement-examen", f"Règlement d'examen {cert.code}") is None:
        lacks.append("règlement d'examen absent (reglement_examen)")
    no_proof, no_decision = [], []
    for lj in sj.started:
        x = lj.exam
        if x is None:
            continue
        who = safe_name(lj.id)
        if x.registered_on and piece(x.registration_proof, f"inscriptions/{who}",
                                     f"Inscription de {lj.learner.full_name}") is None:
            no_proof.append(lj.learner.full_name)
        if (x.adaptation_asked or x.adaptation_granted) and piece(
                x.adaptation_file, f"amenagements/{who}", f"Aménagement d'épreuve de {lj.learner.full_name}") is None:
            no_decision.append(lj.learner.full_name)
    if no_proof:
        lacks.append(f"preuve d'inscription absente pour {', '.join(no_proof)} (preuve_inscription)")
    if no_decision:
        lacks.append(f"demande ou décision d'aménagement absente pour {', '.join(no_decision)} (amenagement_fichier)")
    judged = any(lj.exam and lj.exam.result_on for lj in sj.learners)
    if piece(s.exam_minutes, "proces-verbal", "Procès-verbal de l'examen") is None and judged:
        lacks.append("procès-verbal de l'examen absent (proces_verbal)")
    return files, lacks


def _path_row(sj, lj) -> list[str]:
    x = lj.exam
    return [sj.id, lj.learner.full_name, f"{x.informed_on:%d/%m/%Y}" if x and x.informed_on else "—",
            f"{x.registered_on:%d/%m/%Y}" if x and x.registered_on else "—",
            (x.exam_session or "") if x else "", (x.adaptation_granted or "") if x else "",
            {True: "oui", False: f"non ({x.absence_reason or 'motif ?'})" if x else "non",
             None: "—"}[x.presented if x else None],
            (f"{x.result} ({x.result_on:%d/%m/%Y})" if x and x.result else "—"),
            ", ".join(x.blocks) if x else ""]
