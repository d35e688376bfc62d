"""YAML project → workbook project, for trainers who would rather work in Excel."""

from __future__ import annotations

import shutil
from pathlib import Path

from qualikit.base.diagnostics import Location, Report
from qualikit.project.load import read_tables
from qualikit.project.load.schema import WORKBOOK, YAML_FILES


def to_workbook(src: Path, dest: Path) -> Report:
    """Write dest/qualikit.xlsx from src's YAML files and copy everything else of the folder beside it
    (assets, templates, the registers and their pieces, the journal and its key, what was issued):
    the same project in the other form, checked the same.

    Refuses (the report says why) when src cannot be read whole or dest already holds a project;
    values a parser rejects are written as they were, so `check` then points at them in the workbook.
    """
    from qualikit.project.xlsx_write import write_workbook

    report = Report()
    tables, form, complete = read_tables(src, report)
    if tables is None or not complete:
        return report
    if form != "yaml":
        report.error(Location(str(src)), "le projet source doit être au format YAML")
        return report
    if (dest / WORKBOOK).exists() or (dest / "organisation.yaml").exists():
        report.error(Location(str(dest)), "le dossier de destination contient déjà un projet")
        return report
    dest.mkdir(parents=True, exist_ok=True)
    for entry in sorted(src.iterdir()):
        if entry.name in YAML_FILES or entry.resolve() == dest.resolve():
            continue
        if entry.is_dir():
            shutil.copytree(entry, dest / entry.name, dirs_exist_ok=True)
        elif entry.is_file():
            shutil.copy2(entry, dest / entry.name)
    write_workbook(dest / WORKBOOK, tables)
    return report
