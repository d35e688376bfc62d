"""Calls, interviews and notes with a learner (indicator 12): the library, then `qualikit log`."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import datetime

import pytest
import typer
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.base.clock import PARIS, Clock
from qualikit.cli.journal import journal_app
from qualikit.cli.log import log_app
from qualikit.commands.followups import FollowupError, record_followup
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project
from qualikit.project.model import Learner

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)
NBSP = "\u00a0"

app = typer.Typer()
app.add_typer(log_app, name="log")
app.add_typer(journal_app, name="journal")


@pytest.fixture
def demo(tmp_path):
    return shutil.copytree(DEMO, tmp_path / "demo")


def project_and_journal(root):
    return load_project(root).project, open_journal(root, Clock(NOW))


def record(root, **kwargs):
    project, journal = project_and_journal(root)
    args = {"kind": "appel", "learner_id": "camille-roux", "session_id": None, "text": "Absente mardi",
            "outcome": None, "at": NOW, **kwargs}
    return record_followup(project, journal, **args)


def run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False, env={"COLUMNS": "200"})


# -- the library ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "channel"), [("appel", "téléphone"), ("entretien", "entretien"), ("note", "note")])
def test_each_kind_is_journaled_with_its_channel(demo, kind, channel):
    entry = record(demo, kind=kind, text="  Absente mardi ; rappelée  ", outcome=" reprend jeudi ")
    assert entry.kind == f"followup.{kind}"
    assert entry.key is None  # every call is a new fact, never "already done"
    assert entry.data == {"session": "excel-2026-10-15", "learner": "camille-roux", "text": "Absente mardi ; rappelée",
                          "outcome": "reprend jeudi", "channel": channel, "at": "2026-11-23T09:00:00+01:00"}
    assert entry.ts == NOW
    journal = open_journal(demo, Clock(NOW))
    assert journal.entries() == [entry] and journal.verify() == []


def test_outcome_is_optional_and_the_same_call_twice_gives_two_entries(demo):
    first = record(demo)
    second = record(demo, outcome="   ")
    assert first.data["outcome"] is None and second.data["outcome"] is None
    assert (first.seq, second.seq) == (1, 2) and second.prev == first.hash


def test_session_given_for_a_learner_in_two_sessions(demo):
    entry = record(demo, learner_id="julien-morel", session_id="projet-2026-11-30", kind="entretien")
    assert entry.data["session"] == "projet-2026-11-30" and entry.data["learner"] == "julien-morel"


def test_a_dropped_out_learner_can_still_be_followed_up(demo):
    project, _ = project_and_journal(demo)
    dropped = next((s.id, e.learner_id) for s in project.sessions for e in s.enrolments if e.status == "abandon")
    entry = record(demo, session_id=dropped[0], learner_id=dropped[1], text="Appel après l'abandon")
    assert entry.data["learner"] == dropped[1]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"learner_id": "camile-roux"},
     f"apprenant « camile-roux » inconnu (vouliez-vous dire « camille-roux »{NBSP}?){NBSP}: indiquez son "
     "identifiant, tel qu'il figure dans la liste des apprenants"),
    ({"learner_id": "personne"},
     f"apprenant « personne » inconnu{NBSP}: indiquez son identifiant, tel qu'il figure dans la liste des apprenants"),
    ({"session_id": "projet-2026-11-30"},
     f"Camille Roux (camille-roux) n'est pas inscrite à la session « projet-2026-11-30 » (inscrite à{NBSP}: "
     "excel-2026-10-15)"),
    ({"session_id": "nulle-part"}, "session « nulle-part » inconnue"),
    ({"learner_id": "julien-morel"},
     f"Julien Morel (julien-morel) est inscrit à plusieurs sessions{NBSP}: précisez laquelle avec --session "
     "(excel-2026-10-15, projet-2026-11-30)"),
    ({"text": " \n\t "},
     f"le texte est vide{NBSP}: notez en une phrase ce qui a été dit ou fait (--texte)"),
    ({"kind": "sms"}, f"type de suivi « sms » inconnu (attendu{NBSP}: appel, entretien, note, consentement)"),
], ids=["typo", "unknown-learner", "not-enrolled", "unknown-session", "ambiguous", "empty-text", "bad-kind"])
def test_bad_input_is_refused_in_french_and_nothing_is_journaled(demo, kwargs, message):
    with pytest.raises(FollowupError) as caught:
        record(demo, **kwargs)
    assert str(caught.value) == message
    assert open_journal(demo, Clock(NOW)).entries() == []


def test_a_learner_without_any_enrolment_is_refused(demo):
    project, journal = project_and_journal(demo)
    lone = Learner("lone", "Seule", "Alix", "alix@example.fr")
    project = dataclasses.replace(project, learners=(*project.learners, lone))
    with pytest.raises(FollowupError, match=f"Alix Seule \\(lone\\) n'est inscrit·e à aucune session{NBSP}:"):
        record_followup(project, journal, kind="note", learner_id="lone", session_id=None, text="x", outcome=None,
                        at=NOW)


def test_a_naive_time_is_a_programming_error(demo):
    with pytest.raises(ValueError):
        record(demo, at=datetime(2026, 11, 23, 9, 0))


# -- the command line -----------------------------------------------------------------------------


def test_log_call_prints_who_and_when(demo):
    result = run("log", "call", "camille-roux", "--texte", "Absente mardi, rappelée", "--resultat", "reprend jeudi",
                 "-p", demo, "--today", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("✓ Appel avec Camille Roux enregistré au journal "
                                     f"(le lundi 23{NBSP}novembre{NBSP}2026 à 9{NBSP}h{NBSP}00)")
    (entry,) = open_journal(demo, Clock(NOW)).entries()
    assert entry.kind == "followup.appel" and entry.data["outcome"] == "reprend jeudi"


def test_log_interview_and_note(demo):
    result = run("log", "interview", "julien-morel", "--session", "projet-2026-11-30", "-t", "Point à mi-parcours",
                 "-p", demo, "--today", "2026-11-24")
    assert result.exit_code == 0, result.output
    assert ("✓ Entretien avec Julien Morel enregistré au journal "
            f"(le mardi 24{NBSP}novembre{NBSP}2026 à 9{NBSP}h{NBSP}00)") in result.output
    result = run("log", "note", "camille-roux", "-t", "Difficultés avec les TCD", "-p", demo, "--today", "2026-11-24")
    assert result.exit_code == 0, result.output
    assert ("✓ Note sur Camille Roux enregistrée au journal "
            f"(le mardi 24{NBSP}novembre{NBSP}2026 à 9{NBSP}h{NBSP}00)") in result.output
    kinds = [e.kind for e in open_journal(demo, Clock(NOW)).entries()]
    assert kinds == ["followup.entretien", "followup.note"]


def test_log_errors_exit_1_with_the_french_message(demo):
    result = run("log", "call", "julien-morel", "-t", "Absent", "-p", demo, "--today", "2026-11-23")
    assert result.exit_code == 1
    assert f"Erreur{NBSP}: Julien Morel (julien-morel) est inscrit à plusieurs sessions" in result.output
    assert "Traceback" not in result.output
    result = run("log", "note", "inconnu", "-t", "x", "-p", demo)
    assert result.exit_code == 1 and "apprenant « inconnu » inconnu" in result.output
    assert not (demo / "journal.jsonl").exists() or open_journal(demo, Clock(NOW)).entries() == []


def test_log_without_text_is_a_usage_error(demo):
    result = run("log", "call", "camille-roux", "-p", demo)
    assert result.exit_code == 2
    assert f"--texte est obligatoire{NBSP}:" in result.output


def test_markup_in_a_note_is_printed_as_typed(demo):
    run("log", "note", "camille-roux", "-t", "[red]pas de couleur[/red] =1+1", "-p", demo, "--today", "2026-11-23")
    result = run("journal", "show", "-p", demo)
    assert result.exit_code == 0, result.output
    assert "[red]pas de couleur[/red] =1+1" in result.output


def test_testimonial_consent_is_recorded(tmp_path):
    import shutil

    from conftest import DEMO
    from qualikit.base.clock import PARIS, Clock
    from qualikit.commands.followups import record_followup
    from qualikit.project.journal_check import open_journal
    from qualikit.project.load import load_project

    root = shutil.copytree(DEMO, tmp_path / "demo")
    project = load_project(root).project
    now = datetime(2026, 11, 24, 10, 0, tzinfo=PARIS)
    entry = record_followup(project, open_journal(root, Clock(now)), kind="consentement", learner_id="karim-haddad",
                            session_id=None, text="Témoignage publiable, prénom seul, sur le site web",
                            outcome=None, at=now)
    assert entry.kind == "followup.consentement" and entry.data["session"] == "parole-2026-11-04"
