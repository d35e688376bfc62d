"""Shared reportlab set-up for qualikit's PDFs: fonts, styles, letterhead, safe markup.

Every page carries the provider's header (logo and name) and its identity in the footer
(raison sociale, address, SIRET, activity declaration) with « n / N ». Documents are built
with invariant=1, so the same input gives the same bytes.

Markup rule: reportlab's Paragraph parses a small XML dialect, so every piece of user text
goes through `esc()` (data shown as is: names, e-mails) or `prose()` (French typography,
then escaping). A narrow no-break space (U+202F) is a line-break opportunity for platypus,
so `para()` draws it as a smaller U+00A0 of the same width that never breaks.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path

from qualikit.model import Organisation
from qualikit.resources import font
from qualikit.typography import NBSP, NNBSP, fr

FONT = "QualikitSans"
FONT_BOLD = "QualikitSans-Bold"

# Colours: a calm teal for structure, a warm accent, greys for the small print.
INK = "#1f2933"
TEAL = "#165e6e"
TEAL_LIGHT = "#e8f1f3"
ACCENT = "#d65f43"
ACCENT_LIGHT = "#fbece8"
GREY = "#5f6b76"
RULE = "#c9d3d8"

_NNBSP_RATIO = 0.628  # width of U+202F / width of U+00A0 in DejaVu Sans (0.1997 / 0.3179 em)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINKABLE = re.compile(r"^(?:https?://|mailto:)\S+$", re.IGNORECASE)


@cache
def register_fonts() -> None:
    """Register the bundled DejaVu fonts once per process (embedded as subsets)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT, str(font("DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(font("DejaVuSans-Bold.ttf"))))
    # <b> and <i> inside paragraphs: DejaVu Sans has no italic here, so italic stays upright.
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)


# --- markup ---------------------------------------------------------------------------------

def esc(text: object) -> str:
    """User data as Paragraph markup, shown exactly (no typography)."""
    value = _CONTROL.sub("", str(text))
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def prose(text: object) -> str:
    """User or fixed prose as Paragraph markup, with French typography."""
    return esc(fr(str(text)))


def link(url: str, label: str | None = None) -> str:
    """A clickable link when the URL is http(s) or mailto, plain text otherwise."""
    shown = esc(label if label is not None else url)
    if not _LINKABLE.match(url.strip()):
        return shown
    href = esc(url.strip()).replace('"', "&quot;")
    return f'<a href="{href}" color="{TEAL}">{shown}</a>'


def mail(address: str) -> str:
    return link(f"mailto:{address}", address) if "@" in address and " " not in address.strip() else esc(address)


def nnbsp_markup(markup: str, size: float) -> str:
    """Replace U+202F by an unbreakable U+00A0 set small enough to have U+202F's width."""
    if NNBSP not in markup:
        return markup
    return markup.replace(NNBSP, f'<font size="{size * _NNBSP_RATIO:.2f}">{NBSP}</font>')


def para(markup: str, style):
    from reportlab.platypus import Paragraph

    return Paragraph(nnbsp_markup(markup, style.fontSize), style)


def de(name: str) -> str:
    """French elision: « de Bretagne », « d’Auvergne-Rhône-Alpes »."""
    return ("d’" if name[:1].lower() in "aeiouyàâéèêëîïôöûüœ" and name else "de ") + name


def format_siret(siret: str) -> str:
    digits = siret.replace(" ", "").replace(NBSP, "")
    if len(digits) == 14 and digits.isdigit():
        return NBSP.join((digits[:3], digits[3:6], digits[6:9], digits[9:]))
    return siret


# --- styles ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Styles:
    body: object
    body_small: object
    lead: object
    kicker: object
    title: object
    h2: object
    h3: object
    bullet: object
    cell: object
    cell_bold: object
    cell_small: object
    cell_head: object
    footer: object
    box_title: object


@cache
def styles() -> Styles:
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    base = ParagraphStyle("qk-body", fontName=FONT, fontSize=9, leading=12.8, textColor=INK,
                          alignment=TA_LEFT, spaceAfter=4, splitLongWords=1, uriWasteReduce=0.3,
                          allowWidows=0, allowOrphans=0)

    def derive(name, **kw):
        return ParagraphStyle(name, parent=base, **kw)

    return Styles(
        body=base,
        body_small=derive("qk-body-small", fontSize=8.5, leading=11.5, textColor=GREY),
        lead=derive("qk-lead", fontSize=10.5, leading=14, spaceAfter=5),
        kicker=derive("qk-kicker", fontName=FONT_BOLD, fontSize=8.5, leading=11, textColor=ACCENT, spaceAfter=2),
        title=derive("qk-title", fontName=FONT_BOLD, fontSize=18, leading=22.5, textColor=TEAL, spaceAfter=8),
        h2=derive("qk-h2", fontName=FONT_BOLD, fontSize=12, leading=15, textColor=TEAL, spaceBefore=9,
                  spaceAfter=4, keepWithNext=1),
        h3=derive("qk-h3", fontName=FONT_BOLD, fontSize=9, leading=12.5, spaceBefore=4, spaceAfter=2,
                  keepWithNext=1),
        bullet=derive("qk-bullet", leftIndent=13, bulletIndent=2, spaceAfter=2, bulletFontName=FONT,
                      bulletColor=TEAL),
        cell=derive("qk-cell", fontSize=9, leading=12, spaceAfter=0),
        cell_bold=derive("qk-cell-bold", fontName=FONT_BOLD, fontSize=9, leading=12, spaceAfter=0),
        cell_small=derive("qk-cell-small", fontSize=7.5, leading=9.5, textColor=GREY, spaceAfter=0),
        cell_head=derive("qk-cell-head", fontName=FONT_BOLD, fontSize=8.5, leading=11, textColor="#ffffff",
                         spaceAfter=0),
        footer=derive("qk-footer", fontSize=7, leading=9, textColor=GREY, spaceAfter=0),
        box_title=derive("qk-box-title", fontName=FONT_BOLD, fontSize=10.5, leading=14, textColor=TEAL,
                         spaceAfter=3),
    )


def bullet_list(items, *, markup=prose, numbered: bool = False) -> list:
    """One Paragraph per item, with « • » or « 1. » hanging in the margin."""
    from reportlab.platypus import Paragraph

    st = styles().bullet
    out = []
    for n, item in enumerate(items, start=1):
        out.append(Paragraph(nnbsp_markup(markup(item), st.fontSize), st,
                             bulletText=f"{n}." if numbered else "•"))
    return out


def box(flowables, *, width: float, background: str = TEAL_LIGHT, border: str | None = None, padding: float = 9):
    """A tinted panel around some flowables (a one-cell table)."""
    from reportlab.platypus import Table, TableStyle

    table = Table([[flowables]], colWidths=[width])
    commands = [
        ("BACKGROUND", (0, 0), (-1, -1), background),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding - 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding - 2),
    ]
    if border:
        commands.append(("LINEBEFORE", (0, 0), (0, -1), 3, border))
    table.setStyle(TableStyle(commands))
    return table


# --- images ---------------------------------------------------------------------------------

_MAX_LOGO_PIXELS = 900  # longest side kept in the PDF: sharp at print size, cheap to embed


@lru_cache(maxsize=16)
def _image(path: str, mtime_ns: int, size: int):
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    with Image.open(path) as im:
        im.load()
        image = im
        if max(im.size) > _MAX_LOGO_PIXELS:
            image = im.copy()
            image.thumbnail((_MAX_LOGO_PIXELS, _MAX_LOGO_PIXELS))
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA" if "transparency" in image.info or image.mode == "P" else "RGB")
        reader = ImageReader(image)
        reader.getRGBData()  # decode now, once
        return reader


def image_reader(root: Path, relative: str | None):
    """A cached ImageReader for a project image, or None when absent or unreadable."""
    if not relative:
        return None
    path = (root / relative).resolve()
    try:
        st = path.stat()
        return _image(str(path), st.st_mtime_ns, st.st_size)
    except Exception:  # a missing or broken image must not stop a document; checks report it
        return None


# --- page template --------------------------------------------------------------------------

MARGIN_X = 56.7  # 2 cm
HEADER_H = 62.0  # space above the frame for the letterhead
FOOTER_H = 58.0  # space below the frame for the identity block


def identity_lines(org: Organisation) -> list[str]:
    """The provider's identity as Paragraph markup lines (already escaped)."""
    first = org.name + (f", {org.legal_form}" if org.legal_form else "")
    address = ", ".join(org.address.lines())
    parts = [prose(first)]
    if address:
        parts.append(prose(address))
    if org.siret:
        parts.append("SIRET" + NBSP + esc(format_siret(org.siret)))
    lines = [" – ".join(parts)]
    if org.nda:
        region = f" auprès du préfet de région {de(org.nda_region)}" if org.nda_region else ""
        lines.append(prose(f"Déclaration d'activité enregistrée sous le numéro {org.nda}{region}"))
    contacts = [esc(c) for c in (org.phone,) if c]
    contacts += [esc(c) for c in (org.email, _bare(org.website)) if c]
    if contacts:
        lines.append(" · ".join(contacts))
    return lines


def _bare(url: str | None) -> str | None:
    if not url:
        return None
    return re.sub(r"^https?://", "", url).rstrip("/")


def _numbered_canvas():
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        """Holds pages back until the end so each can say « n / N »."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held = []

        def showPage(self):
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                width, _ = self._pagesize
                self.setFont(FONT, 7.5)
                self.setFillColor(GREY)
                self.drawRightString(width - MARGIN_X, FOOTER_H - 20, f"{number}{NBSP}/{NBSP}{total}")
                super().showPage()
            super().save()

    return NumberedCanvas


@cache
def _canvas_class():
    return _numbered_canvas()


def _draw_letterhead(canv, doc, org: Organisation, logo, doc_label: str, footer_paras) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width, height = canv._pagesize
    top = height - 22
    canv.saveState()
    # Header: logo left, organisation name and document label right.
    right_x = width - MARGIN_X
    left_w = 0.0
    if logo is not None:
        iw, ih = logo.getSize()
        left_w = min(38.0 * iw / ih, 170.0)
        h = left_w * ih / iw
        canv.drawImage(logo, MARGIN_X, top - h, left_w, h, mask="auto")
    room = width - 2 * MARGIN_X - left_w - 24
    name = fr(org.name)
    size = 8.5 if logo is not None else 12.0
    size = max(6.0, min(size, size * room / max(stringWidth(name, FONT_BOLD, size), 1)))
    canv.setFont(FONT_BOLD, size)
    canv.setFillColor(INK if logo is not None else TEAL)
    canv.drawRightString(right_x, top - 12, name)
    canv.setFont(FONT, 8)
    canv.setFillColor(GREY)
    canv.drawRightString(right_x, top - 24, doc_label)
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.6)
    canv.line(MARGIN_X, height - HEADER_H + 8, width - MARGIN_X, height - HEADER_H + 8)
    # Footer: identity block on every page; « n / N » is added by the canvas at the end.
    canv.line(MARGIN_X, FOOTER_H - 6, width - MARGIN_X, FOOTER_H - 6)
    y = FOOTER_H - 10
    for p in footer_paras:
        _, h = p.wrapOn(canv, width - 2 * MARGIN_X - 40, 40)
        y -= h
        p.drawOn(canv, MARGIN_X, y)
    canv.restoreState()


def build_pdf(story: list, *, organisation: Organisation, root: Path, doc_label: str, title: str,
              subject: str = "", landscape: bool = False) -> bytes:
    """Lay the story out on A4 pages with the letterhead; return the PDF bytes (byte-stable)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turn
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    register_fonts()
    pagesize = turn(A4) if landscape else A4
    width, height = pagesize
    logo = image_reader(root, organisation.logo)
    st = styles()
    footer_paras = [para(line, st.footer) for line in identity_lines(organisation)]
    label = fr(doc_label)

    def on_page(canv, doc):
        _draw_letterhead(canv, doc, organisation, logo, label, footer_paras)

    buffer = BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=pagesize, invariant=1, lang="fr-FR",
        title=fr(title), author=organisation.name, subject=fr(subject), creator="qualikit",
        leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=HEADER_H, bottomMargin=FOOTER_H,
    )
    frame = Frame(MARGIN_X, FOOTER_H, width - 2 * MARGIN_X, height - HEADER_H - FOOTER_H,
                  leftPadding=0, rightPadding=0, topPadding=6, bottomPadding=6, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
    with _binary_streams():
        doc.build(story, canvasmaker=_canvas_class())
    return buffer.getvalue()


@contextmanager
def _binary_streams():
    """Plain Flate streams, without reportlab's default ASCII85 layer: that layer runs in pure
    Python when reportlab's C accelerator is not installed (a third of the build time) and makes
    files 25 % larger. Scoped to our builds so other PDFs in the process keep their bytes."""
    from reportlab import rl_config

    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def content_width(landscape: bool = False) -> float:
    from reportlab.lib.pagesizes import A4

    width = A4[1] if landscape else A4[0]
    return width - 2 * MARGIN_X
