"""`qualikit survey import` on the demo: answers matched by token, journaled once, read by remind."""

from __future__ import annotations

import shutil
from datetime import date

from typer.testing import CliRunner

from conftest import DEMO
from qualikit.base.clock import Clock
from qualikit.base.tokens import project_secret, survey_token
from qualikit.cli import app
from qualikit.journey import as_of
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project

SESSION = "parole-2026-11-04"
HEADER = ("Horodateur,Adresse e-mail,Comment évaluez-vous l'accueil ?,Le contenu de la formation,"
          "L'équipe pédagogique,Les moyens mis à disposition,L'accompagnement,"
          "Recommanderiez-vous cette formation à un collègue ?,Vous êtes-vous senti(e) accompagné(e) ?,"
          "Commentaire libre,Jeton (ne pas modifier)\r\n")


def test_import_then_reimport_adds_nothing_and_remind_knows(tmp_path):
    root = shutil.copytree(DEMO, tmp_path / "demo")
    secret = project_secret(root)
    token = survey_token(secret, "chaud", SESSION, "karim-haddad")
    export = tmp_path / "reponses.csv"
    export.write_text(HEADER + f'07/11/2026 18:02:11,k@example.com,5 - Tout à fait,4,5,4,5,9,Oui,'
                               f'"=HYPERLINK(""http://x"",""y"")",{token}\r\n'
                               '07/11/2026 18:05:00,x@example.com,5,5,5,5,5,10,Oui,Bravo,'
                               'inconnu0000000000000000000\r\n',
                      encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(app, ["survey", "import", str(export), "-p", str(root), "--today", "2026-11-23"])
    assert first.exit_code == 0, first.output
    assert "1 réponse importée" in first.output and "jeton" in first.output
    second = runner.invoke(app, ["survey", "import", str(export), "-p", str(root), "--today", "2026-11-23"])
    assert second.exit_code == 0 and "0 réponse importée" in second.output
    entries = open_journal(root, Clock()).entries()
    journey = as_of(load_project(root).project, entries, date(2026, 11, 23))
    assert journey.learner(SESSION, "karim-haddad").survey("chaud").answered is not None
    answer = next(e for e in entries if e.kind == "survey.answer")
    assert answer.data["values"]["commentaire"] == '=HYPERLINK("http://x","y")'
    assert load_project(root).report.ok


def test_a_truncated_export_imports_nothing(tmp_path):
    root = shutil.copytree(DEMO, tmp_path / "demo")
    export = tmp_path / "coupé.csv"
    export.write_text(HEADER + '07/11/2026 18:02:11,k@example.com,5,4,5,4,5,9,Oui,"pas fini', encoding="utf-8")
    result = CliRunner().invoke(app, ["survey", "import", str(export), "-p", str(root)])
    assert result.exit_code == 1 and "Import refusé" in result.output
    assert not (root / "journal.jsonl").exists()


def test_trainer_review_is_journaled_and_counted(tmp_path):
    from datetime import date

    from qualikit.quality.figures import compute

    root = shutil.copytree(DEMO, tmp_path / "demo")
    result = CliRunner().invoke(app, ["survey", "review", SESSION, "-p", str(root), "--note", "4",
                                      "--reussites", "Mises en situation filmées", "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    entries = open_journal(root, Clock()).entries()
    k = compute(load_project(root).project, entries, session_id=SESSION, today=date(2026, 11, 23))
    assert k.get("Bilans du formateur").text() == "1 sur 1"
    empty = CliRunner().invoke(app, ["survey", "review", SESSION, "-p", str(root)])
    assert empty.exit_code == 1 and "bilan vide" in empty.output


def test_a_negative_hot_survey_proposes_an_improvement(tmp_path):
    root = shutil.copytree(DEMO, tmp_path / "demo")
    token = survey_token(project_secret(root), "chaud", SESSION, "elodie-marchand")
    export = tmp_path / "reponses.csv"
    export.write_text(HEADER + f"07/11/2026 18:02:11,e@example.com,2,2,3,2,2,3,Non,Trop rapide,{token}\r\n",
                      encoding="utf-8")
    result = CliRunner().invoke(app, ["survey", "import", str(export), "-p", str(root), "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert "Action d'amélioration proposée" in result.output
    register = (root / "registre-ameliorations.yaml").read_text(encoding="utf-8")
    assert "moyenne 2,2/5" in register and "enquête" in register


def test_a_question_mapped_once_stays_mapped_and_questions_are_kept_as_asked(tmp_path):
    """Unmapped questions are kept under their wording; `--colonne` maps one and the project remembers."""
    root = shutil.copytree(DEMO, tmp_path / "demo")
    secret = project_secret(root)
    export = tmp_path / "froid.csv"
    header = "Horodateur,Qu'en avez-vous fait au quotidien ?,Votre ressenti,Jeton (ne pas modifier)\r\n"
    export.write_text(header + f"20/11/2026 10:00:00,Oui,Plus serein,"
                               f"{survey_token(secret, 'froid', SESSION, 'karim-haddad')}\r\n", encoding="utf-8")
    runner = CliRunner()
    args = ["survey", "import", str(export), "-p", str(root), "--today", "2026-11-23"]
    first = runner.invoke(app, [*args, "--colonne", "Qu'en avez-vous fait au quotidien ?=utilisation"])
    assert first.exit_code == 0, first.output
    assert "correspondances-enquetes.yaml" in first.output
    saved = (root / "correspondances-enquetes.yaml").read_text(encoding="utf-8")
    assert "Qu'en avez-vous fait au quotidien ?" in saved and "utilisation" in saved
    answer = next(e for e in open_journal(root, Clock()).entries() if e.kind == "survey.answer")
    assert answer.data["values"] == {"utilisation": True, "Votre ressenti": "Plus serein"}

    # the next export of the same form needs no option
    export.write_text(header + f"21/11/2026 10:00:00,Non,Pareil,"
                               f"{survey_token(secret, 'froid', SESSION, 'nathalie-fabre')}\r\n", encoding="utf-8")
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    answers = [e for e in open_journal(root, Clock()).entries() if e.kind == "survey.answer"]
    assert answers[-1].data["values"]["utilisation"] is False

    bad = runner.invoke(app, [*args, "--colonne", "sans signe égal"])
    assert bad.exit_code == 2 and "Texte de la question=champ" in bad.output

    # a mapping edited by hand with a wrong field: said at its line, the good lines kept
    mapping = root / "correspondances-enquetes.yaml"
    mapping.write_text(mapping.read_text(encoding="utf-8") + "Votre ressenti: 10 sur 10\n", encoding="utf-8")
    line = mapping.read_text(encoding="utf-8").splitlines().index("Votre ressenti: 10 sur 10") + 1
    edited = runner.invoke(app, args, env={"COLUMNS": "300"})
    assert f"correspondances-enquetes.yaml:{line}:17" in edited.output
    assert "champ « 10 sur 10 » inconnu pour la question « Votre ressenti »" in " ".join(edited.output.split())


def test_an_answer_typed_as_a_formula_in_a_workbook_keeps_its_text(tmp_path):
    """Some tools store an answer starting with « = » as a formula with no cached value."""
    from openpyxl import Workbook

    root = shutil.copytree(DEMO, tmp_path / "demo")
    token = survey_token(project_secret(root), "chaud", SESSION, "karim-haddad")
    book = Workbook()
    ws = book.active
    ws.append(["Horodateur", "Comment évaluez-vous l'accueil ?", "Commentaire libre", "Jeton (ne pas modifier)"])
    ws.append(["07/11/2026 18:00:00", 5, "=1+1 c'était bien", token])  # openpyxl writes it as a formula
    path = tmp_path / "chaud.xlsx"
    book.save(path)
    result = CliRunner().invoke(app, ["survey", "import", str(path), "-p", str(root), "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    answer = next(e for e in open_journal(root, Clock()).entries() if e.kind == "survey.answer")
    assert answer.data["values"]["commentaire"] == "=1+1 c'était bien"
