"""The attendance sheet of one half-day as signed in the room: every learner's signature, drawn from
the strokes they traced, with its time; absences, late arrivals and early departures with theirs; the
trainer's signature last. Data in, bytes out; the job seals it (PAdES) and journals it.

Signatures are vector strokes (the pad sends its points): they are drawn as PDF paths, exact at
any zoom, and need no image library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from qualikit.base.frdates import long_date, time_range
from qualikit.documents.pdf_common import (
    INK,
    RULE,
    SHADE,
    TEAL,
    TEAL_LIGHT,
    build_pdf,
    content_width,
    esc,
    para,
    prose,
    styles,
)
from qualikit.project.model import HalfDay, Project, Session

MAX_STROKES, MAX_POINTS = 200, 6000


@dataclass(frozen=True)
class Line:
    """One row of the sheet."""

    name: str  # « Alice Martin »
    state: str  # « présente », « absent », « retard 9 h 40 »…
    at: str  # the time of the signature or mark, « 9 h 02 »
    strokes: dict | None  # the signature as traced ({"w", "h", "strokes"}), None when unsigned or by code
    device: str = ""
    by_code: bool = False  # signed at a distance with the learner's personal code, no drawing


def parse_strokes(text: str) -> dict | None:
    """The pad's JSON checked: {"w": >0, "h": >0, "strokes": [[[x, y], …], …]} within bounds, else None."""
    try:
        data = json.loads(text)
        w, h, strokes = float(data["w"]), float(data["h"]), data["strokes"]
    except (ValueError, KeyError, TypeError):
        return None
    if not (0 < w <= 4000 and 0 < h <= 4000) or not isinstance(strokes, list) or not 0 < len(strokes) <= MAX_STROKES:
        return None
    out, total = [], 0
    for stroke in strokes:
        if not isinstance(stroke, list) or not stroke:
            return None
        points = []
        for p in stroke:
            if (not isinstance(p, list) or len(p) != 2
                    or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in p)):
                return None
            points.append([round(min(max(float(p[0]), 0.0), w), 1), round(min(max(float(p[1]), 0.0), h), 1)])
        total += len(points)
        out.append(points)
    if total > MAX_POINTS or total < 2:
        return None
    return {"w": round(w, 1), "h": round(h, 1), "strokes": out}


def signature_drawing(strokes: dict, width: float, height: float):
    """A flowable drawing the traced signature as one PDF path, scaled into width × height points (plain
    canvas paths: a reportlab Drawing would bring an unembedded Helvetica along)."""
    from reportlab.platypus import Flowable

    scale = min(width / strokes["w"], height / strokes["h"])

    class Trace(Flowable):
        def wrap(self, available_width, available_height):
            return width, height

        def draw(self):
            c = self.canv
            c.saveState()
            c.setStrokeColor(INK)
            c.setLineWidth(1.1)
            c.setLineCap(1)
            c.setLineJoin(1)
            path = c.beginPath()
            for stroke in strokes["strokes"]:
                pts = stroke if len(stroke) > 1 else [stroke[0], [stroke[0][0] + 0.5, stroke[0][1]]]
                path.moveTo(pts[0][0] * scale, height - pts[0][1] * scale)
                for x, y in pts[1:]:
                    path.lineTo(x * scale, height - y * scale)
            c.drawPath(path, stroke=1, fill=0)
            c.restoreState()

    return Trace()


def render_signed_sheet(project: Project, session: Session, day, half: HalfDay, lines: list[Line],
                        trainer: Line, root: Path, code_text: str) -> bytes:
    """The sealed sheet's PDF (before its PAdES signature)."""
    from reportlab.platypus import Spacer, Table, TableStyle

    st = styles()
    width = content_width(False)
    programme = project.programme(session.programme_id)
    title = programme.title if programme else session.programme_id
    span = next((s for d in session.days if d.date == day for h, s in d.halves() if h is half), None)
    story = [para(prose("Feuille d'émargement signée").upper(), st.kicker), para(prose(title), st.title)]
    info = [("Demi-journée", esc(f"{long_date(day)}, {half.value}" + (f" ({time_range(span)})" if span else ""))),
            ("Session", esc(session.id))]
    if session.place:
        info.append(("Lieu", prose(session.place)))
    info.append(("Vérification", esc(code_text)))
    facts = Table([[para(prose(k), st.cell_bold), para(v, st.cell)] for k, v in info],
                  colWidths=[0.25 * width, 0.75 * width])
    facts.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), TEAL_LIGHT), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [facts, Spacer(1, 6),
              para(prose("Signatures recueillies électroniquement dans la salle (à distance : par lien ou code "
                         "personnel) ; chaque heure est celle de l'ordinateur de la formation, heure de Paris. "
                         "Chaque signature est journalisée et chaînée à la précédente ; la feuille est scellée par "
                         "l'organisme."),
                   st.body_small)]
    name_w, state_w, at_w = 0.30 * width, 0.22 * width, 0.12 * width
    sig_w = width - name_w - state_w - at_w
    data = [[para(prose(h), st.cell_head) for h in ("Participant·e", "Présence", "Heure", "Signature")]]
    commands = [("BACKGROUND", (0, 0), (-1, 0), TEAL), ("GRID", (0, 0), (-1, -1), 0.6, RULE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BOX", (0, 0), (-1, -1), 0.8, TEAL)]
    for n, line in enumerate([*lines, trainer], start=1):
        sig = (signature_drawing(line.strokes, sig_w - 8, 34) if line.strokes else
               para(prose("code personnel saisi" if line.by_code else "—"), st.cell_small))
        name = [para(esc(line.name), st.cell)]
        if line.device:
            name.append(para(esc(line.device), st.cell_small))
        data.append([name, para(prose(line.state), st.cell), para(prose(line.at), st.cell), sig])
        if line.strokes is None and not line.by_code:
            commands.append(("BACKGROUND", (0, n), (-1, n), SHADE))
    commands.append(("LINEABOVE", (0, -1), (-1, -1), 1.2, TEAL))
    table = Table(data, colWidths=[name_w, state_w, at_w, sig_w], repeatRows=1)
    table.setStyle(TableStyle(commands))
    story.append(table)
    return build_pdf(story, organisation=project.organisation, root=root, doc_label="Feuille d'émargement signée",
                     title=f"Feuille d'émargement signée – {title}", subject=f"{session.id}, {day.isoformat()} "
                                                                              f"{half.value}")
