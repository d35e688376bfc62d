"""PDFs rendered for real and read back with pypdf; French typography unit tests."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from conftest import DEMO, MINI, write_project
from qualikit.base.frdates import long_date
from qualikit.base.typography import NBSP, NNBSP, fr
from qualikit.documents.attendance_sheet import render_attendance_sheet
from qualikit.documents.pdf_common import esc, para, prose, styles
from qualikit.documents.welcome_kit import render_welcome_kit
from qualikit.project.load import load_project
from qualikit.project.model import Enrolment, Learner, Status

MIXED = "projet-2026-11-30"  # mixte: two days in a room, one online; Aurélie Gauthier asked for an adaptation
LINKS = {
    "besoins": "https://docs.google.com/forms/d/e/1FAIpQ/viewform?usp=pp_url&entry.1318437539=tok-besoins",
    "positionnement": "https://tally.so/r/wM9xYz?token=tok-positionnement",
}


# --- typography ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Lieu : Lyon", f"Lieu{NBSP}: Lyon"),
    ("Lieu: Lyon", f"Lieu{NBSP}: Lyon"),
    ("Note:", f"Note{NBSP}:"),
    ("bus C13; parking", f"bus C13{NNBSP}; parking"),
    ("Bienvenue !", f"Bienvenue{NNBSP}!"),
    ("Vraiment ?!", f"Vraiment{NNBSP}?!"),
    ("(vraiment ?)", f"(vraiment{NNBSP}?)"),
    ("«Bonjour» et « salut »", f"«{NBSP}Bonjour{NBSP}» et «{NBSP}salut{NBSP}»"),
    ("l'État d'aujourd'hui", "l’État d’aujourd’hui"),
    ("Horaires 09:00-12:30, écran 16:9", "Horaires 09:00-12:30, écran 16:9"),
    ("https://x.fr/a?b=1&c=d;e!f'g", "https://x.fr/a?b=1&c=d;e!f'g"),
    ("voir https://x.fr/?q ?", f"voir https://x.fr/?q{NNBSP}?"),
    ("écrire à jean.o'neil@x.fr !", f"écrire à jean.o'neil@x.fr{NNBSP}!"),
    ("mailto:a@b.fr", "mailto:a@b.fr"),
    ("C:\\Users", "C:\\Users"),
    ("? en début", "? en début"),
    ("'quoted' 5'", "'quoted' 5'"),
    ("", ""),
])
def test_fr(text, expected):
    assert fr(text) == expected


def test_fr_without_narrow_space_uses_no_break_space_everywhere():
    assert fr("Quoi ? Oui ; bien : ok", narrow=False) == f"Quoi{NBSP}? Oui{NBSP}; bien{NBSP}: ok"


def test_fr_normalises_existing_spaces():
    assert fr(f"a{NBSP}; b{NNBSP}: c  ! d") == f"a{NNBSP}; b{NBSP}: c{NNBSP}! d"


@given(st.text(alphabet="ab9 :;!?«»'’.,)\n@/" + NBSP + NNBSP, max_size=30))
def test_fr_is_idempotent_and_only_changes_spaces_and_apostrophes(text):
    out = fr(text)
    assert fr(out) == out
    letters = re.sub(f"[ {NBSP}{NNBSP}]", "", out).replace("’", "'")
    assert letters == re.sub(f"[ {NBSP}{NNBSP}]", "", text).replace("’", "'")


def test_markup_escapes_user_text_and_keeps_typography():
    assert esc('<b>Zoé & "Lou"</b>') == '&lt;b&gt;Zoé &amp; "Lou"&lt;/b&gt;'
    assert prose("R&D : l'équipe") == f"R&amp;D{NBSP}: l’équipe"


def test_narrow_no_break_space_never_starts_a_line():
    # Platypus breaks lines at U+202F; para() draws it so that it cannot.
    from reportlab.pdfbase.pdfmetrics import stringWidth

    style = styles().body
    head = "Bonjour tout le monde"
    p = para(prose(f"{head} ; et la suite"), style)
    p.wrap(stringWidth(head, style.fontName, style.fontSize) + 1, 1000)
    lines = ["".join(getattr(w, "text", "") for w in line.words) for line in p.blPara.lines]
    assert len(lines) > 1 and not any(line.lstrip().startswith(";") for line in lines)


# --- helpers ------------------------------------------------------------------------------

def pdf_text(pdf: bytes) -> list[str]:
    """Each page's text, with every kind of space and line break as one plain space."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"[\s\u00a0\u202f]+", " ", page.extract_text()) for page in reader.pages]


def link_targets(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return {annot.get_object()["/A"]["/URI"] for page in reader.pages for annot in page.get("/Annots", [])}


def plain(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("'", "’"))


@pytest.fixture(scope="module")
def demo():
    return load_project(DEMO).project


# --- welcome kit --------------------------------------------------------------------------

def test_welcome_kit_says_what_the_learner_and_the_auditor_need(demo):
    session = demo.session(MIXED)
    programme = demo.programme(session.programme_id)
    learner = demo.learner("aurelie-gauthier")
    pdf = render_welcome_kit(demo, session, learner, DEMO, LINKS)
    pages = pdf_text(pdf)
    text = " ".join(pages)

    assert 2 <= len(pages) <= 3
    assert "Bonjour Aurélie," in text and learner.full_name in text
    assert "du lundi 30 novembre 2026 au mardi 8 décembre 2026" in text
    assert all(long_date(d.date).replace("\xa0", " ") in text for d in session.days)
    assert "9 h 00 – 12 h 30" in text and "13 h 30 – 17 h 00" in text and "21 h" in text
    assert "69001 Lyon" in text and plain(session.access) in text
    assert session.distance_link in text and plain(session.connection_help)[:60] in text
    assert plain(session.to_bring) in text
    for item in (*programme.objectives, *programme.outline, *programme.methods, *programme.evaluation):
        assert plain(item) in text, item
    org = demo.organisation
    assert "Claire Clément" in text and org.email in text and org.phone in text
    assert org.disability_referent.email in text
    assert org.rules_url in text.replace("// ", "//") or org.rules_url in link_targets(pdf)
    assert "Signaler une situation de violence, de harcèlement ou de discrimination" in text
    assert "confidentielle" in text
    # the adaptation is acknowledged, never described (health data)
    assert "Votre demande d’adaptation a bien été prise en compte" in text
    assert learner.adaptation not in text and "gros caractères" not in text
    # questionnaires: clickable, exact URLs
    assert "répondre au questionnaire" in text
    assert set(LINKS.values()) <= link_targets(pdf)
    assert session.distance_link in link_targets(pdf)


def test_every_page_carries_the_provider_identity_and_its_number(demo):
    session = demo.session(MIXED)
    pdf = render_welcome_kit(demo, session, demo.learner("nicolas-faure"), DEMO, {})
    pages = pdf_text(pdf)
    nda = ("Déclaration d’activité enregistrée sous le numéro 84691234569 "
           "auprès du préfet de région d’Auvergne-Rhône-Alpes")
    for n, page in enumerate(pages, start=1):
        assert "Atelier Clément Formation" in page
        assert "27 rue Duguesclin, 69006 Lyon" in page
        assert "SIRET 884 173 022 00010" in page
        assert nda in page
        assert f"{n} / {len(pages)}" in page
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:  # the logo, embedded once, is drawn on every page
        assert len(page["/Resources"]["/XObject"]) == 1
    assert pdf.count(b"/Subtype /Image") == 1


def test_kit_without_adaptation_or_links_says_neither(demo):
    session = demo.session(MIXED)
    text = " ".join(pdf_text(render_welcome_kit(demo, session, demo.learner("nicolas-faure"), DEMO, {})))
    assert "Bonjour Nicolas," in text
    assert "adaptation a bien été prise en compte" not in text
    assert "questionnaire" not in text
    assert "Besoin d’une adaptation ?" in text  # how to ask for one is always there


def test_kit_for_an_in_person_session_has_no_connection_section(demo):
    session = demo.session("excel-2026-10-15")
    text = " ".join(pdf_text(render_welcome_kit(demo, session, demo.learner("camille-roux"), DEMO, {})))
    assert "Se connecter à distance" not in text
    assert "du jeudi 15 octobre 2026 au vendredi 16 octobre 2026" in text
    assert "Transports Berthier, salle de réunion du 1er étage" in text


# --- attendance sheet ---------------------------------------------------------------------

def test_attendance_sheet_lists_everyone_for_every_half_day(demo):
    session = demo.session("parole-2026-11-04")
    pdf = render_attendance_sheet(demo, session, DEMO)
    pages = pdf_text(pdf)
    text = " ".join(pages)
    for enrolment in session.enrolments:
        assert demo.learner(enrolment.learner_id).full_name in text
    for day in session.days:
        assert long_date(day.date).replace("\xa0", " ") in text
    assert text.count("Matin 9 h 00 – 12 h 30") == 3 and text.count("Après-midi 13 h 30 – 17 h 00") == 3
    assert "Prendre la parole en public avec aisance" in text and "Claire Clément" in text
    assert "14 rue Pierre Dupont" in text
    # Pierre Dumas left on 5 November: « abandon » from that day, boxes before
    assert text.count("abandon") == 4
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert box.width > box.height  # six half-days: landscape
    assert "SIRET 884 173 022 00010" in text and "1 / 1" in text


def test_attendance_sheet_of_one_day_is_portrait(tmp_path):
    root = write_project(tmp_path / "mini", MINI)
    project = load_project(root).project
    pdf = render_attendance_sheet(project, project.session("s1"), root)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1 and reader.pages[0].mediabox.height > reader.pages[0].mediabox.width
    text = pdf_text(pdf)[0]
    assert "Ana Lopez" in text and "Paul Martin" in text and "mardi 1er décembre 2026" in text
    assert "Excel pour la gestion" in text and "Julie Durand" in text


def test_long_sessions_split_into_pages_of_days(demo):
    session = demo.session("parole-2026-11-04")
    days = tuple(replace(session.days[0], date=date(2026, 11, d)) for d in (2, 3, 4, 5, 6, 9, 10))
    pdf = render_attendance_sheet(demo, replace(session, days=days), DEMO)
    pages = pdf_text(pdf)
    assert len(pages) == 3  # 14 half-days, at most 6 columns a page
    assert all(any(long_date(d.date).replace("\xa0", " ") in page for page in pages) for d in days)


def test_learner_who_withdrew_before_the_start_is_left_off(demo):
    session = demo.session("parole-2026-11-04")
    gone = replace(session.enrolments[3], status=Status.ABANDON, dropout_date=date(2026, 10, 20))
    text = " ".join(pdf_text(render_attendance_sheet(
        demo, replace(session, enrolments=(*session.enrolments[:3], gone, *session.enrolments[4:])), DEMO)))
    assert "Pierre Dumas" not in text and "abandon" not in text


# --- hostile input, stability -------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile(demo):
    session = demo.session(MIXED)
    learner = Learner(id="zoe", last_name='<b>Zoé & "Lou"</b>', first_name="../../x", email="z@x.fr",
                      company="R&D <Cie> \x07", adaptation="<script>")
    project = replace(demo, learners=(*demo.learners, learner))
    return project, replace(session, enrolments=(*session.enrolments, Enrolment("zoe"))), learner


def test_markup_in_names_is_printed_literally(hostile):
    project, session, learner = hostile
    kit = " ".join(pdf_text(render_welcome_kit(project, session, learner, DEMO, {"besoins": 'https://x.fr/?a="<>&b'})))
    assert 'Bonjour ../../x,' in kit and '../../x <b>Zoé & "Lou"</b>' in kit and "R&D <Cie>" in kit
    assert "<script>" not in kit
    sheet = " ".join(pdf_text(render_attendance_sheet(project, session, DEMO)))
    assert '../../x <b>Zoé & "Lou"</b>' in sheet


def test_missing_logo_and_sparse_organisation_still_render(demo, tmp_path):
    org = replace(demo.organisation, logo="assets/absent.png", legal_rep=None, disability_referent=None,
                  rules_url=None, disability_network=(), siret=None, nda=None, phone=None, website=None)
    project = replace(demo, organisation=org)
    session = replace(demo.session(MIXED), trainer_id=None)
    text = " ".join(pdf_text(render_welcome_kit(project, session, demo.learner("emma-dupuis"), tmp_path, {})))
    assert "Bonjour Emma," in text and "Signaler une situation de violence" in text and org.email in text
    assert "Atelier Clément Formation" in " ".join(pdf_text(render_attendance_sheet(project, session, tmp_path)))


def test_same_input_same_bytes(demo, hostile):
    session = demo.session(MIXED)
    first, other = demo.learner("aurelie-gauthier"), demo.learner("yanis-mercier")
    a = render_welcome_kit(demo, session, first, DEMO, LINKS)
    render_welcome_kit(demo, session, other, DEMO, LINKS)
    render_attendance_sheet(*hostile[:2], DEMO)
    assert render_welcome_kit(demo, session, first, DEMO, LINKS) == a
    sheet = render_attendance_sheet(demo, demo.session("parole-2026-11-23"), DEMO)
    assert render_attendance_sheet(demo, demo.session("parole-2026-11-23"), DEMO) == sheet
    assert render_welcome_kit(demo, session, other, DEMO, LINKS) != a


def test_pdf_metadata_is_french_and_names_the_document(demo):
    session = demo.session(MIXED)
    reader = PdfReader(io.BytesIO(render_welcome_kit(demo, session, demo.learner("emma-dupuis"), DEMO, {})))
    assert reader.metadata.title.startswith("Convocation – Piloter un projet")
    assert reader.metadata.author == "Atelier Clément Formation"
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"


def test_renders_read_the_project_root_not_the_working_directory(demo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pdf = render_attendance_sheet(demo, demo.session("parole-2026-11-23"), Path(DEMO))
    assert b"/Subtype /Image" in pdf
