"""End-of-training documents rendered for real from the demo project and read back with pypdf."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from conftest import DEMO
from qualikit.documents.attestation import render_attestation
from qualikit.documents.certificat import FOOTNOTES, RETENTION, SIGNATURE_LABEL, render_certificat
from qualikit.documents.competence import render_competence
from qualikit.documents.departure import plan_objectives, render_departure
from qualikit.documents.stamp import DocStamp, number, plain_date, result_label, validated
from qualikit.journey.hours import attended
from qualikit.project.load import load_project
from qualikit.project.model import Evaluation, Funder, Result

EXCEL = "excel-2026-10-15"
PAROLE = "parole-2026-11-04"
CODE = "QK-7F3K-9XQ2-M4TD"
HOT = "https://tally.so/r/wM9xYz?token=tok-chaud"


def stamp(signer: str | None = "Claire Clément") -> DocStamp:
    return DocStamp(code=CODE, issued_on=date(2026, 10, 16), place="Lyon", signer_name=signer,
                    qr_text=f"qualikit:verif:{CODE}")


def plain(text: str) -> str:
    """Every kind of space as one plain space, typographic apostrophes as straight ones."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("’", "'")).strip()


def pages(pdf: bytes) -> list[str]:
    return [plain(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def text(pdf: bytes) -> str:
    return " ".join(pages(pdf))


def link_targets(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return {a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots", [])
            if "/A" in a.get_object()}


@pytest.fixture(scope="module")
def demo():
    return load_project(DEMO).project


def case(project, session_id: str, learner_id: str):
    session = project.session(session_id)
    learner = project.learner(learner_id)
    enrolment = session.enrolment(learner_id)
    programme = project.programme(session.programme_id)
    evaluations = {e.objective: e for e in project.evaluations
                   if e.session_id == session_id and e.learner_id == learner_id}
    results = [(objective, evaluations.get(n)) for n, objective in enumerate(programme.objectives, 1)]
    return session, learner, enrolment, attended(project, session, enrolment), results


def certificat(project, session_id, learner_id, signer="Claire Clément", **learner_changes):
    session, learner, enrolment, done, _ = case(project, session_id, learner_id)
    if learner_changes:
        learner = replace(learner, **learner_changes)
        enrolment = replace(enrolment, funder=None)
    return render_certificat(project, session, learner, enrolment, done, DEMO, stamp(signer))


# --- certificat de réalisation ------------------------------------------------------------

def test_certificat_follows_the_ministry_model_with_the_hours_actually_done(demo):
    *_, done, _ = case(demo, EXCEL, "thomas-girard")
    assert done.done == Decimal("10.5") and done.planned == Decimal("14")  # absent one half-day
    pdf = certificat(demo, EXCEL, "thomas-girard")
    [page] = pages(pdf)
    expected = [
        "CERTIFICAT DE RÉALISATION",
        "Je soussigné(e) Claire Clément, représentant légal du dispensateur de l'action concourant au "
        "développement des compétences Atelier Clément Formation",
        "atteste que :",
        "M. GIRARD Thomas",
        "salarié de l'entreprise Transports Berthier",  # M. Girard
        "a suivi l'action Excel : tableaux croisés dynamiques et automatisation",
        "Nature de l'action concourant au développement des compétences :",
        "action de formation", "bilan de compétences", "action de VAE", "action de formation par apprentissage",
        "qui s'est déroulée du 15 octobre 2026 au 16 octobre 2026",
        "pour une durée de 10,5 heures",
        plain(RETENTION),
        "Fait à : Lyon",
        "Le : 16 octobre 2026",
        plain(SIGNATURE_LABEL),
        *(f"({n}) {plain(note)}" for n, note in enumerate(FOOTNOTES, 1)),
        f"Code de vérification : {CODE}",
        "Signé électroniquement par Claire Clément",
    ]
    positions = []
    for piece in expected:
        assert piece in page, piece
        positions.append(page.index(piece))
    assert positions[:5] == sorted(positions[:5])  # the model's order
    assert "14 heures" not in page


def test_certificat_of_a_drop_out_states_the_hours_before_the_drop_out(demo):
    _, _, enrolment, done, _ = case(demo, PAROLE, "pierre-dumas")
    assert enrolment.dropout_date == date(2026, 11, 5) and done.done == 7
    page = text(certificat(demo, PAROLE, "pierre-dumas"))
    assert "pour une durée de 7 heures" in page
    assert "21 heures" not in page
    assert "M. DUMAS Pierre" in page and "salarié de l'entreprise Menuiserie Dumas" in page


@pytest.mark.parametrize("funder", [Funder.PARTICULIER, Funder.FRANCE_TRAVAIL])
def test_certificat_leaves_the_employer_empty_for_a_self_funded_person_or_a_job_seeker(demo, funder):
    page = text(certificat(demo, PAROLE, "lea-chevalier", funder=funder))
    assert "Studio Lumière" not in page
    assert re.search(r"salariée de l'entreprise …+ a suivi l'action", page)  # Mme Chevalier


def test_certificat_without_electronic_signature_says_nothing_of_it(demo):
    page = text(certificat(demo, PAROLE, "karim-haddad", signer=None))
    assert "électroniquement" not in page
    assert CODE in page


# --- attestation de fin de formation ------------------------------------------------------

@pytest.mark.parametrize(("session_id", "learner_id"), [(EXCEL, "thomas-girard"), (PAROLE, "nathalie-fabre"),
                                                        (PAROLE, "pierre-dumas")])
def test_attestation_lists_each_objective_with_its_result(demo, session_id, learner_id):
    session, learner, enrolment, done, results = case(demo, session_id, learner_id)
    pdf = render_attestation(demo, session, learner, enrolment, done, results, DEMO, stamp())
    assert len(pages(pdf)) == 1
    page = text(pdf)
    programme = demo.programme(session.programme_id)
    for n, (objective, evaluation) in enumerate(results, 1):
        assert f"{n} {plain(objective)} {result_label(evaluation)}" in page
    assert "Attestation de fin de formation" in page and "L6353-1" in page
    assert plain(programme.title) in page
    assert "Action de formation" in page
    assert f"{number(session.planned_hours)} heures" in page
    assert plain(f"Du {plain_date(session.start)} au {plain_date(session.end)}") in page
    assert CODE in page and "Cachet et signature" in page and "Claire Clément" in page


def test_attestation_shows_scores_french_results_and_what_is_not_evaluated(demo):
    session, learner, enrolment, done, results = case(demo, EXCEL, "thomas-girard")
    page = text(render_attestation(demo, session, learner, enrolment, done, results, DEMO, stamp()))
    assert "9/20" in page and "16/20" not in page
    assert "M. Thomas Girard" in page and "Transports Berthier" in page
    assert "10,5 heures suivies sur 14 heures" in page
    session, learner, enrolment, done, results = case(demo, PAROLE, "karim-haddad")
    page = text(render_attestation(demo, session, learner, enrolment, done, results, DEMO, stamp()))
    assert "en cours d'acquisition" in page and "acquis" in page
    session, learner, enrolment, done, results = case(demo, PAROLE, "pierre-dumas")
    page = text(render_attestation(demo, session, learner, enrolment, done, results, DEMO, stamp()))
    assert page.count("non évalué") == 5
    assert "formation interrompue le 5 novembre 2026" in page


# --- certificat de compétences ------------------------------------------------------------

def test_competence_certificate_names_only_the_validated_skills(demo):
    session, learner, _, _, results = case(demo, EXCEL, "thomas-girard")
    pdf = render_competence(demo, session, learner, results, DEMO, stamp())
    assert len(pages(pdf)) == 1
    page = text(pdf)
    assert "Certificat de compétences" in page and "M. Thomas Girard" in page
    for objective, evaluation in results:
        assert (plain(objective) in page) == validated(evaluation)
    assert "Automatiser une tâche répétitive" not in page  # 9/20
    assert "Évaluation finale sur un cas pratique" in page  # how skills were assessed
    assert "satisfaction" not in page
    assert "ne constitue pas une certification professionnelle" in page
    assert CODE in page


def test_validated_threshold_is_half_the_scale_or_acquired():
    def ev(result=None, score=None, scale=None):
        return Evaluation("s", "l", 1, result=result, score=score, scale=scale)

    assert validated(ev(score=Decimal(10), scale=Decimal(20)))
    assert not validated(ev(score=Decimal("9.5"), scale=Decimal(20)))
    assert validated(ev(Result.ACQUIS)) and not validated(ev(Result.EN_COURS)) and not validated(None)


# --- departure pack -----------------------------------------------------------------------

def departure(project, session_id, learner_id, links):
    session, learner, enrolment, done, results = case(project, session_id, learner_id)
    others = [p for p in project.programmes if p.id != session.programme_id]
    return render_departure(project, session, learner, enrolment, done, results, DEMO, links, others)


def test_departure_pack_is_a_two_page_guide_with_summary_plan_and_next_steps(demo):
    pdf = departure(demo, EXCEL, "thomas-girard", {"chaud": HOT})
    first, second = pages(pdf)
    assert "Pack de fin de formation".upper() in first and "Bravo, Thomas !" in first
    assert "10,5 h sur 14 h prévues" in first
    assert "4 Automatiser une tâche répétitive en enregistrant puis en exécutant une macro 9/20" in first
    assert "Votre avis compte" in first and HOT in first
    assert "https://support.microsoft.com/fr-fr/excel" in first
    # plan: the lowest scores first (9/20, 13/20, 14/20), due at E+30, E+60, E+90
    assert "Votre plan d'action" in second
    order = [second.index(s) for s in ("OBJECTIF 1 · D'ICI LE 15 NOVEMBRE 2026", "Automatiser une tâche",
                                       "OBJECTIF 2 · D'ICI LE 15 DÉCEMBRE 2026", "Filtrer et présenter",
                                       "OBJECTIF 3 · D'ICI LE 14 JANVIER 2027", "Construire un tableau croisé")]
    assert order == sorted(order)
    assert second.count("Comment je vais m'y prendre :") == 3
    for piece in ("Et après ?", "Prendre la parole en public avec aisance (21 h)", "moncompteformation.gouv.fr",
                  "Le bilan de compétences", "vae.gouv.fr", "Restons en contact",
                  "contact@atelier-clement-formation.fr", "www.atelier-clement-formation.fr"):
        assert piece in second, piece
    assert "éligible" not in first + second
    assert {HOT, "https://www.moncompteformation.gouv.fr", "https://vae.gouv.fr"} <= link_targets(pdf)


def test_departure_pack_without_survey_link_or_follow_on_still_reads_well(demo):
    session, learner, enrolment, done, results = case(demo, PAROLE, "pierre-dumas")
    pdf = render_departure(demo, session, learner, enrolment, done, results, DEMO, {}, [])
    first, second = pages(pdf)
    assert "interrompre la formation" in first and "7 h sur 21 h prévues" in first
    assert "tally.so" not in first and "Votre avis compte" in first
    assert "Aller plus loin avec nous" not in second and "vae.gouv.fr" in second


def test_plan_prefers_what_is_not_yet_acquired():
    def ev(n, result=None, score=None):
        return Evaluation("s", "l", n, result=result, score=score, scale=Decimal(20) if score else None)

    results = [("a", ev(1, Result.ACQUIS)), ("b", ev(2, Result.EN_COURS)), ("c", None),
               ("d", ev(4, Result.NON_ACQUIS)), ("e", ev(5, Result.ACQUIS))]
    assert [o for o, _ in plan_objectives(results)] == ["d", "b", "c"]
    scores = [("a", ev(1, score=Decimal(15))), ("b", ev(2, score=Decimal(8))), ("c", ev(3, score=Decimal(12)))]
    assert [o for o, _ in plan_objectives(scores, 2)] == ["b", "c"]


# --- all of them --------------------------------------------------------------------------

def test_documents_are_byte_identical_across_renders(demo):
    session, learner, enrolment, done, results = case(demo, EXCEL, "thomas-girard")
    renders = {
        "attestation": lambda: render_attestation(demo, session, learner, enrolment, done, results, DEMO, stamp()),
        "certificat": lambda: render_certificat(demo, session, learner, enrolment, done, DEMO, stamp()),
        "competence": lambda: render_competence(demo, session, learner, results, DEMO, stamp()),
        "departure": lambda: departure(demo, EXCEL, "thomas-girard", {"chaud": HOT}),
    }
    for name, render in renders.items():
        assert render() == render(), name


def test_every_page_carries_the_provider_identity(demo):
    session, learner, enrolment, done, _ = case(demo, EXCEL, "camille-roux")
    for pdf in (render_certificat(demo, session, learner, enrolment, done, DEMO, stamp()),
                departure(demo, EXCEL, "camille-roux", {})):
        for page in pages(pdf):
            assert "SIRET 884 173 022 00010" in page
            assert "Déclaration d'activité enregistrée sous le numéro 84691234569" in page


def test_a_long_list_of_objectives_still_holds_on_its_pages(demo):
    session, learner, enrolment, done, _ = case(demo, PAROLE, "nathalie-fabre")
    programme = demo.programme(session.programme_id)
    objectives = tuple(f"{o}, puis le restituer à l'équipe dans un compte rendu" for o in programme.objectives * 2)
    project = replace(demo, programmes=tuple(replace(p, objectives=objectives) if p.id == programme.id else p
                                             for p in demo.programmes))
    results = [(o, Evaluation(session.id, learner.id, n, result=Result.ACQUIS)) for n, o in enumerate(objectives, 1)]
    attestation = render_attestation(project, session, learner, enrolment, done, results, DEMO, stamp())
    competence = render_competence(project, session, learner, results, DEMO, stamp())
    guide = render_departure(project, session, learner, enrolment, done, results, DEMO, {"chaud": HOT},
                             [p for p in project.programmes if p.id != programme.id])
    assert [len(pages(pdf)) for pdf in (attestation, competence, guide)] == [1, 1, 2]
    page = text(attestation)
    for n, objective in enumerate(objectives, 1):
        assert f"{n} {plain(objective)} acquis" in page
    assert CODE in page
