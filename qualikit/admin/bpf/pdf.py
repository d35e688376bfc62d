"""The BPF worksheet as a PDF: every frame of cerfa 10443 in the form's order, then the notes on
how figures were estimated and, last, the points to check before filing on Mon Activité Formation."""

from __future__ import annotations

import re
from pathlib import Path

from qualikit.admin.bpf import FRAMES, Bpf, bpf_lines, format_value
from qualikit.base.frdates import short_date
from qualikit.documents.pdf_common import (
    ACCENT,
    ACCENT_LIGHT,
    RULE,
    SHADE,
    box,
    build_pdf,
    bullet_list,
    content_width,
    para,
    prose,
    styles,
)
from qualikit.project.model import Project


def render_bpf_pdf(project: Project, bpf: Bpf, root: Path) -> bytes:
    """The worksheet as PDF bytes (byte-stable for the same input)."""
    from reportlab.platypus import KeepTogether, Table, TableStyle

    st = styles()
    width = content_width()
    story: list = [
        para(prose("Document de travail – cerfa 10443"), st.kicker),
        para(prose(f"Bilan pédagogique et financier {bpf.year}"), st.title),
        para(prose(f"Exercice du {short_date(bpf.start)} au {short_date(bpf.end)}. À reporter sur "
                   "Mon Activité Formation : ce document n'est pas le formulaire officiel."), st.lead),
    ]
    frames: dict[str, list] = {}
    for line in bpf_lines(bpf):
        frames.setdefault(line.frame, []).append(line)
    for frame, lines in frames.items():
        rows, commands = [], [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        for i, line in enumerate(lines):
            label_style = st.cell_bold if (line.total or line.heading) else st.cell
            value = format_value(line)
            rows.append([para(prose(line.label), label_style), para(prose(value), label_style)])
            if line.total:
                commands.append(("BACKGROUND", (0, i), (-1, i), SHADE))
            if _sub_line(line):
                commands.append(("LEFTPADDING", (0, i), (0, i), 16))
        table = Table(rows, colWidths=[0.64 * width, 0.36 * width])
        table.setStyle(TableStyle(commands))
        story.append(KeepTogether([para(prose(FRAMES[frame]), st.h2), table]))

    if bpf.notes:
        story.append(para(prose("Comment les chiffres ont été établis"), st.h2))
        story.extend(bullet_list(bpf.notes))
    story.append(para(prose("Points à vérifier avant le dépôt"), st.h2))
    if bpf.problems:
        story.append(box(bullet_list(bpf.problems), width=width, background=ACCENT_LIGHT, border=ACCENT))
    else:
        story.append(para(prose("Aucune donnée manquante ou incohérente relevée."), st.body))
    return build_pdf(story, organisation=project.organisation, root=root,
                     doc_label=f"Bilan pédagogique et financier {bpf.year}",
                     title=f"Bilan pédagogique et financier {bpf.year}",
                     subject=f"Exercice du {short_date(bpf.start)} au {short_date(bpf.end)}")


def _sub_line(line) -> bool:
    """Lines the form indents: the « dont … » lines, and in frame C lines 2 a to h and 4 to 8 (under
    their heading)."""
    return line.label.startswith("dont ") or (line.frame == "C" and re.match(r"[a-h4-8]\. ", line.label) is not None)
