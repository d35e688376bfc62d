"""The BPF (cerfa 10443) of the demo project, against figures worked out by hand from its files."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, time
from decimal import Decimal

import pytest
import typer
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.admin.bpf import FRAMES, Tally, bpf_lines, bpf_table, compute_bpf, write_bpf_xlsx
from qualikit.admin.bpf.pdf import render_bpf_pdf
from qualikit.project.load import load_project
from qualikit.project.model import Day, Enrolment, Funder, Status, TimeRange

D = Decimal


@pytest.fixture(scope="module")
def demo():
    return load_project(DEMO).project


def with_session(project, session_id, **changes):
    sessions = tuple(replace(s, **changes) if s.id == session_id else s for s in project.sessions)
    return replace(project, sessions=sessions)


def with_programme(project, programme_id, **changes):
    programmes = tuple(replace(p, **changes) if p.id == programme_id else p for p in project.programmes)
    return replace(project, programmes=programmes)


def with_learner(project, learner_id, **changes):
    learners = tuple(replace(x, **changes) if x.id == learner_id else x for x in project.learners)
    return replace(project, learners=learners)


def plain(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("’", "'")).strip()


# --- the demo, by hand --------------------------------------------------------------------------
#
# Every day of the demo is 09:00-12:30 + 13:30-17:00 = 3.5 h + 3.5 h = 7 h; all five sessions end in 2026.
#
# excel-2026-10-15   excel-tcd, 2 days = 14 h; intra, prix 3450, financeur OPCO (session); 5 présents of
#                    Transports Berthier. Roll calls on all 4 half-days; thomas-girard absent 16/10 PM.
#                    hours: 4 × 14 + (14 - 3.5) = 66.5                             → F-1 a: 5 / 66.5
#                    income: 3450 → OPCO → C-2h
# parole-2026-11-04  prise-de-parole (1050 €), 3 days = 21 h; no session price nor funder. Roll calls on all
#                    6 half-days. nathalie-fabre (entreprise), elodie-marchand (OPCO), lea-chevalier (OPCO),
#                    antoine-perrin (entreprise): 21 h each; pierre-dumas (entreprise) drops out on 05/11:
#                    present 04/11 only = 7 h; karim-haddad (particulier, no company): 21 h.
#                    → F-1 a: 5 / 4 × 21 + 7 = 91; F-1 d: 1 / 21
#                    income: entreprise 3 × 1050 = 3150 (C-1); OPCO 2 × 1050 = 2100 (C-2h); particulier 1050 (C-9)
# parole-2026-11-23  intra, prix 4900, financeur entreprise; 5 présents of Habitat Saône Conseil. One roll call
#                    (23/11 AM, manon-blanc absent), the other 5 half-days have none → planned hours:
#                    manon 21 - 3.5 = 17.5, the others 21 → 17.5 + 4 × 21 = 101.5    → F-1 a: 5 / 101.5
#                    income: 4900 → C-1
# projet-2026-11-30  projet-collaboratif (1150 €, mixte → B « à distance : oui »), 3 days = 21 h, no roll call.
#                    julien-morel (OPCO on the enrolment), aurelie-gauthier (OPCO), yanis-mercier (OPCO),
#                    nicolas-faure (entreprise) → F-1 a: 4 / 84; emma-dupuis (particulier) → F-1 d: 1 / 21
#                    income: OPCO 3 × 1150 = 3450 (C-2h); entreprise 1150 (C-1); particulier 1150 (C-9)
# excel-2026-12-14   excel-tcd (690 €), 2 days = 14 h, no roll call. lucie-bertrand and mehdi-rahmani
#                    (France Travail) → F-1 c: 2 / 28; isabelle-giraud (particulier) → F-1 d: 1 / 14;
#                    olivier-renaud (entreprise), pauline-caron (OPCO) → F-1 a: 2 / 28
#                    income: France Travail 2 × 690 = 1380 (C-7); particulier 690 (C-9); entreprise 690 (C-1);
#                    OPCO 690 (C-2h)
#
# C-1  = 3150 + 4900 + 1150 + 690 = 9890        C-2h = 3450 + 2100 + 3450 + 690 = 9690
# C-7  = 1380                                    C-9  = 1050 + 1150 + 690 = 2890
# total = 9890 + 9690 + 1380 + 2890 = 23850
# F-1 a = 5 + 5 + 5 + 4 + 2 = 21 learners, 66.5 + 91 + 101.5 + 84 + 28 = 371 h
# F-1 c = 2 learners, 28 h;  F-1 d = 1 + 1 + 1 = 3 learners, 0 + 21 + 14 = 35 h (Karim Haddad, present
# without a signed contract, has no hour counted);  b = e = 0
# F-1 total = 26 learners (5 + 6 + 5 + 5 + 5 enrolments), 371 + 28 + 35 = 434 h
# E: one trainer (claire-clement), 14 + 21 + 21 + 21 + 14 = 91 h; one external (mathieu-lefort), 14 h
# F-3: no certification code → all in d « autres formations professionnelles »: 26 / 434
# F-4: excel-tcd 5 + 5 = 10 / 66.5 + (28 + 14 + 28) = 136.5; prise-de-parole 6 + 5 = 11 / (91 + 21) + 101.5
#      = 213.5; projet-collaboratif 5 / 105
# G: excel-2026-11-12, excel-tcd for the donneur d'ordre Forma'Pro Rhône (clients.yaml), 2 days = 14 h,
#    3 présents → G: Forma'Pro Rhône 3 / 42 h (not in F); income: its price 1800 → C-10; E: + 14 h


def test_demo_2026_matches_the_hand_count(demo):
    bpf = compute_bpf(demo, 2026)
    assert (bpf.start, bpf.end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert bpf.sessions == ["excel-2026-10-15", "reunion-2026-10-26", "parole-2026-11-04", "excel-2026-11-12",
                            "parole-2026-11-23", "projet-2026-11-30", "excel-2026-12-14"]
    assert bpf.distance is True
    # reunion-2026-10-26: 3 employees on their CPF, 980 € each (line C-2e), 14 h each, an RS certification (F-3 b)
    expected_income = {"C-1": D(9890), "C-2e": D(2940), "C-2h": D(9690), "C-7": D(1380), "C-9": D(2890),
                       "C-10": D(1800)}
    assert {k: v for k, v in bpf.income.items() if v} == expected_income
    assert bpf.fund_total == D(9690 + 2940)
    assert bpf.income_total == D(23850 + 2940 + 1800)
    assert bpf.unassigned == 0

    assert bpf.trainers == Tally(1, D(91 + 14))  # excel-2026-11-12, delivered for a donneur d'ordre
    assert bpf.external_trainers == Tally(1, D(14))  # mathieu-lefort, sous-traitant, on reunion-2026-10-26
    assert bpf.learner_types == {
        "a": Tally(21 + 3, D(371 + 42)),
        "b": Tally(0, D(0)),
        "c": Tally(2, D(28)),
        "d": Tally(3, D(35)),
        "e": Tally(0, D(0)),
    }
    assert bpf.learners_total == Tally(29, D(476))
    assert bpf.subcontracted == Tally(0, D(0))
    assert bpf.objectives["b"] == Tally(3, D(42))
    assert bpf.objectives["d"] == Tally(26, D(434))
    assert bpf.objectives_total == Tally(29, D(476))
    assert bpf.specialities == {
        "Excel : tableaux croisés dynamiques et automatisation": Tally(10, D("136.5")),
        "Prendre la parole en public avec aisance": Tally(11, D("192.5")),
        "Piloter un projet avec les outils numériques collaboratifs": Tally(5, D(105)),
        "Animer une réunion professionnelle à distance (préparation à la certification RS0000)": Tally(3, D(42)),
    }
    assert bpf.entrusted == {"Forma'Pro Rhône": Tally(3, D(42))}


def test_demo_problems_and_notes(demo):
    bpf = compute_bpf(demo, 2026)
    # The three sessions with half-days and no roll call; nothing else is missing in the demo.
    assert [p.split(" (")[0] for p in bpf.problems] == [
        "session parole-2026-11-23 : appel non saisi, heures prévues utilisées",
        "session projet-2026-11-30 : appel non saisi, heures prévues utilisées",
        "session excel-2026-12-14 : appel non saisi, heures prévues utilisées",
    ]
    assert "5 demi-journées" in bpf.problems[0]
    assert bpf.notes[0] == ("la facturation n'est pas gérée par qualikit : les produits sont estimés à partir "
                            "des prix des sessions et programmes")
    assert any("julien-morel (2)" in n for n in bpf.notes)  # one count per session
    assert any("ligne 2 h" in n for n in bpf.notes)  # OPCO scheme unknown


def test_a_year_without_sessions_is_empty(demo):
    bpf = compute_bpf(demo, 2025)
    assert bpf.sessions == [] and bpf.income_total == 0 and bpf.learners_total == Tally(0, D(0))
    assert bpf.problems == []


# --- missing or inconsistent data ---------------------------------------------------------------


def test_session_without_price_and_learner_without_funder(demo):
    p = with_programme(demo, "prise-de-parole", price=None)  # parole-2026-11-04 has no session price
    p = with_learner(p, "karim-haddad", funder=None)  # and karim has no company either
    bpf = compute_bpf(p, 2026)
    assert "session parole-2026-11-04 : aucun prix (ni sur la session ni sur le programme)" in bpf.problems
    assert any(x.startswith("karim-haddad (session parole-2026-11-04) : aucun financeur") for x in bpf.problems)
    # parole-2026-11-04 brought 3150 + 2100 + 1050: all gone; intra parole-2026-11-23 keeps its own price.
    assert bpf.income["C-1"] == D(9890 - 3150)
    assert bpf.income["C-2h"] == D(9690 - 2100)
    assert bpf.income["C-9"] == D(2890 - 1050)
    # karim (21 h) moves from « particuliers » to « autres stagiaires ».
    assert bpf.learner_types["d"] == Tally(2, D(35))
    assert bpf.learner_types["e"] == Tally(1, D(21))


def test_unknown_funder_income_is_left_to_assign(demo):
    p = with_learner(demo, "karim-haddad", funder=None)
    bpf = compute_bpf(p, 2026)
    assert bpf.unassigned == D(1050)
    assert bpf.income["C-9"] == D(2890 - 1050)
    table = bpf_table(bpf)
    assert ("C", "Produits sans financeur connu, à affecter à une ligne avant le dépôt", "1\u00a0050\u00a0€") in table


def test_employee_funder_without_company_is_an_other_learner(demo):
    p = with_learner(demo, "karim-haddad", funder=Funder.OPCO)
    bpf = compute_bpf(p, 2026)
    assert "karim-haddad (session parole-2026-11-04) : financé(e) par « OPCO » mais sans entreprise ; compté(e) " \
           "en « autres stagiaires » (F-1 e)" in bpf.problems
    assert bpf.learner_types["e"] == Tally(1, D(21))
    assert bpf.income["C-2h"] == D(9690 + 1050)


def test_withdrawal_before_the_first_day_is_not_a_learner(demo):
    session = demo.session("parole-2026-11-04")
    enrolments = tuple(replace(e, dropout_date=date(2026, 11, 4)) if e.learner_id == "pierre-dumas" else e
                       for e in session.enrolments)
    bpf = compute_bpf(with_session(demo, session.id, enrolments=enrolments), 2026)
    assert bpf.learner_types["a"] == Tally(20 + 3, D(371 + 42 - 7))  # pierre's 7 h are gone with him
    assert bpf.income["C-1"] == D(9890 - 1050)


def test_certification_codes_go_to_f3(demo):
    p = with_programme(demo, "excel-tcd", certification_code="RS5436")
    p = with_programme(p, "projet-collaboratif", certification_code="RNCP 35636")
    bpf = compute_bpf(p, 2026)
    assert bpf.objectives["b"] == Tally(10 + 3, D("136.5") + 42)  # + the demo's RS0000 session
    assert bpf.objectives["a"] == Tally(5, D(105))
    assert bpf.objectives["d"] == Tally(11, D("192.5"))
    assert any("niveau des certifications RNCP" in n for n in bpf.notes)
    levels = [line for line in bpf_lines(bpf) if line.frame == "F-3" and line.label.startswith("dont de niveau 6")]
    assert levels[0].text.startswith("à répartir")


# --- frame G: work entrusted by another provider ------------------------------------------------


def test_session_with_a_donneur_d_ordre_goes_to_frame_g(demo):
    p = with_session(demo, "excel-2026-12-14", contractor="Formations du Rhône")
    bpf = compute_bpf(p, 2026)
    # excel-2026-12-14: 5 learners × 14 h = 70 h, 5 × 690 = 3450 € leave F and their funders' lines for G / C-10.
    assert bpf.entrusted == {"Formations du Rhône": Tally(5, D(70)), "Forma'Pro Rhône": Tally(3, D(42))}
    assert bpf.entrusted_total == Tally(8, D(112))
    assert bpf.income["C-10"] == D(3450 + 1800)
    assert bpf.income["C-7"] == 0
    assert bpf.income["C-1"] == D(9890 - 690)
    assert bpf.income["C-2h"] == D(9690 - 690)
    assert bpf.income["C-9"] == D(2890 - 690)
    assert bpf.income_total == D(23850 + 2940 + 1800)
    assert bpf.learners_total == Tally(21 + 3, D(434 + 42 - 70))
    assert bpf.learner_types["c"] == Tally(0, D(0))
    assert bpf.trainers == Tally(1, D(91 + 14))  # the provider's trainer still gave those hours
    g = [row for row in bpf_table(bpf) if row[0] == "G"]
    assert g == [
        ("G", "Formations confiées à votre organisme par un autre organisme de formation",
         "8\u00a0stagiaires · 112\u00a0h"),
        ("G", "dont Forma'Pro Rhône", "3\u00a0stagiaires · 42\u00a0h"),
        ("G", "dont Formations du Rhône", "5\u00a0stagiaires · 70\u00a0h"),
    ]


# --- financial years ------------------------------------------------------------------------------


def test_a_session_across_two_years_splits_its_hours(demo):
    morning, afternoon = TimeRange(time(9), time(12, 30)), TimeRange(time(13, 30), time(17))
    days = (Day(date(2026, 12, 30), morning, afternoon), Day(date(2027, 1, 4), morning, afternoon))
    p = with_session(demo, "excel-2026-12-14", days=days)
    y2026, y2027 = compute_bpf(p, 2026), compute_bpf(p, 2027)
    # 2026: the 30/12 day only (5 learners × 7 h = 35 h), no learner and no income (the session ends in 2027).
    assert y2026.learners_total == Tally(21 + 3, D(364 + 42 + 35))
    assert y2026.income_total == D(23850 + 2940 + 1800 - 3450)
    assert y2026.trainers == Tally(1, D(91 + 14 - 14 + 7))
    assert any(n.startswith("session excel-2026-12-14 : à cheval sur deux exercices") for n in y2026.notes)
    # 2027: its 5 learners, the 04/01 hours and its 5 × 690 = 3450 €.
    assert y2027.sessions == ["excel-2026-12-14"]
    assert y2027.learners_total == Tally(5, D(35))
    assert y2027.income_total == D(3450)
    assert y2027.trainers == Tally(1, D(7))


def test_financial_year_can_start_mid_year(demo):
    bpf = compute_bpf(demo, 2026, start=date(2026, 11, 1))
    assert bpf.end == date(2027, 10, 31)
    assert bpf.sessions == ["parole-2026-11-04", "excel-2026-11-12", "parole-2026-11-23", "projet-2026-11-30",
                            "excel-2026-12-14"]


def test_intra_price_is_shared_to_the_cent(demo):
    session = demo.session("excel-2026-10-15")
    enrolments = tuple(replace(e, funder=Funder.CPF) if e.learner_id == "camille-roux" else e
                       for e in session.enrolments[:3])
    p = with_session(demo, session.id, enrolments=enrolments, price=D(100))
    bpf = compute_bpf(p, 2026)
    # 100 € for 3 learners: 33.33 to CPF (camille), 66.67 to OPCO (the two others).
    assert bpf.income["C-2e"] == D(2940) + D("33.33")  # + the RS0000 session's CPF learners
    assert bpf.income["C-2h"] == D(9690 - 3450) + D("66.67")


def test_cancelled_session_counts_nothing(demo):
    session = demo.session("excel-2026-12-14")
    enrolments = tuple(Enrolment(e.learner_id, Status.ABANDON, dropout_date=date(2026, 12, 1))
                       for e in session.enrolments)
    bpf = compute_bpf(with_session(demo, session.id, enrolments=enrolments), 2026)
    assert "excel-2026-12-14" not in bpf.sessions
    assert "session excel-2026-12-14 : aucun stagiaire entré en formation ; session non comptée" in bpf.problems
    assert bpf.trainers == Tally(1, D(91 + 14 - 14))


# --- outputs --------------------------------------------------------------------------------------


def test_table_follows_the_cerfa_order(demo):
    table = bpf_table(compute_bpf(demo, 2026))
    frames = list(dict.fromkeys(frame for frame, _, _ in table))
    assert frames == ["A", "B", "C", "D", "E", "F-1", "F-2", "F-3", "F-4", "G", "H"] == list(FRAMES)
    c = [label for frame, label, _ in table if frame == "C"]
    assert c[0].startswith("1. Entreprises") and c[-2].startswith("Total des produits réalisés")
    assert ("F-1", "Total (a + b + c + d + e)", "29\u00a0stagiaires · 476\u00a0h") in table
    assert ("C", "1. Entreprises pour la formation de leurs salariés", "9\u00a0890\u00a0€") in table


def test_xlsx_reads_back(demo, tmp_path):
    bpf = compute_bpf(with_session(demo, "excel-2026-12-14", contractor="=HYPERLINK(\"x\")"), 2026)
    path = tmp_path / "sortie" / "bpf-2026.xlsx"
    write_bpf_xlsx(bpf, path)
    book = load_workbook(path)
    assert book.sheetnames == ["BPF 2026", "À vérifier"]
    rows = {row[1]: row for row in book["BPF 2026"].iter_rows(values_only=True) if row[1]}
    assert rows["1. Entreprises pour la formation de leurs salariés"][2] == 9890 - 690
    assert rows["10. Contrats conclus avec d'autres organismes de formation (y compris CFA)"][2] == 3450 + 1800
    assert rows["Total (a + b + c + d + e)"][3:5] == (21 + 3, 364 + 42)
    assert rows["Personnes de votre organisme dispensant des heures de formation"][3:5] == (1, 91 + 14)
    assert rows["Personnes extérieures à votre organisme dispensant des heures de formation dans le cadre de "
                "contrats de sous-traitance"][3:5] == (1, 14)
    assert rows[FRAMES["G"]][0] == "G"
    cell = next(c for c in book["BPF 2026"]["B"] if c.value == 'dont =HYPERLINK("x")')
    assert cell.data_type == "s"  # text, never a formula
    checks = [row for row in book["À vérifier"].iter_rows(min_row=2, values_only=True)]
    assert ("Note", bpf.notes[0]) in checks
    assert all(kind in ("Point à vérifier", "Note") for kind, _ in checks)
    assert not list(path.parent.glob(".*.tmp"))


def test_pdf_holds_every_frame_and_the_problems_last(demo):
    p = with_programme(demo, "prise-de-parole", price=None)
    bpf = compute_bpf(p, 2026)
    pdf = render_bpf_pdf(p, bpf, DEMO)
    text = plain(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    positions = [text.find(plain(title)) for title in FRAMES.values()]
    assert all(pos >= 0 for pos in positions), positions
    assert positions == sorted(positions)
    problem = text.find("session parole-2026-11-04 : aucun prix")
    assert problem > positions[-1]
    assert "9 890 €" not in text and "23 850 €" not in text  # prices changed: totals follow
    assert render_bpf_pdf(p, bpf, DEMO) == pdf  # byte-stable


def test_command_writes_both_files(tmp_path):
    import shutil

    from qualikit.cli import bpf as bpf_cli

    root = tmp_path / "demo"
    shutil.copytree(DEMO, root)
    app = typer.Typer(rich_markup_mode=None)
    app.command("bpf")(bpf_cli.command)
    app.command("autre")(lambda: None)  # two commands, so « bpf » stays a subcommand
    result = CliRunner().invoke(app, ["bpf", "--year", "2026", "-p", str(root)], env={"COLUMNS": "160"},
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = plain(result.output)
    assert "28 590 €" in out
    # frame D: the external intervenant's invoice of registre-sous-traitants.yaml
    line = next(x for x in out.splitlines() if "dont achats de prestation" in x)
    assert "1 300 €" in line
    assert "session excel-2026-12-14 : appel non saisi" in out
    assert "la facturation n'est pas gérée par qualikit" in out
    assert (root / "sortie" / "bpf-2026.xlsx").is_file()
    assert (root / "sortie" / "bpf-2026.pdf").read_bytes().startswith(b"%PDF")
