"""Every help page and usage error in French: typer's and click's own English never shows."""

from __future__ import annotations

import re

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from qualikit.cli import app

runner = CliRunner()
ENGLISH = ("Usage:", "Show this message", "Missing argument", "Missing option", "No such option", "No such command",
           "Invalid value", "Options:", "Arguments:", "Commands:", "COMMAND [ARGS]", "Try '", "Error", "[default:",
           "env var", "[required]", "<path>", "<str>", "Possible options", "requires an argument", "Aborted",
           "is not a valid", "does not exist", "[legacy]", "Got unexpected")


def _paths(command, prefix=()):
    yield prefix, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _paths(sub, (*prefix, name))


PATHS = list(_paths(get_command(app)))


def run(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "100"})


def assert_french(output: str) -> None:
    found = [phrase for phrase in ENGLISH if phrase in output]
    assert not found, f"{found} in:\n{output}"


@pytest.mark.parametrize(("path", "command"), PATHS, ids=[" ".join(p) or "qualikit" for p, _ in PATHS])
def test_help_bad_option_and_missing_argument_are_french(path, command):
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    assert_french(result.output)
    assert "Utilisation\u00a0: " in result.output and "--help  " in result.output and "Affiche cette aide." in \
        result.output

    bad = run(*path, "--pas-une-option")
    assert bad.exit_code == 2
    assert_french(bad.output)
    assert "Erreur\u00a0: option inconnue\u00a0: --pas-une-option" in bad.output

    required = [p.human_readable_name for p in command.params if p.param_type_name == "argument" and p.required]
    if required:
        missing = run(*path)
        assert missing.exit_code == 2
        assert_french(missing.output)
        assert f"Erreur\u00a0: il manque l’argument «\u00a0{required[0]}\u00a0»." in missing.output


def test_group_titles_and_sub_commands():
    result = run("--help")
    assert re.search(r"^Commandes\u00a0:$", result.output, re.M) and re.search(r"^Options\u00a0:$", result.output, re.M)
    assert "COMMANDE [ARGUMENTS]..." in result.output
    assert "Documentation\u00a0: " in result.output or "Documentation : " in result.output
    unknown = run("pas-une-commande")
    assert unknown.exit_code == 2
    assert_french(unknown.output)
    assert "commande inconnue\u00a0: «\u00a0pas-une-commande\u00a0»" in unknown.output


def test_bad_values_are_french(tmp_path):
    no_value = run("kpi", "--du")
    assert no_value.exit_code == 2
    assert "l’option «\u00a0--du\u00a0» attend une valeur." in no_value.output
    extra = run("check", "-p", str(tmp_path), "un", "deux")
    assert extra.exit_code == 2
    assert_french(extra.output)
    assert "argument en trop\u00a0: deux" in extra.output
    help_text = run("check", "--help").output
    assert "[par défaut\u00a0: .]" in help_text and "variable d’environnement\u00a0: QUALIKIT_TODAY" in help_text
    assert "<chemin>" in help_text


def test_usage_line_names_arguments_plainly():
    result = run("contract", "--help")
    assert "Utilisation\u00a0: qualikit contract [OPTIONS] SESSION [APPRENANT]" in result.output
    assert "[legacy]" not in run("check", "--help").output  # a hidden argument stays hidden


def test_version():
    from importlib.metadata import version

    result = run("--version")
    assert result.exit_code == 0
    assert result.output == f"qualikit {version('qualikit')}\n"
    assert result.output.startswith("qualikit 0.")


def test_a_date_stays_on_one_line_in_a_table():
    import io

    from rich.console import Console
    from rich.table import Table

    table = Table()
    table.add_column("Où elle en est", width=18)
    table.add_row("clôturée le samedi 17\u00a0octobre\u00a02026 à 9\u00a0h\u00a000")
    console = Console(width=60, file=io.StringIO(), record=True)
    console.print(table)
    text = console.export_text()
    assert "17\u00a0octobre\u00a02026" in text and "9\u00a0h\u00a000" in text


def test_numbers_out_of_range_or_not_numbers_are_said_in_french():
    year = run("bpf", "--year", "abc")
    assert year.exit_code == 2
    assert "«\u00a0abc\u00a0» n’est pas un nombre entier." in year.output
    note = run("survey", "review", "s1", "--note", "9")
    assert note.exit_code == 2 and "9 (attendu\u00a0: entre 1 et 5)." in note.output
    limit = run("journal", "show", "--limit", "0")
    assert limit.exit_code == 2 and "0 (attendu\u00a0: au moins 1)." in limit.output
    for result in (year, note, limit):
        assert_french(result.output)


def test_a_file_error_is_said_in_french(tmp_path):
    from conftest import DEMO

    result = run("kpi", "-p", str(DEMO), "--today", "2026-11-23", "--xlsx", str(tmp_path))  # a folder
    assert result.exit_code == 1
    assert f"écriture de {tmp_path} impossible (c'est un dossier)" in result.output.replace("\n", "")
    missing = run("verify", str(tmp_path / "absent.pdf"))
    assert missing.exit_code == 1
    assert "impossible (fichier ou dossier introuvable)" in missing.output.replace("\n", "")
