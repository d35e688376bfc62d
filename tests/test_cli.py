"""The commands as a trainer types them, through typer's runner."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from typer.testing import CliRunner

from conftest import DEMO, DEMO_XLSX, MINI, write_project
from qualikit.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, env={"COLUMNS": "120"})


def test_init_then_check_is_clean(tmp_path):
    dest = tmp_path / "nouveau"
    result = run("init", dest, "--raison-sociale", "Formation Durand", "--siret", "73282932000074", "--nda",
                 "84691234569", "--region", "Bretagne", "--representant", "Julie Durand", "--email",
                 "julie@example.fr", "--non-interactif", "--today", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert "Projet créé" in result.output
    assert (dest / "organisation.yaml").read_text(encoding="utf-8").startswith("# L'organisme de formation")
    check = run("check", dest)
    assert check.exit_code == 0, check.output
    assert "Aucune erreur" in check.output or "Projet valide" in check.output


def test_init_asks_in_a_terminal(tmp_path):
    answers = "\n".join(["Formation Durand", "", "", "", "", "", "", "Julie Durand", "gérante",
                         "julie@example.fr", "", "yaml"]) + "\n"
    result = runner.invoke(app, ["init", str(tmp_path / "p"), "--interactif"], input=answers)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "p" / "organisation.yaml").read_text(encoding="utf-8")
    assert 'raison_sociale: "Formation Durand"' in text and 'nom: "Julie Durand"' in text


def test_init_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notes.txt").write_text("à garder")
    result = run("init", tmp_path / "x", "--non-interactif")
    assert result.exit_code == 1
    assert "existe déjà et n'est pas vide" in result.output
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["notes.txt"]


def test_check_reports_every_error_and_exits_1(tmp_path):
    learners = MINI["apprenants.yaml"].replace("ana@example.fr", "ana@").replace("prenom: Paul", "prenom: [Paul")
    root = write_project(tmp_path, {**MINI, "apprenants.yaml": learners})
    result = run("check", root)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "apprenants.yaml:" in result.output and "syntaxe YAML incorrecte" in result.output


def test_check_json(tmp_path):
    root = write_project(tmp_path, {**MINI, "apprenants.yaml": MINI["apprenants.yaml"].replace("ana@example.fr",
                                                                                                 "pas-un-mail")})
    result = run("check", root, "--json")
    assert result.exit_code == 1
    items = json.loads(result.output)
    bad = [i for i in items if i["champ"] == "email"]
    assert bad == [{"niveau": "erreur", "fichier": "apprenants.yaml", "ligne": 4, "colonne": 10, "feuille": None,
                    "cellule": None, "champ": "email", "indicateur": None,
                    "message": "«\u00a0pas-un-mail\u00a0» n'est pas une adresse e-mail valide (attendu\u00a0: "
                               "nom@domaine.fr)"}]


def test_both_forms_of_the_demo_say_the_same_thing():
    """The workbook beside its registers (as `convert` writes it) is checked exactly as the YAML."""
    said = [{(d["champ"], d["message"], d["niveau"]) for d in json.loads(run("check", "-p", p, "--json").output)}
            for p in (DEMO, DEMO_XLSX)]
    assert said[0] == said[1] and len(said[0]) == 1


def test_demo_checks_clean_and_status_shows_what_is_next():
    check = run("check", "-p", DEMO)
    assert check.exit_code == 0, check.output
    # the one attention point is the demo's deliberate case: Karim Haddad at the roll call without a signed contract
    assert "1 point d'attention" in check.output and "sessions.yaml:65:7: Karim Haddad" in check.output
    result = run("status", DEMO, "--today", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert "lundi 23\u00a0novembre\u00a02026" in result.output
    assert "envoyer les convocations de la session projet-2026-11-30" in result.output
    assert "en cours" in result.output and "terminée" in result.output


def test_bad_today_is_a_usage_error():
    result = run("status", DEMO, "--today", "demain")
    assert result.exit_code == 2
    assert "n'est pas une date" in result.output


def test_help_does_not_import_heavy_libraries():
    code = ("import sys; from qualikit.cli import app\n"
            "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('openpyxl', 'reportlab', 'pyhanko', 'jinja2', 'babel', 'starlette', 'uvicorn')\n"
            "         if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


def test_a_command_imports_its_own_module_only(tmp_path):
    """`verify` (and the daily `remind`) must not pay for the thirty other commands' modules."""
    code = ("import sys; from qualikit.cli import app\n"
            "try:\n    app(['verify', '--help'])\nexcept SystemExit:\n    pass\n"
            "print('CLI', sorted(m for m in sys.modules if m.startswith('qualikit.cli.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = out.split("CLI", 1)[1]
    assert "qualikit.cli.verify" in loaded
    assert "qualikit.cli.audit" not in loaded and "qualikit.cli.registers" not in loaded


def test_init_refuses_a_wrong_siret_or_e_mail_and_says_why(tmp_path):
    dest = tmp_path / "p"
    result = run("init", dest, "--siret", "73282932000075", "--email", "julie@example", "--non-interactif")
    assert result.exit_code == 2
    assert ("--siret : le SIRET 732\u00a0829\u00a0320\u00a000075 ne passe pas la clé de contrôle : un chiffre est "
            "sans doute mal recopié") in result.output
    assert "--email : «\u00a0julie@example\u00a0» n'est pas une adresse e-mail valide" in result.output
    assert not dest.exists()
    short = run("init", dest, "--siret", "1234", "--non-interactif")
    assert short.exit_code == 2 and "les 14 chiffres du SIRET" in short.output


def test_init_asks_again_for_a_wrong_siret_with_french_prompts(tmp_path):
    answers = "\n".join(["Formation Durand", "73282932000075", "732 829 320 00074", "", "", "", "", "", "", "",
                         "julie@", "julie@example.fr", "", "yaml"]) + "\n"
    result = runner.invoke(app, ["init", str(tmp_path / "p"), "--interactif"], input=answers)
    assert result.exit_code == 0, result.output
    assert "SIRET (14 chiffres)\u00a0: " in result.output and "Format des données (yaml ou xlsx) [yaml]\u00a0: " in \
        result.output
    assert "ne passe pas la clé de contrôle" in result.output and "n'est pas une adresse e-mail valide" in result.output
    text = (tmp_path / "p" / "organisation.yaml").read_text(encoding="utf-8")
    assert "73282932000074" in text.replace(" ", "") and "julie@example.fr" in text


def test_siret_check_digit():
    from qualikit.project.checks import siret_key_ok

    assert siret_key_ok("73282932000074") and siret_key_ok("88417302200010")
    assert not siret_key_ok("73282932000075") and not siret_key_ok("88417302200011")
    # La Poste: the sum of the digits is a multiple of 5 (3+5+6+1 = 15), though Luhn fails
    assert siret_key_ok("35600000000010") and not siret_key_ok("35600000000011")
    assert siret_key_ok("35600000000048")  # La Poste's head office passes Luhn


def test_check_locates_a_wrong_siret_and_e_mail(tmp_path):
    import shutil

    root = shutil.copytree(DEMO, tmp_path / "demo")
    org = root / "organisation.yaml"
    text = org.read_text(encoding="utf-8")
    text = text.replace("siret: 884 173 022 00010", "siret: 884 173 022 00011")
    text = text.replace("email: contact@atelier-clement-formation.fr", "email: contact@atelier-clement")
    org.write_text(text, encoding="utf-8")
    result = run("check", "-p", root, "--today", "2026-11-20")
    assert result.exit_code == 1
    assert re.search(r"organisation\.yaml:\d+:\d+: email\s*: «\u00a0contact@atelier-clement\u00a0» n'est pas une "
                     r"adresse e-mail valide", result.output)
    assert re.search(r"organisation\.yaml:\d+:\d+: siret\s*: le SIRET 884\u00a0173\u00a0022\u00a000011 ne passe pas "
                     r"la clé de contrôle", result.output)
