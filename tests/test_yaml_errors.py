"""YAML problems reach the trainer in French, with file, line and column; never a traceback."""

from __future__ import annotations

import pytest
import yaml

from conftest import MINI, write_project
from qualikit.base.diagnostics import Report
from qualikit.project.load import load_project
from qualikit.project.load.yaml_source import compose_text

ENGLISH = ("found", "expected", "while", "mapping", "scanning", "parsing", "character", "alias '", "stream")


def errors(text: str, tmp_path, name: str = "apprenants.yaml") -> list[str]:
    root = write_project(tmp_path / "p", {**MINI, name: ""})
    (root / name).write_text(text, encoding="utf-8")
    return [d.format() for d in load_project(root).report.errors]


def test_an_alias_that_loops_is_refused_with_its_place(tmp_path):
    [message] = errors("- id: ana\n  nom: Lopez\n  prenom: Ana\n  email: ana@example.fr\n"
                       "  boucle: &a\n    x: *a\n", tmp_path)
    assert message.startswith("apprenants.yaml:")
    assert "alias en boucle" in message
    file, line, col = message.split(":")[:3]
    assert (file, int(line) in (5, 6), col.split()[0].isdigit()) == ("apprenants.yaml", True, True)


@pytest.mark.parametrize("text", ["boucle: &a\n  x: *a\n", "&a [*a]\n", "a: &a\n  - b: &b\n      c: *a\n"])
def test_alias_loops_of_every_shape(text):
    report = Report()
    assert compose_text(text, "f.yaml", report) is None
    [error] = report.errors
    assert error.loc.line is not None and "boucle" in error.message


def test_aliases_that_multiply_a_document_are_refused():
    text = 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n'
    for n in "bcdefgh":
        prev = chr(ord(n) - 1)
        text += f"{n}: &{n} [{', '.join(['*' + prev] * 10)}]\n"
    report = Report()
    assert compose_text(text, "f.yaml", report) is None
    assert "trop de fois" in report.errors[0].message and report.errors[0].loc.line


def test_shared_aliases_are_still_fine():
    report = Report()
    node = compose_text("base: &b {ville: Lyon}\nun: *b\ndeux: *b\n", "f.yaml", report)
    assert node is not None and report.ok


@pytest.mark.parametrize(("text", "line", "words"), [
    ("- id: ana\n  nom: a: b\n", 2, "«\u00a0:\u00a0» inattendu"),
    ("- id: ana\n  nom\n", 3, "«\u00a0:\u00a0» manquant"),
    ("- id: ana\n\tnom: Lopez\n", 2, "tabulation"),
    ('- id: ana\n  nom: "Lopez\n', 2, "guillemet non fermé"),
    ("- id: ana\n    nom: Lopez\n  prenom: Ana\n", 2, "indentation"),
    ("- id: ana\n  nom: Lopez\n prenom: Ana\n", 3, "indentation"),
    ("- id: ana\n - id: paul\n", 2, "indentation"),
    ("- id: *x\n", 1, "alias «\u00a0*\u00a0» inconnu"),
    ("- id: ana\n  nom: @Lopez\n", 2, "caractère «\u00a0@\u00a0» interdit"),
    ('- id: ana\n  nom: "\\q"\n', 2, "échappement"),
    ("- id: [ana, paul\n- id: x\n", 2, "crochets"),
    ("- id: ana\n---\n- id: paul\n", 2, "un seul document"),
    ("- id: ana\n  nom: Lopez\n  nom: Lopes\n", 3, "en double"),
    ("- id: ana\n  nom: \x07\n", 2, "caractère de contrôle"),
    ("- id: " + "[" * 3000 + "\n", 1, "imbriqués"),
])
@pytest.mark.parametrize("loader", ["CBaseLoader", "BaseLoader"])
def test_syntax_errors_are_french_and_located(tmp_path, monkeypatch, text, line, words, loader):
    import qualikit.project.load.yaml_source as source

    if not hasattr(yaml, loader):
        pytest.skip("libyaml absent")
    monkeypatch.setattr(source, "_Loader", getattr(yaml, loader))
    found = errors(text, tmp_path)
    assert found, text
    first = found[0]
    assert first.startswith(f"apprenants.yaml:{line}:"), first
    assert words in first, first
    text_part = first.split(": ", 1)[1].lower()
    assert not any(word in text_part for word in ENGLISH), first


def test_an_unknown_problem_still_gets_french_words_and_a_place():
    from qualikit.project.load.yaml_errors import translate

    assert "syntaxe incorrecte" in translate("something PyYAML never said", "while doing things")


def test_a_whole_number_field_asks_for_a_whole_number_example(tmp_path):
    """« ex. 14 ou 10,5 » would invite a decimal where only whole numbers are accepted."""
    files = {**MINI, "organisation.yaml": MINI["organisation.yaml"] + "        parametres:\n"
             "          relances_paiement_jours: [7, trente]\n          delai_convocation_jours: 1e99\n",
             "programmes.yaml": MINI["programmes.yaml"].replace("duree_heures: 7", "duree_heures: sept")}
    root = write_project(tmp_path / "p", files)
    errors = {d.field: d.format() for d in load_project(root, use_cache=False).report.errors}
    assert "«\u00a0trente\u00a0»" in errors["relances_paiement_jours"]
    assert "organisation.yaml:" in errors["relances_paiement_jours"]
    for field in ("relances_paiement_jours", "delai_convocation_jours"):
        assert "un nombre entier, ex. 7 ou 30" in errors[field] and "10,5" not in errors[field], errors[field]
    assert "trop grand" in errors["delai_convocation_jours"]
    assert "ex. 14 ou 10,5" in errors["duree_heures"]  # a duration may have a half hour
