"""Whatever a trainer's files hold, loading reports problems and never raises, and every problem
says where it is: a file and a line (YAML, CSV) or a sheet and cell (XLSX)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINI, write_project
from qualikit.project.load import load_project
from qualikit.project.load.schema import YAML_FILES

KEYS = ["id", "nom", "prenom", "email", "date", "matin", "journees", "inscriptions", "programme", "statut",
        "objectifs", "resultats", "parametres", "formateurs", "raison_sociale", "absents", "duree_heures"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=12),
                    st.dates().map(str), st.sampled_from(["09:00-12:30", "2026-13-01", "a@b", "=1+1", "~"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), inner, max_size=5)), max_leaves=20)


def located(d) -> bool:
    """A problem points at a place: a line of a file, a cell of a sheet (or the sheet, for a whole
    column), or the whole file when the file as a whole is the problem (nesting too deep)."""
    if not d.loc.file or not d.format():
        return False
    whole_file = ("imbriqués", "à la fois des fichiers YAML et un classeur")
    return d.loc.line is not None or d.loc.sheet is not None or any(w in d.message for w in whole_file)


def _load(files: dict[str, str | bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_project(Path(tmp), {k: v for k, v in MINI.items() if k not in files})
        for name, content in files.items():
            path = root / name
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        loaded = load_project(root, use_cache=False)
        for d in loaded.report.items:
            assert located(d), d.format()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(list(YAML_FILES)), doc=values)
def test_random_yaml_structures(name, doc):
    _load({name: yaml.safe_dump(doc, allow_unicode=True)})


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(list(MINI)), data=st.data())
def test_mutated_real_files(name, data):
    text = MINI[name]
    pos = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(0, 8))
    insert = data.draw(st.text(alphabet=":-[]{}'\"#&*!|>%@ \n\t0123456789abc", max_size=6))
    _load({name: text[:pos] + insert + text[pos + cut:]})


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(list(YAML_FILES)), raw=st.binary(max_size=200))
def test_arbitrary_bytes(name, raw):
    _load({name: raw})


NUMBERS = ["NaN", "-inf", "+Infinity", "sNaN", "1e999999999", "9" * 400, "-0", "1e-9999", "14", "10,5", "∞"]


@settings(max_examples=80, deadline=None)
@given(name=st.sampled_from(list(MINI)), data=st.data())
def test_anchors_aliases_and_odd_numbers_in_real_files(name, data):
    """Anchors and aliases (loops included) and non-finite numbers put into real files."""
    lines = MINI[name].splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        if ":" not in line:
            continue
        key = line.partition(":")[0]
        new = data.draw(st.sampled_from(["&a", "*a", "&a\n" + " " * (len(key) - len(key.lstrip()) + 2) + "x: *a",
                                         *NUMBERS, '"' + data.draw(st.sampled_from(NUMBERS)) + '"']))
        lines[at] = f"{key}: {new}\n"
    _load({name: "".join(lines)})


def _cell_values():
    return st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=False,
                     allow_infinity=False), st.text(max_size=15), st.sampled_from(NUMBERS),
                     st.datetimes().map(lambda d: d.replace(microsecond=0)), st.sampled_from(["=1/0", "#N/A"]))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_cells_in_the_workbook(data):
    """Any value in any cell of the demo workbook: located sheet!cell errors, never a traceback."""
    import shutil

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    from conftest import DEMO_XLSX

    with tempfile.TemporaryDirectory() as tmp:
        root = shutil.copytree(DEMO_XLSX, Path(tmp) / "x")
        book = load_workbook(root / "qualikit.xlsx")
        for _ in range(data.draw(st.integers(1, 6))):
            sheet = book[data.draw(st.sampled_from([n for n in book.sheetnames if n != "Listes"]))]
            row = data.draw(st.integers(1, max(2, min(sheet.max_row + 1, 30))))
            col = data.draw(st.integers(1, max(1, sheet.max_column)))
            value = data.draw(_cell_values())
            try:
                sheet.cell(row, col).value = value
            except (ValueError, IllegalCharacterError):  # openpyxl refuses some characters, as Excel would
                continue
        book.save(root / "qualikit.xlsx")
        loaded = load_project(root, use_cache=False)
        for d in loaded.report.items:
            assert located(d), d.format()


SCORES = st.one_of(st.sampled_from([*NUMBERS, "5", "4 - Bien", "", "oui", "A1", "=1+1", "12"]),
                   st.text(max_size=8), st.integers(-5, 15).map(str), st.floats().map(str))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(st.sampled_from(["ana", "paul", "inconnu"]), SCORES, SCORES, SCORES), max_size=6))
def test_survey_imports_with_any_scores(rows):
    """Any scores: every problem on its line, and no NaN or infinity among the answers to journal."""
    from qualikit.base.tokens import survey_token
    from qualikit.quality.surveys.importer import parse_answers

    secret = b"fuzz-secret-0123456789abcdef0123"
    tokens = {survey_token(secret, "chaud", "S1", who): ("chaud", "S1", who) for who in ("ana", "paul")}
    by_name = {who: tok for tok, (_, _, who) in tokens.items()}
    text = "Horodateur;Jeton;Accueil;Contenu;NPS\n" + "".join(
        f"12/01/2026 14:0{n};{by_name.get(who, 'x' * 26)};{a};{b};{c}\n".replace("\r", "")
        for n, (who, *scores) in enumerate(rows) for a, b, c in [[s.replace(";", ",").replace("\n", " ")
                                                                  .replace('"', "") for s in scores]])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        path.write_text(text, encoding="utf-8")
        result = parse_answers(path, tokens, survey="chaud")
        for d in result.report.items:
            assert d.loc.file == "export.csv" and (d.loc.line is not None or d.loc.sheet is not None), d.format()
        for answer in result.answers:
            for value in answer.values.values():
                assert not (isinstance(value, float) and value != value)  # never a NaN to journal
                assert str(value).lower().lstrip("+-") not in ("nan", "inf", "infinity", "snan")
