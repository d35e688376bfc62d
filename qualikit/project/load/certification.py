"""Certification tables (certifications, their blocks, each learner's exam) → the model.

Kept apart from build.py: the certifying part of a project is read the same way (typed cells,
located errors), but only trainers who prepare RNCP/RS certifications fill it.
"""

from __future__ import annotations

from collections import defaultdict

from qualikit.project import model as m


def certifications(each, tables, report, s) -> tuple[tuple[m.Certification, ...], tuple[m.Exam, ...]]:
    """`each` is build._each, `s` the schema module (passed in to keep imports one-way and short)."""
    blocks = defaultdict(list)
    for cert_id, block in each(tables, s.BLOCKS, report, lambda r: (r.get("certification"), _block(r))):
        blocks[cert_id].append(block)
    certs = each(tables, s.CERTIFICATIONS, report, lambda r: _certification(r, blocks))
    exams = each(tables, s.EXAMS, report, _exam)
    return tuple(certs), tuple(exams)


def _block(r) -> m.CertificationBlock:
    return m.CertificationBlock(code=r.get("code"), title=r.get("intitule"), competencies=r.get("competences", ()),
                                assessment=r.get("evaluation"), sequences=r.get("sequences", ()), loc=r.row.loc)


def _certification(r, blocks) -> m.Certification:
    code = r.get("id")
    return m.Certification(
        code=code, title=r.get("intitule"), certifier=r.get("certificateur"), blocks=tuple(blocks.get(code, ())),
        trains=bool(r.get("habilitation_former", False)), assesses=bool(r.get("habilitation_evaluer", False)),
        habilitation_file=r.get("habilitation_fichier"), habilitation_start=r.get("habilitation_debut"),
        habilitation_end=r.get("habilitation_fin"), exam_place=r.get("lieu_examen"), assessor=r.get("evaluateur"),
        exam_rules=r.get("reglement_examen"), certifier_contact=r.get("contact_certificateur"),
        registration=r.get("modalites_inscription"), access_conditions=r.get("conditions_acces", ()),
        disability_adaptations=r.get("amenagements_examen"), retakes=r.get("rattrapage"),
        separate_blocks=bool(r.get("blocs_separables", False)),
        equivalences=r.get("equivalences", ()), bridges=r.get("passerelles", ()),
        next_steps=r.get("suites_parcours", ()), outlets=r.get("debouches", ()),
        insertion_rate=r.get("taux_insertion_global"), job_insertion_rate=r.get("taux_insertion_metier"),
        fiche_read_on=r.get("fiche_lue_le"), loc=r.row.loc,
    )


def _exam(r) -> m.Exam:
    return m.Exam(
        session_id=r.get("session"), learner_id=r.get("apprenant"), informed_on=r.get("informe_le"),
        registered_on=r.get("inscrit_le"), exam_session=r.get("session_examen"),
        registration_proof=r.get("preuve_inscription"), adaptation_asked=r.get("amenagement_demande"),
        adaptation_granted=r.get("amenagement_accorde"),
        adaptation_file=r.get("amenagement_fichier"), presented=r.get("presente"),
        absence_reason=r.get("motif_non_presentation"), loc=r.row.loc,
    )
