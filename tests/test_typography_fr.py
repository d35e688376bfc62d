"""French typography of times, dates, SIRET and NPS, and one e-mail as the learner reads it."""

from __future__ import annotations

import shutil
from datetime import date, datetime, time
from decimal import Decimal

from smtp_server import running_smtp

from conftest import DEMO
from qualikit.base.clock import PARIS, Clock
from qualikit.base.frdates import clock_time, long_date, plain_date, signed
from qualikit.base.typography import agree, plural, siret
from qualikit.delivery.send import SmtpTransport
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project
from qualikit.quality.figures import Figure

NBSP = "\u00a0"


def test_times_are_written_9_h_00():
    assert clock_time(time(9, 0)) == f"9{NBSP}h{NBSP}00"
    assert clock_time(time(13, 30)) == f"13{NBSP}h{NBSP}30"
    assert clock_time(datetime(2026, 11, 5, 17, 5, tzinfo=PARIS)) == f"17{NBSP}h{NBSP}05"


def test_a_date_never_breaks_between_day_month_and_year():
    assert long_date(date(2026, 11, 5)) == f"jeudi 5{NBSP}novembre{NBSP}2026"
    assert long_date(date(2026, 12, 1)) == f"mardi 1er{NBSP}décembre{NBSP}2026"
    assert plain_date(date(2026, 10, 15)) == f"15{NBSP}octobre{NBSP}2026"


def test_one_siret_format():
    grouped = f"732{NBSP}829{NBSP}320{NBSP}00074"
    assert siret("73282932000074") == siret("732 829 320 00074") == siret("732.829.320.00074") == grouped
    assert siret("1234") == "1234"  # not a SIRET: as typed, for the trainer to see


def test_nps_is_signed_and_never_a_percentage():
    assert (signed(75), signed(-10), signed(0)) == ("+75", "\u221210", "0")
    nps = Figure("NPS", 5, 20, "promoteurs − détracteurs", "±")  # 5 / 20 = +25
    assert nps.value == Decimal(25) and nps.text() == "+25 (n = 20)" and "%" not in nps.text()
    assert Figure("NPS", -3, 10, "", "±").text() == "\u221230 (n = 10)"
    assert Figure("NPS", 1, 4, "", "±").text() == f"promoteurs − détracteurs{NBSP}: +1 (n = 4)"


def test_agreement_with_the_civility():
    assert agree("inscrit·e, convoqué·e", "Mme") == "inscrite, convoquée"
    assert agree("salarié(e), présent·e", "M.") == "salarié, présent"
    assert agree("inscrit·e", None) == "inscrit·e"  # unknown: stays inclusive
    assert agree("ancien·nes participant·es", "Mme") == "ancien·nes participant·es"  # a plural is left alone
    assert (plural(1, "abandon"), plural(2, "demi-journée")) == ("1 abandon", "2 demi-journées")


def test_the_reminder_e_mail_says_9_h_00_and_keeps_the_date_whole(tmp_path):
    from qualikit.commands.remind import remind

    root = shutil.copytree(DEMO, tmp_path / "demo")
    project = load_project(root).project
    with running_smtp() as server:
        for day in (date(2026, 11, 23), date(2026, 11, 27)):  # convocations, then the eve of 30/11
            now = datetime.combine(day, time(9), PARIS)
            remind(project, root, open_journal(root, Clock(now)), SmtpTransport(server.settings(), timeout=5), now)
        eve = [m for m in server.messages if m["X-Qualikit-Step"] == "rappel-veille"
               and m["X-Qualikit-Session"] == "projet-2026-11-30"]
        assert eve
        text = eve[0].get_body(("plain",)).get_content()
    assert f"à 9{NBSP}h{NBSP}00." in text and "09:00" not in text
    assert f"lundi 30{NBSP}novembre{NBSP}2026" in text


def test_the_absence_e_mail_agrees_with_the_learner(tmp_path):
    from qualikit.documents.email import render_email, template_env

    project = load_project(DEMO).project
    session = project.session("projet-2026-11-30")
    programme = project.programme(session.programme_id)
    env = template_env(DEMO)
    texts = {}
    for learner_id in ("aurelie-gauthier", "julien-morel"):
        learner = project.learner(learner_id)
        context = {"learner": learner, "session": session, "programme": programme,
                   "organisation": project.organisation, "trainer": None, "link": None, "step": None,
                   "start": "", "end": "", "place": None, "distance_link": None, "first_day": session.days[0],
                   "start_time": "", "signature": "Claire"}
        rendered = render_email(env, "relance-absence", context)
        texts[learner.civility] = (rendered.subject, rendered.text)
    assert "vue en formation" in texts["Mme"][0] and "être présente à une partie" in texts["Mme"][1]
    assert "vu en formation" in texts["M."][0] and "être présent à une partie" in texts["M."][1]
    assert "·e" not in texts["Mme"][1] + texts["M."][1]
