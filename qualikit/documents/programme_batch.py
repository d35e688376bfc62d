"""A catalogue's programme sheets, PDF and HTML page, rendered in one batch: on every core when
the catalogue is large (`base/batch.py`), in the catalogue's order, so the caller writes and
journals them exactly as one process would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from qualikit.journey.facts import Journey
from qualikit.project.model import Programme, Project


def render_programme_sheets(project: Project, root: Path, items: list[tuple[Programme, date]],
                            journey: Journey | None = None, *, html: bool = False,
                            workers: int | None = None) -> Iterator[tuple[bytes, str | None]]:
    """(PDF, HTML page or None) for each (programme, day of issue), in order (`workers` None: one
    process per core, none for a few programmes)."""
    from qualikit.base.batch import ordered

    return ordered(_render_one, (project, root, journey, html), items, workers=workers)


def _render_one(context: tuple, item: tuple[Programme, date]) -> tuple[bytes, str | None]:
    from qualikit.documents.programme_sheet import render_programme_sheet

    project, root, journey, html = context
    programme, issued_on = item
    pdf = render_programme_sheet(project, programme, root, issued_on, journey)
    if not html:
        return pdf, None
    from qualikit.documents.programme_html import render_programme_html

    return pdf, render_programme_html(project, programme, issued_on, journey)
