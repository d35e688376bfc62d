"""KPIs on the demo project, checked against figures computed by hand."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from conftest import DEMO
from qualikit.base.clock import PARIS, Clock
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project
from qualikit.quality.figures import compute
from qualikit.quality.workbook import write_kpi_workbook

SESSION = "parole-2026-11-04"  # 6 learners, pierre-dumas dropped out on day 2


def answer(journal, learner, values):
    journal.append("survey.answer", {"survey": "chaud", "session": SESSION, "learner": learner,
                                     "submitted_at": "2026-11-07T18:00:00+01:00", "values": values},
                   key=f"survey:chaud:{SESSION}:{learner}")


def test_figures_match_hand_computation(tmp_path):
    root = shutil.copytree(DEMO, tmp_path / "demo")
    project = load_project(root).project
    journal = open_journal(root, Clock(datetime(2026, 11, 7, 9, tzinfo=PARIS)))
    completed = ["nathalie-fabre", "karim-haddad", "elodie-marchand", "lea-chevalier", "antoine-perrin"]
    for learner in completed:  # the hot survey went to the five who completed
        journal.append("remind.enquete-chaud", {"session": SESSION, "learner": learner},
                       key=f"remind:enquete-chaud:{SESSION}:{learner}")
    answer(journal, "nathalie-fabre", {"accueil": 5, "contenu": 5, "equipe": 5, "moyens": 4, "accompagnement": 5,
                                       "nps": 10, "accompagne": True, "commentaire": "=HYPERLINK(\"x\")"})
    answer(journal, "karim-haddad", {"accueil": 4, "contenu": 3, "equipe": 4, "moyens": 3, "accompagnement": 4,
                                     "nps": 7, "accompagne": True})
    answer(journal, "elodie-marchand", {"accueil": 3, "contenu": 2, "equipe": 3, "moyens": 3, "accompagnement": 2,
                                        "nps": 4, "accompagne": False})
    answer(journal, "lea-chevalier", {"accueil": 5, "contenu": 4, "equipe": 5, "moyens": 4, "accompagnement": 4,
                                      "nps": 9, "accompagne": True})
    k = compute(project, journal.entries(), session_id=SESSION, today=date(2026, 11, 23))

    # 6 started; pierre-dumas dropped out: completion 5/6, drop-out 1/6
    assert (k.get("Taux d'achèvement").numerator, k.get("Taux d'achèvement").denominator) == (5, 6)
    assert k.get("Taux d'abandon").text() == "17\u00a0% (1/6)"
    # 4 answers out of 5 sent
    assert k.get("Taux de réponse à chaud").text() == "80\u00a0% (4/5)"
    # means of the five criteria: 4.8, 3.6, 2.6, 4.4 → satisfied (≥ 4): nathalie and léa → 2 of 4 (small n)
    assert k.get("Satisfaction").text() == "2 sur 4"
    # accueil: (5 + 4 + 3 + 5) / 4 = 4.25 → 4,3 ; contenu: (5 + 3 + 2 + 4) / 4 = 3.5
    assert k.get("Accueil (moyenne)").value == Decimal("4.3")
    assert k.get("Contenu (moyenne)").value == Decimal("3.5")
    # NPS: promoters 10 and 9 (2), detractors 4 (1), passive 7 → (2 − 1) / 4 = 25
    assert k.get("NPS").value == Decimal(25)
    assert k.get("Se sont sentis accompagnés").numerator == 3
    assert k.dropout_causes.total() == 1
    assert '=HYPERLINK("x")' in k.comments

    path = tmp_path / "kpi.xlsx"
    write_kpi_workbook(path, k, [(SESSION, date(2026, 11, 6), k)])
    book = load_workbook(path)
    sheet = book["Indicateurs"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=4)}
    assert "Taux de réponse à chaud" in rows and "NPS" in rows
    assert any("promoteurs" in (row[5].value or "") for row in rows.values())
    rate = rows["Taux de réponse à chaud"][1]  # a number Excel can sort and add up, shown as a percentage
    assert rate.value == 0.8 and isinstance(rate.value, float) and "%" in rate.number_format
    assert rows["Taux de réponse à chaud"][2].value == "80\u00a0% (4/5)"
    assert rows["Satisfaction"][1].value is None and rows["Satisfaction"][2].value == "2 sur 4"  # small n: counts
    assert rows["Accueil (moyenne)"][1].value == 4.3
    assert rows["NPS"][1].value is None and rows["NPS"][2].value == "promoteurs − détracteurs\u00a0: +1 (n = 4)"
    assert rows["Apprenants"][1].value == 6 and rows["Apprenants"][4].value is None
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref.startswith("A3:F")
    per_session = book["Par session"]
    assert per_session._charts
    assert per_session.freeze_panes == "A2" and per_session.auto_filter.ref == "A1:G2"
    ended, dropout = per_session["B2"], per_session["E2"]
    assert isinstance(ended.value, datetime) and ended.value.date() == date(2026, 11, 6)
    assert ended.number_format == "DD/MM/YYYY"
    assert dropout.value == 0.17 and "%" in dropout.number_format
    assert per_session.column_dimensions["A"].width >= len(SESSION)
    assert '=HYPERLINK("x")' in k.comments
