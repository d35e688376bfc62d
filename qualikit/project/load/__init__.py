"""Reading a project folder: files → located tables → model, problems as values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qualikit.base.diagnostics import Location, Report
from qualikit.project.load.build import build_project
from qualikit.project.load.schema import WORKBOOK, YAML_FILES
from qualikit.project.load.tables import Tables
from qualikit.project.model import Project


@dataclass
class Loaded:
    project: Project | None  # None when the organisation itself could not be read
    report: Report
    form: str  # "yaml" or "xlsx"


def project_form(root: Path) -> str | None:
    has_yaml = any((root / name).is_file() for name in YAML_FILES)
    has_xlsx = (root / WORKBOOK).is_file()
    if has_xlsx and has_yaml:
        return "both"
    return "xlsx" if has_xlsx else "yaml" if has_yaml else None


def read_tables(root: Path, report: Report) -> tuple[Tables | None, str, bool]:
    """The tables, the project's form, and whether every file could be read."""
    form = project_form(root)
    if not root.is_dir():
        report.error(Location(str(root)), "dossier de projet introuvable")
        return None, "?", False
    if form is None:
        report.error(Location(str(root)), "ce dossier n'est pas un projet qualikit (ni organisation.yaml ni "
                     f"{WORKBOOK}) ; créez-en un avec « qualikit init »")
        return None, "?", False
    if form == "both":
        report.error(Location(WORKBOOK), "le projet contient à la fois des fichiers YAML et un classeur : "
                     "gardez une seule forme (déplacez l'une des deux dans un autre dossier)")
        return None, form, False
    if form == "xlsx":
        from qualikit.project.load.xlsx_source import read_xlsx_project

        errors = len(report.errors)
        tables = read_xlsx_project(root / WORKBOOK, report)
        return tables, form, not any(e.loc.sheet is None for e in report.errors[errors:])
    from qualikit.project.load.yaml_source import read_yaml_project

    tables, complete = read_yaml_project(root, report)
    return tables, form, complete


def declared_ids(tables: Tables) -> dict[str, set[str]]:
    return {name: {str(row.cells["id"].value) for row in rows if "id" in row.cells}
            for name, rows in tables.items()}


def load_project(root: Path, use_cache: bool = True) -> Loaded:
    """Load and check a project; never raises for bad user data."""
    from qualikit.project.load import cache

    key = cache.fingerprint(root) if use_cache and root.is_dir() else None
    if key is not None and (hit := cache.read(root, key)) is not None:
        return hit
    loaded = _load(root)
    if key is not None and loaded.form in ("yaml", "xlsx"):
        cache.write(root, key, loaded)
    return loaded


def _load(root: Path) -> Loaded:
    from qualikit.base.gcpause import paused
    from qualikit.project.checks import Context, run_checks

    report = Report()
    with paused():  # a few hundred thousand objects, no cycle: the collector would cost more than the read
        tables, form, complete = read_tables(root, report)
        project = build_project(tables, report) if tables is not None else None
        if project is not None and complete:
            run_checks(project, Context(root, declared_ids(tables)), report)
    return Loaded(project, report, form)
