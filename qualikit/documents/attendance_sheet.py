"""Feuille d'émargement: one signature per learner per half-day, plus the trainer's.

Each page stands on its own (pages get separated once signed): training title, dates,
place and trainer, then a grid for a group of days. One day fits an A4 portrait page;
longer sessions go landscape with up to MAX_HALVES half-day columns per page.

A learner who dropped out (status « abandon ») gets « abandon » instead of a box from
their drop-out date on; one who withdrew before the first day is left off the sheet.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from qualikit.base.frdates import hours, long_date, time_range
from qualikit.documents.pdf_common import (
    INK,
    PAPER,
    RULE,
    SHADE,
    TEAL,
    TEAL_LIGHT,
    build_pdf,
    content_width,
    css,
    esc,
    link,
    para,
    prose,
    styles,
)
from qualikit.project.model import Day, Enrolment, HalfDay, Learner, Programme, Project, Session, Status

MAX_HALVES = 6  # half-day columns on a landscape page (≈ 3.7 cm each to sign in)
ROW_HEIGHT = 36  # points: room for a signature
HALF_LABEL = {HalfDay.MATIN: "Matin", HalfDay.APRES_MIDI: "Après-midi"}


def render_attendance_sheet(project: Project, session: Session, root: Path) -> bytes:
    """The session's attendance sheet, as PDF bytes."""
    from reportlab.platypus import PageBreak

    programme = project.programme(session.programme_id) or Programme(id=session.programme_id,
                                                                       title=session.programme_id)
    days = sorted(session.days, key=lambda d: d.date)
    landscape = sum(len(d.halves()) for d in days) > 2
    rows = _rows(project, session)
    story: list = []
    groups = _groups(days, MAX_HALVES if landscape else 2)
    for n, group in enumerate(groups):
        if n:
            story.append(PageBreak())
        story.extend(_page(project, session, programme, group, rows, landscape))
    return build_pdf(
        story, organisation=project.organisation, root=root, doc_label="Feuille d'émargement",
        title=f"Feuille d'émargement – {programme.title}", subject=_span(session), landscape=landscape,
    )


def _span(session: Session) -> str:
    if session.start == session.end:
        return f"le {long_date(session.start)}"
    return f"du {long_date(session.start)} au {long_date(session.end)}"


def _groups(days: list[Day], max_halves: int) -> list[list[Day]]:
    """Consecutive days packed onto pages, at most max_halves half-day columns each."""
    groups: list[list[Day]] = []
    used = max_halves
    for day in days:
        need = max(len(day.halves()), 1)
        if used + need > max_halves:
            groups.append([])
            used = 0
        groups[-1].append(day)
        used += need
    return groups


def _sort_key(learner: Learner) -> tuple[str, str]:
    def fold(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))

    return fold(learner.last_name), fold(learner.first_name)


def _rows(project: Project, session: Session) -> list[tuple[Learner, Enrolment]]:
    rows = []
    for enrolment in session.enrolments:
        if (enrolment.status is Status.ABANDON and enrolment.dropout_date is not None
                and session.days and enrolment.dropout_date < session.start):
            continue  # withdrew before the first day: not expected to sign
        learner = project.learner(enrolment.learner_id) or Learner(
            id=enrolment.learner_id, last_name=enrolment.learner_id, first_name="", email="")
        rows.append((learner, enrolment))
    return sorted(rows, key=lambda r: _sort_key(r[0]))


def dropped_by(enrolment: Enrolment, day: Day) -> bool:
    if enrolment.status is not Status.ABANDON:
        return False
    return enrolment.dropout_date is None or enrolment.dropout_date <= day.date


def _page(project: Project, session: Session, programme: Programme, group: list[Day],
          rows: list[tuple[Learner, Enrolment]], landscape: bool) -> list:
    from reportlab.platypus import Spacer

    st = styles()
    width = content_width(landscape)
    trainer = project.trainer(session.trainer_id) if session.trainer_id else None
    out = [para(prose("Feuille d'émargement").upper(), st.kicker), para(prose(programme.title), st.title)]
    info = [("Dates", esc(_span(session).capitalize())),
            ("Durée", esc(hours(session.planned_hours)))]
    if session.place:
        info.append(("Lieu", prose(session.place)))
    if session.distance_link:
        info.append(("À distance", link(session.distance_link)))
    info.append(("Formation animée par", esc(trainer.name) if trainer else "……………………………………"))
    if session.client:
        info.append(("Entreprise cliente", prose(session.client)))
    info.append(("Session", esc(session.id)))
    out.append(_info_table(info, width, landscape))
    out.append(Spacer(1, 6))
    out.append(para(prose("Une signature par demi-journée de présence, à l'arrivée. La personne qui anime la "
                          "formation signe chaque demi-journée et inscrit « absent » dans la case d'une personne "
                          "absente."), st.body_small))
    out.append(_grid(group, rows, trainer.name if trainer else None, width))
    return out


def _info_table(info: list[tuple[str, str]], width: float, landscape: bool):
    from reportlab.platypus import Table, TableStyle

    st = styles()
    cells = [(para(prose(label), st.cell_bold), para(value, st.cell)) for label, value in info]
    if landscape:  # two label/value pairs per row
        if len(cells) % 2:
            cells.append(("", ""))
        data = [[*cells[i], *cells[i + 1]] for i in range(0, len(cells), 2)]
        widths = [0.10 * width, 0.44 * width, 0.19 * width, 0.27 * width]
    else:
        data = [list(c) for c in cells]
        widths = [0.28 * width, 0.72 * width]
    table = Table(data, colWidths=widths)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), TEAL_LIGHT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 7),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, 0), 6),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
    ]))
    return table


def _grid(group: list[Day], rows: list[tuple[Learner, Enrolment]], trainer_name: str | None, width: float):
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Table, TableStyle

    st = styles()
    head_c = ParagraphStyle("qk-grid-head", parent=st.cell_head, alignment=TA_CENTER)
    sub_c = ParagraphStyle("qk-grid-sub", parent=st.cell_bold, alignment=TA_CENTER, fontSize=8, leading=10,
                           textColor=TEAL)
    gone = ParagraphStyle("qk-grid-gone", parent=st.cell_small, alignment=TA_CENTER)
    columns = [(day, half, span) for day in group for half, span in day.halves()]
    empty_days = [day for day in group if not day.halves()]
    name_w = min(0.30 * width, 190.0)
    col_w = (width - name_w) / max(len(columns), 1)

    top = [para(prose("Participant·e"), st.cell_head)]
    sub = [""]
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), TEAL),
        ("BACKGROUND", (1, 1), (-1, 1), TEAL_LIGHT),
        ("BACKGROUND", (0, 1), (0, 1), TEAL),
        ("SPAN", (0, 0), (0, 1)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 1), (-1, -1), 0.6, RULE),
        ("BOX", (0, 0), (-1, -1), 0.8, TEAL),
        ("TOPPADDING", (0, 0), (-1, 1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, 1), 4),
    ]
    col = 1
    for day in group:
        halves = day.halves()
        if not halves:
            continue
        top.append(para(esc(long_date(day.date)), head_c))
        top.extend([""] * (len(halves) - 1))
        if len(halves) > 1:
            commands.append(("SPAN", (col, 0), (col + len(halves) - 1, 0)))
        commands.append(("LINEBEFORE", (col, 0), (col, -1), 0.8, TEAL))
        for half, span in halves:
            sub.append(para(f"{esc(HALF_LABEL[half])}<br/>"
                            f'<font name="{st.cell.fontName}" size="7.5" color="{css(INK)}">'
                            f"{esc(time_range(span))}</font>",
                            sub_c))
        col += len(halves)

    data = [top, sub]
    for learner, enrolment in rows:
        company = enrolment.company or learner.company
        name = f"{esc(learner.first_name)} <b>{esc(learner.last_name)}</b>".strip()
        cell = [para(name, st.cell)]
        if company:
            cell.append(para(prose(company), st.cell_small))
        line = [cell]
        r = len(data)
        for c, (day, _half, _span) in enumerate(columns, start=1):
            if dropped_by(enrolment, day):
                line.append(para(prose("abandon"), gone))
                commands.append(("BACKGROUND", (c, r), (c, r), SHADE))
            else:
                line.append("")
        data.append(line)
    trainer_cell = [para(prose("Formation animée par"), st.cell_small),
                    para(f"<b>{esc(trainer_name)}</b>" if trainer_name else "……………………", st.cell)]
    data.append([trainer_cell] + [""] * len(columns))
    commands += [
        ("BACKGROUND", (0, -1), (-1, -1), PAPER),
        ("LINEABOVE", (0, -1), (-1, -1), 1.2, TEAL),
    ]
    heights = [None, None] + [ROW_HEIGHT] * (len(data) - 2)
    table = Table(data, colWidths=[name_w] + [col_w] * len(columns), rowHeights=heights, repeatRows=2)
    table.setStyle(TableStyle(commands))
    if empty_days:  # a day without hours cannot be signed; say so rather than drop it silently
        from reportlab.platypus import KeepTogether

        note = para(prose("Journée sans horaires renseignés : ") + ", ".join(esc(long_date(d.date))
                                                                          for d in empty_days), st.body_small)
        return KeepTogether([table, note])
    return table
