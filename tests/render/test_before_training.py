"""Documents issued before the training, rendered for real from the demo and read back with pypdf:
fiche programme (PDF and HTML), contrat and convention de formation, information before registration
(L6353-8) with the règlement intérieur."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import DEMO
from qualikit.documents.contract import individual_price, render_contract
from qualikit.documents.convention import render_convention
from qualikit.documents.info_pack import render_info_pack, rules_text
from qualikit.documents.programme_html import render_programme_html
from qualikit.documents.programme_sheet import render_programme_sheet, sheet_problems
from qualikit.documents.stamp import DocStamp, funder_of
from qualikit.project.load import load_project
from qualikit.project.model import Funder
from qualikit.project.schedule import Instalment, ScheduleError, individual_schedule

EXCEL = "excel-tcd"
PROJET = "projet-2026-11-30"  # mixte, 30 Nov – 8 Dec 2026
EMMA = "emma-dupuis"  # pays for herself (financeur : particulier)
INTRA = "excel-2026-10-15"  # Transports Berthier, 3 450 € HT, OPCO
ISSUED = date(2026, 11, 20)
SIGNED = date(2026, 11, 10)
CODE = "QK-7F3K-9XQ2-M4TD"
NOT_APPROVAL = "Cet enregistrement ne vaut pas agrément de l'État"
NDA = "Déclaration d'activité enregistrée sous le numéro 84691234569 auprès du préfet de région d'Auvergne-Rhône-Alpes"


def plain(text: str) -> str:
    """Every kind of space as one plain space, typographic apostrophes as straight ones."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("’", "'")).strip()


def pages(pdf: bytes) -> list[str]:
    return [plain(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def text(pdf: bytes) -> str:
    return " ".join(pages(pdf))


def assert_holds(haystack: str, needles) -> None:
    missing = [n for n in needles if plain(n) not in haystack]
    assert not missing, missing


@pytest.fixture(scope="module")
def demo():
    return load_project(DEMO).project


def stamp(signer: str | None = "Claire Clément") -> DocStamp:
    return DocStamp(code=CODE, issued_on=SIGNED, place="Lyon", signer_name=signer, qr_text=f"qualikit:verif:{CODE}")


def contract(project, signed_on=SIGNED, schedule=None, **kwargs) -> bytes:
    session, learner = project.session(PROJET), project.learner(EMMA)
    if schedule is None:
        schedule = individual_schedule(individual_price(project, session), signed_on or SIGNED, session.start,
                                       session.end)
    return render_contract(project, session, learner, DEMO, stamp(), signed_on=signed_on, schedule=schedule, **kwargs)


def convention(project, session_id=INTRA) -> bytes:
    session = project.session(session_id)
    return render_convention(project, session, [project.learner(e.learner_id) for e in session.enrolments], DEMO,
                             stamp())


def info_pack(project, learner_id=EMMA) -> bytes:
    session = project.session(PROJET)
    return render_info_pack(project, project.programme(session.programme_id), session, project.learner(learner_id),
                            DEMO)


# --- fiche programme ----------------------------------------------------------------------

def test_programme_sheet_holds_every_indicator_1_item(demo):
    programme = demo.programme(EXCEL)
    pdf = render_programme_sheet(demo, programme, DEMO, ISSUED)
    body = text(pdf)
    assert 1 <= len(pages(pdf)) <= 2
    assert_holds(body, [
        programme.title, *programme.objectives, *programme.prerequisites, programme.audience,
        "Durée", "14 h", "Modalité", "En présentiel", *programme.methods, *programme.evaluation,
        "Reconnaissance", "Attestation de fin de formation (formation non certifiante)",
        "Modalités de financement", *programme.financing, "Délai d'accès", programme.access_delay,
        "Tarif", "690 € HT par participant",
        "Accessibilité aux personnes en situation de handicap", "Référent handicap : Claire Clément",
        "handicap@atelier-clement-formation.fr", "Contacts", "contact@atelier-clement-formation.fr", "04 65 71 20 48",
        "Mise à jour le 1er septembre 2026", "Prochaines sessions",
        "Du lundi 14 décembre 2026 au mardi 15 décembre 2026",
        f"{NDA} {NOT_APPROVAL}.", "éditée le 20 novembre 2026",
    ])
    for page in pages(pdf):  # the footer of every page carries the declaration and the formula
        assert_holds(page, [NDA, NOT_APPROVAL])


def test_programme_sheet_lists_only_public_upcoming_sessions(demo):
    body = text(render_programme_sheet(demo, demo.programme(EXCEL), DEMO, ISSUED))
    assert "15 octobre 2026" not in body  # past, and an intra session for Transports Berthier


def test_programme_sheet_problems_flag_misleading_claims(demo):
    assert sheet_problems(demo.programme(EXCEL)) == []
    bad = replace(demo.programme(EXCEL), financing=("Éligible au CPF",), recognition="Certification professionnelle",
                  price=None)
    problems = [plain(p) for p in sheet_problems(bad)]
    assert problems[0] == "excel-tcd : fiche programme incomplète : tarif"
    assert any("CPF" in p for p in problems) and any("RNCP ou RS" in p for p in problems[2:])


def test_programme_html_is_standalone_accessible_and_escaped(demo):
    programme = demo.programme(EXCEL)
    html = render_programme_html(demo, programme, ISSUED)
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"fr\">")
    assert html.count("<h1>") == 1 and "<h2 id=\"essentiel\">" in html and "<main>" in html
    assert "<style>" in html and "<link" not in html and "<script" not in html and " src=" not in html
    page = plain(html)
    assert_holds(page, [*programme.objectives, "690 € HT par participant", "Mise à jour le",
                        "Accessibilité aux personnes en situation de handicap", "Attestation de fin de formation",
                        *programme.financing, NDA, NOT_APPROVAL])
    assert 'href="mailto:handicap@atelier-clement-formation.fr"' in html and 'href="tel:+33639984107"' in html

    evil = replace(programme, title="<script>alert('x')</script> & Excel")
    html = render_programme_html(demo, evil, ISSUED)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(" in html and "&amp; Excel" in html


# --- contrat de formation -----------------------------------------------------------------

def test_contract_holds_every_mandatory_mention(demo):
    programme = demo.programme("projet-collaboratif")
    trainer = demo.trainer("claire-clement")
    body = text(contract(demo))
    assert_holds(body, [
        "Contrat de formation professionnelle", "(articles L6353-3 à L6353-7 du Code du travail)",
        # the parties
        "Atelier Clément Formation, EI, 27 rue Duguesclin, 69006 Lyon, SIRET 884 173 022 00010",
        NDA.replace("Déclaration", "déclaration"), "représenté par Claire Clément", "Mme Emma Dupuis",
        "agissant à titre individuel et à ses frais",
        # nature, object, content
        "action de formation au sens de l'article L6313-1, 1°, du Code du travail", programme.title,
        *programme.objectives, *programme.outline,
        # duration, dates, place, number of learners
        "21 h sur 3 journées", "Du lundi 30 novembre 2026 au mardi 8 décembre 2026",
        "mardi 8 décembre 2026 : 9 h 00 – 12 h 30 et 13 h 30 – 17 h 00 (7 h)", "salle Les Canuts",
        "https://meet.jit.si/AtelierClement-ProjetCollaboratif-2026-12-08", "Effectif",
        # level, means, assessment, sanction
        "Prérequis pour suivre la formation", *programme.prerequisites, *programme.methods,
        "Modalités de contrôle des connaissances", "Évaluation finale par objectif",
        "Sanction de la formation : attestation de fin de formation",
        # trainers and their qualifications
        "Formateurs : diplômes, titres et références", trainer.name, *trainer.qualifications,
        # withdrawal
        "dispose d'un délai de dix jours pour se rétracter", "lettre recommandée avec avis de réception",
        "le délai de rétractation expire le vendredi 20 novembre 2026 à minuit",
        "aucune somme ne peut être exigée avant l'expiration du délai de rétractation",
        # price, 30 % rule, schedule
        "Le prix de la formation est de 1 150,00 €", "une somme supérieure à 30 % du prix convenu",
        "au fur et à mesure du déroulement de l'action de formation",
        "23/11/2026", "345,00 €", "30 %", "08/12/2026", "805,00 €", "70 %", "Total 1 150,00 € 100 %",
        # interruption
        "seules les prestations de formation effectivement dispensées sont dues au prorata temporis",
        "force majeure dûment reconnue", "article L6353-7",
        # signatures
        "Lu et approuvé", "Pour l'organisme de formation : cachet et signature",
        "Signé électroniquement par Claire Clément",
        f"Code de vérification : {CODE}",
    ])


def test_contract_refuses_an_unlawful_schedule(demo):
    early = [Instalment(date(2026, 11, 12), Decimal("1150"), "tout de suite")]
    with pytest.raises(ScheduleError) as caught:
        contract(demo, schedule=early)
    assert any("délai de rétractation" in p for p in caught.value.problems)
    assert any("premier versement de 100" in plain(p) for p in caught.value.problems)


def test_contract_to_be_signed_states_the_rules_without_dates(demo):
    body = text(contract(demo, signed_on=None))
    assert "Aucune somme ne peut être exigée avant l'expiration du délai de rétractation." in body
    assert "le délai de rétractation expire le" not in body


def test_contract_and_convention_fit_and_keep_the_signatures_together(demo):
    for pdf in (contract(demo), convention(demo)):
        last = pages(pdf)[-1]
        assert len(pages(pdf)) <= 3
        assert "Pour l'organisme de formation : cachet et signature" in last and CODE in last


# --- convention de formation --------------------------------------------------------------

def test_convention_holds_every_mention(demo):
    programme = demo.programme(EXCEL)
    session = demo.session(INTRA)
    body = text(convention(demo))
    learners = [demo.learner(e.learner_id) for e in session.enrolments]
    assert_holds(body, [
        "Convention de formation professionnelle", "Atelier Clément Formation", "Transports Berthier",
        "ci-après « le client »", programme.title, *programme.objectives, *programme.outline,
        "Du jeudi 15 octobre 2026 au vendredi 16 octobre 2026", "14 h sur 2 journées",
        "Transports Berthier, salle de réunion du 1er étage", "Effectif : 5 stagiaires",
        *(learner.email for learner in learners), "M. GIRARD Thomas",
        "Le prix de la formation est de 3 450,00 € net de taxe (exonération de TVA, article 261-4-4° a du CGI)",
        "payable à 30 jours", "opérateur de compétences (OPCO)",
        "Évaluation des acquis", "Évaluation finale sur un cas pratique", "feuilles d'émargement",
        "Annulation par le client", "Force majeure", "L6354-1",
        "Pour le client", "Cachet du client et signature", "Pour l'organisme de formation : cachet et signature",
    ])


def test_convention_price_defaults_to_programme_price_times_learners(demo):
    body = text(convention(demo, "excel-2026-12-14"))  # no session price: 690 € × 5
    assert ("Le prix de la formation est de 3 450,00 € net de taxe (exonération de TVA, article 261-4-4° a du "
            "CGI) ; calcul : 690 € HT × 5 stagiaires") in body


# --- information before registration ------------------------------------------------------

def test_info_pack_for_a_self_paying_learner(demo):
    session = demo.session(PROJET)
    learner = demo.learner(EMMA)
    assert funder_of(learner, session.enrolment(EMMA), session) is Funder.PARTICULIER
    programme = demo.programme(session.programme_id)
    trainer = demo.trainer("claire-clement")
    body = text(info_pack(demo))
    assert_holds(body, [
        "Information avant l'inscription", "article L6353-8 du Code du travail", programme.title,
        "Programme et objectifs", *programme.objectives, *programme.outline,
        "Formateurs : titres et qualités", trainer.name, *trainer.qualifications,
        "Horaires", "lundi 30 novembre 2026 9 h 00 – 12 h 30 13 h 30 – 17 h 00 7 h", "Total 21 h",
        "Modalités d'évaluation", *programme.evaluation,
        "Vos contacts", "claire.clement@atelier-clement-formation.fr", "contact@atelier-clement-formation.fr",
        "Référent handicap", "handicap@atelier-clement-formation.fr",
        "Règlement intérieur", "https://www.atelier-clement-formation.fr/documents/reglement-interieur.pdf",
        # an individual paying for themselves: prices and financial conditions
        "Tarif et conditions financières", "1 150,00 € par participant", "vous disposez de dix jours",
        "lettre recommandée avec avis de réception", "30 % du prix au plus", "force majeure dûment reconnue",
        "Abandon ou arrêt anticipé pour un autre motif", "au prorata temporis",
    ])
    for page in pages(info_pack(demo)):
        assert_holds(page, [NOT_APPROVAL])


def test_info_pack_without_prices_for_a_company_funded_learner(demo):
    body = text(info_pack(demo, "nicolas-faure"))
    assert "Tarif et conditions financières" not in body
    assert "Horaires" in body and "Formateurs : titres et qualités" in body


def test_info_pack_annexes_the_reglement_interieur_when_there_is_no_link(demo):
    project = replace(demo, organisation=replace(demo.organisation, rules_url=None))
    pdf = info_pack(project)
    body = text(pdf)
    assert "{{" not in body and "}}" not in body
    assert_holds(body, [
        "Il figure en annexe de ce document", "ANNEXE", "Règlement intérieur applicable aux stagiaires",
        "Atelier Clément Formation, organisme de formation, 27 rue Duguesclin, 69006 Lyon",
        "Article 2 – Santé et sécurité", "les mesures de santé et de sécurité applicables aux stagiaires sont celles "
        "de ce règlement", "Article 5 – Prévention et signalement des violences, du harcèlement et des discriminations",
        "à Claire Clément, entrepreneuse individuelle, dirigeante "
        "(contact@atelier-clement-formation.fr, 04 65 71 20 48)",
        "Article 6 – Sanctions", "Les amendes et autres sanctions pécuniaires sont interdites",
        "Article 7 – Procédure disciplinaire", "un jour franc", "R6352-4",
        "Article 8 – Représentation des stagiaires", "supérieure à 500 heures", "scrutin uninominal à deux tours",
        "Article 10 – Publicité", "peut être consulté sur https://www.atelier-clement-formation.fr",
    ])
    # the annex starts on a page of its own
    annex = next(i for i, page in enumerate(pages(pdf)) if "Règlement intérieur applicable aux stagiaires" in page)
    assert "ANNEXE Règlement intérieur applicable aux stagiaires" in pages(pdf)[annex]
    assert "Article 1 –" not in pages(pdf)[annex - 1]


def test_a_project_template_of_the_reglement_overrides_qualikit_s(demo, tmp_path: Path):
    folder = tmp_path / "templates" / "documents"
    folder.mkdir(parents=True)
    (folder / "reglement-interieur.md").write_text("# Règles de {{ raison_sociale }}\n\nSoyez ponctuels.\n",
                                                   encoding="utf-8")
    assert rules_text(demo.organisation, tmp_path) == "# Règles de Atelier Clément Formation\n\nSoyez ponctuels.\n"
    assert "Article 8 – Représentation des stagiaires" in rules_text(demo.organisation, DEMO)


# --- invariant output ---------------------------------------------------------------------

def test_every_document_is_byte_identical_across_renders(demo):
    no_link = replace(demo, organisation=replace(demo.organisation, rules_url=None))
    builds = [
        lambda: render_programme_sheet(demo, demo.programme(EXCEL), DEMO, ISSUED),
        lambda: contract(demo),
        lambda: convention(demo),
        lambda: info_pack(demo),
        lambda: info_pack(no_link),
    ]
    for build in builds:
        assert build() == build()
    assert render_programme_html(demo, demo.programme(EXCEL), ISSUED) == render_programme_html(
        demo, demo.programme(EXCEL), ISSUED)
