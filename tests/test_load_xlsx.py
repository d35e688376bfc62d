"""The workbook form: same model as YAML, located sheet!cell messages."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest
from openpyxl import load_workbook

from conftest import DEMO, DEMO_XLSX
from qualikit.project.load import load_project


def test_both_demo_forms_give_the_same_model():
    from_yaml, from_xlsx = load_project(DEMO), load_project(DEMO_XLSX)
    assert from_yaml.report.items == [] and from_xlsx.report.items == []
    assert (from_yaml.form, from_xlsx.form) == ("yaml", "xlsx")
    assert from_xlsx.project == from_yaml.project
    p = from_xlsx.project
    assert len(p.learners) >= 20 and len(p.sessions) >= 4 and p.attendance and p.evaluations


@pytest.fixture
def book(tmp_path):
    dest = tmp_path / "classeur"
    shutil.copytree(DEMO_XLSX, dest)
    path = dest / "qualikit.xlsx"
    wb = load_workbook(path)
    yield wb
    wb.save(path)


def errors_after(tmp_path, book, change) -> list[str]:
    change(book)
    book.save(tmp_path / "classeur" / "qualikit.xlsx")
    return [d.format() for d in load_project(tmp_path / "classeur").report.items if d.level.value == "erreur"]


def header(ws, label) -> int:
    return next(c.column for c in ws[1] if c.value == label)


def test_bad_cells_are_located(tmp_path, book):
    def change(wb):
        ws = wb["Apprenants"]
        ws.cell(3, header(ws, "E-mail")).value = "pas-un-email"
        days = wb["Journées"]
        days.cell(2, header(days, "Date")).value = "31/02/2026"
        days.cell(3, header(days, "Matin")).value = datetime(2026, 1, 1)
    errors = errors_after(tmp_path, book, change)
    assert any(e.startswith("qualikit.xlsx:Apprenants!E3: email\u00a0: «\u00a0pas-un-email\u00a0»")
               for e in errors), errors
    assert any(e.startswith("qualikit.xlsx:Journées!B2: date\u00a0: «\u00a031/02/2026\u00a0» n'existe pas")
               for e in errors)
    assert any(e.startswith("qualikit.xlsx:Journées!C3: matin\u00a0:") for e in errors)


def test_missing_column_unknown_reference_duplicate_id(tmp_path, book):
    def change(wb):
        wb["Apprenants"].delete_cols(header(wb["Apprenants"], "Nom"))
        ws = wb["Sessions"]
        ws.cell(2, header(ws, "Programme")).value = "inconnu"
        ws.cell(3, header(ws, "Identifiant")).value = ws.cell(2, header(ws, "Identifiant")).value
    errors = errors_after(tmp_path, book, change)
    assert any(e.startswith("qualikit.xlsx:Apprenants!A1: colonne «\u00a0Nom\u00a0» manquante") for e in errors), errors
    assert any(e.startswith("qualikit.xlsx:Sessions!A3: id\u00a0: identifiant") and "déjà utilisé" in e for e in errors)
    assert any("programme «\u00a0inconnu\u00a0» inconnu" in e for e in errors)


def test_extra_sheets_and_blank_rows_are_harmless(tmp_path, book):
    def change(wb):
        wb.create_sheet("Mes notes")["A1"] = "à ne pas lire"
        ws = wb["Apprenants"]
        ws.insert_rows(3, amount=2)
        ws.cell(ws.max_row + 3, 1).value = None
    errors = errors_after(tmp_path, book, change)
    assert errors == []
    loaded = load_project(tmp_path / "classeur")
    assert any("Mes notes" in d.format() and "ignorée" in d.message for d in loaded.report.warnings)
    assert loaded.project == load_project(DEMO).project


def test_not_a_workbook(tmp_path):
    (tmp_path / "qualikit.xlsx").write_bytes(b"ceci n'est pas un classeur")
    errors = [d.format() for d in load_project(tmp_path).report.errors]
    assert errors[0].startswith("qualikit.xlsx: classeur illisible")


def test_an_entity_bomb_in_a_workbook_expands_nothing(tmp_path):
    """A « billion laughs » DTD in the shared strings: read in a blink, no cell grows."""
    import zipfile

    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    dtd = f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>'
    (tmp_path / "p").mkdir()
    with zipfile.ZipFile(DEMO_XLSX / "qualikit.xlsx") as src, \
            zipfile.ZipFile(tmp_path / "p" / "qualikit.xlsx", "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                text = data.decode().split("?>", 1)[-1].replace("<t>", "<t>&lol9;")
                data = (dtd + text).encode()
            dst.writestr(info, data)
    loaded = load_project(tmp_path / "p", use_cache=False)
    project = loaded.project
    assert project is None or all(len(lr.full_name) < 1000 for lr in project.learners)
    assert all(len(d.format()) < 2000 for d in loaded.report.items)


def test_both_forms_in_one_folder_is_refused(tmp_path):
    shutil.copytree(DEMO, tmp_path / "p")
    shutil.copy(DEMO_XLSX / "qualikit.xlsx", tmp_path / "p")
    errors = [d.format() for d in load_project(tmp_path / "p").report.errors]
    assert "gardez une seule forme" in errors[0]
