"""Shared reportlab set-up for qualikit's PDFs: fonts, styles, letterhead, safe markup.

Every page carries the provider's header (logo and name) and its identity in the footer
(raison sociale, address, SIRET, activity declaration) with « n / N ». Documents are built
with invariant=1, so the same input gives the same bytes; a document is dated and given its
verification code when it is issued (`issued`), in place: the creation date and the code slot
of the metadata keep their length, so the file stays valid and `same_document` can tell a
re-render with new content from the same one issued again. Every font is embedded, the
canvas's own default included (DejaVu, never Helvetica).

Markup rule: reportlab's Paragraph parses a small XML dialect, so every piece of user text
goes through `esc()` (data shown as is: names, e-mails) or `prose()` (French typography,
then escaping). A narrow no-break space (U+202F) is a line-break opportunity for platypus,
so `para()` draws it as a smaller U+00A0 of the same width, which never breaks.

Speed (a kit per learner, sent in batches): fonts are registered once, styles and colours
built once, the logo decoded and compressed once per file version, and streams are written
without reportlab's ASCII85 layer (pure Python without its C accelerator).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path

from reportlab.lib.colors import Color, HexColor

from qualikit.base.resources import font
from qualikit.base.typography import NBSP, NNBSP, fr, siret
from qualikit.documents.paragraphs import paragraph_class
from qualikit.project.model import Organisation

FONT = "QualikitSans"
FONT_BOLD = "QualikitSans-Bold"

# Colours as Color objects: reportlab resolves a "#rrggbb" string slowly, on every use.
INK = HexColor("#1f2933")
TEAL = HexColor("#165e6e")
TEAL_LIGHT = HexColor("#e8f1f3")
ACCENT = HexColor("#d65f43")
ACCENT_LIGHT = HexColor("#fbece8")
GREY = HexColor("#5f6b76")
RULE = HexColor("#c9d3d8")
PAPER = HexColor("#f6f7f8")
SHADE = HexColor("#eef0f2")
WHITE = HexColor("#ffffff")

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
    # <b> and <i> inside paragraphs; the bundle has no italic, so italic stays upright.
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)
    # A table cell sets its own font before drawing, Helvetica by default, which a PDF would then
    # declare without embedding it: every qualikit table is drawn with the bundled font.
    from reportlab.platypus.tables import CellStyle

    CellStyle.fontname = FONT


# --- markup ---------------------------------------------------------------------------------

def esc(text: object) -> str:
    """User data as Paragraph markup, shown exactly (no typography)."""
    value = _CONTROL.sub("", str(text))
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def prose(text: object) -> str:
    """Prose as Paragraph markup, with French typography."""
    return esc(fr(str(text)))


def css(color: Color) -> str:
    """A colour for a markup attribute, in the form reportlab parses fastest."""
    r, g, b = (round(c * 255) for c in color.rgb())
    return f"rgb({r},{g},{b})"


def link(url: str, label: str | None = None) -> str:
    """A clickable link when the URL is http(s) or mailto, plain text otherwise."""
    shown = esc(label if label is not None else url)
    target = url.strip()
    if not _LINKABLE.match(target):
        return shown
    href = esc(target).replace('"', "&quot;")
    return f'<a href="{href}" color="{css(TEAL)}">{shown}</a>'


def mail(address: str) -> str:
    address = address.strip()
    return link(f"mailto:{address}", address) if "@" in address and " " not in address else esc(address)


def phone(number: str) -> str:
    return esc(number.strip()).replace(" ", NBSP)


def nnbsp_markup(markup: str, size: float) -> str:
    """Replace U+202F by an unbreakable U+00A0 set small enough to have U+202F's width."""
    if NNBSP not in markup:
        return markup
    return markup.replace(NNBSP, f'<font size="{size * _NNBSP_RATIO:.2f}">{NBSP}</font>')


def para(markup: str, style, **kwargs):
    return paragraph_class()(nnbsp_markup(markup, style.fontSize), style, **kwargs)


def de(name: str) -> str:
    """French elision: « de Bretagne », « d’Auvergne-Rhône-Alpes »."""
    return ("d’" if name[:1].lower() in "aeiouyàâéèêëîïôöûüœ" and name else "de ") + name


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
    box_title: object


@cache
def styles() -> Styles:
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    base = ParagraphStyle("qk-body", fontName=FONT, fontSize=9, leading=12.8, textColor=INK,
                          alignment=TA_LEFT, spaceAfter=4, splitLongWords=1, uriWasteReduce=0.3,
                          allowWidows=0, allowOrphans=0, bulletFontName=FONT)

    def derive(name, **kw):
        return ParagraphStyle(name, parent=base, **kw)

    return Styles(
        body=base,
        body_small=derive("qk-body-small", fontSize=8, leading=11, textColor=GREY),
        lead=derive("qk-lead", fontSize=10.5, leading=14, spaceAfter=5),
        kicker=derive("qk-kicker", fontName=FONT_BOLD, fontSize=8.5, leading=11, textColor=ACCENT, spaceAfter=2),
        title=derive("qk-title", fontName=FONT_BOLD, fontSize=18, leading=22.5, textColor=TEAL, spaceAfter=8),
        h2=derive("qk-h2", fontName=FONT_BOLD, fontSize=12, leading=15, textColor=TEAL, spaceBefore=9,
                  spaceAfter=4, keepWithNext=1),
        h3=derive("qk-h3", fontName=FONT_BOLD, fontSize=9, leading=12.5, spaceBefore=4, spaceAfter=2,
                  keepWithNext=1),
        bullet=derive("qk-bullet", leftIndent=13, bulletIndent=2, spaceAfter=2, bulletFontName=FONT,
                      bulletColor=TEAL),
        cell=derive("qk-cell", spaceAfter=0, leading=12),
        cell_bold=derive("qk-cell-bold", fontName=FONT_BOLD, leading=12, spaceAfter=0),
        cell_small=derive("qk-cell-small", fontSize=7.5, leading=9.5, textColor=GREY, spaceAfter=0),
        cell_head=derive("qk-cell-head", fontName=FONT_BOLD, fontSize=8.5, leading=11, textColor=WHITE,
                         spaceAfter=0),
        box_title=derive("qk-box-title", fontName=FONT_BOLD, fontSize=10.5, leading=14, textColor=TEAL,
                         spaceAfter=3),
    )


def bullet_list(items, *, markup=prose, numbered: bool = False) -> list:
    """One Paragraph per item, with « • » or « 1. » hanging in the margin."""
    st = styles().bullet
    return [para(markup(item), st, bulletText=f"{n}." if numbered else "•") for n, item in enumerate(items, 1)]


def box(flowables, *, width: float, background: Color = TEAL_LIGHT, border: Color | None = None,
        padding: float = 9):
    """A tinted panel around some flowables (a one-cell table), with an optional left rule."""
    from reportlab.platypus import Table, TableStyle

    table = Table([[flowables]], colWidths=[width])
    commands = [
        ("BACKGROUND", (0, 0), (-1, -1), background),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding - 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding - 2),
    ]
    if border is not None:
        commands.append(("LINEBEFORE", (0, 0), (0, -1), 3, border))
    table.setStyle(TableStyle(commands))
    return table


# --- images ---------------------------------------------------------------------------------

_MAX_IMAGE_PIXELS = 900  # longest side kept in the PDF: sharp at print size, cheap to embed


@dataclass(frozen=True)
class PdfImage:
    """An image decoded and compressed once, embedded by reference in each document."""

    name: str
    width: int
    height: int
    xobject: object
    smask: object | None


@lru_cache(maxsize=16)
def _load_image(path: str, mtime_ns: int, size: int) -> PdfImage:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfdoc

    with Image.open(path) as im:
        im.load()
        image = im.copy()
        jpeg = im.format == "JPEG" and im.mode in ("RGB", "L")
    if jpeg and max(image.size) <= _MAX_IMAGE_PIXELS:
        reader = ImageReader(path)  # embedded as is (DCTDecode), no re-encoding
    else:
        if max(image.size) > _MAX_IMAGE_PIXELS:
            image.thumbnail((_MAX_IMAGE_PIXELS, _MAX_IMAGE_PIXELS))
        if image.mode not in ("RGB", "RGBA", "L"):
            has_alpha = image.mode in ("LA", "PA") or "transparency" in image.info
            image = image.convert("RGBA" if has_alpha else "RGB")
        reader = ImageReader(image)
    with _binary_streams():
        name = pdfdoc._digester(reader.getRGBData() + (reader._dataA.getRGBData() if reader._dataA else b""))
        xobject = pdfdoc.PDFImageXObject(name, reader, mask="auto")
    smask = getattr(xobject, "_smask", None)
    if smask is not None:
        del xobject._smask
        xobject.smask = pdfdoc.PDFObjectReference(pdfdoc.xObjectName(smask.name))
    return PdfImage(name, xobject.width, xobject.height, xobject, smask)


def project_image(root: Path, relative: str | None) -> PdfImage | None:
    """A project image (logo, signature), cached per file version; None when absent or unreadable."""
    if not relative:
        return None
    path = (root / relative).resolve()
    try:
        st = path.stat()
        return _load_image(str(path), st.st_mtime_ns, st.st_size)
    except Exception:  # a missing or broken image must not stop a document: the checks report it
        return None


def draw_image(canv, image: PdfImage, x: float, y: float, width: float, height: float) -> None:
    """canvas.drawImage without decoding and compressing the image again for every document.

    Mirrors what drawImage does with a new image; the document registers a shallow copy of
    the cached XObject (reportlab marks a registered object as owned by that document)."""
    import copy

    doc = canv._doc
    reg = doc.getXObjectName(image.name)
    if doc.idToObject.get(reg) is None:
        xobject = copy.copy(image.xobject)
        canv._setXObjects(xobject)
        doc.Reference(xobject, reg)
        doc.addForm(image.name, xobject)
        if image.smask is not None:
            mreg = doc.getXObjectName(image.smask.name)
            if doc.idToObject.get(mreg) is None:
                smask = copy.copy(image.smask)
                canv._setXObjects(smask)
                doc.Reference(smask, mreg)
    canv._currentPageHasImages = 1
    canv.saveState()
    canv.translate(x, y)
    canv.scale(width, height)
    canv._code.append(f"/{reg} Do")
    canv.restoreState()
    canv._formsinuse.append(image.name)  # the page's resources list the XObjects it uses


# --- page template --------------------------------------------------------------------------

MARGIN_X = 56.7  # 2 cm
HEADER_H = 62.0  # space above the frame for the letterhead
FOOTER_H = 58.0  # space below the frame for the identity block
FOOTER_SIZE = 7.0


def identity_lines(org: Organisation) -> list[str]:
    """The provider's identity, as plain text lines with French typography."""
    first = [fr(org.name + (f", {org.legal_form}" if org.legal_form else ""))]
    address = ", ".join(org.address.lines())
    if address:
        first.append(fr(address))
    if org.siret:
        first.append(f"SIRET{NBSP}{siret(org.siret)}")
    lines = [" – ".join(first)]
    if org.nda:
        region = f" auprès du préfet de région {de(org.nda_region)}" if org.nda_region else ""
        lines.append(fr(f"Déclaration d'activité enregistrée sous le numéro {org.nda}{region}"))
    contacts = [c.strip() for c in (org.phone, org.email, _bare(org.website)) if c and c.strip()]
    if contacts:
        lines.append(" · ".join(contacts))
    return lines


def _bare(url: str | None) -> str | None:
    return re.sub(r"^https?://", "", url).rstrip("/") if url else None


def fit(text: str, font_name: str, size: float, room: float, smallest: float = 5.5) -> tuple[str, float]:
    """Shrink the font so one line fits; past the smallest size, cut with « … »."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width = stringWidth(text, font_name, size)
    if width <= room:
        return text, size
    size = max(smallest, size * room / width)
    while text and stringWidth(text, font_name, size) > room:
        text = text[:-2] + "…"
    return text, size


@cache
def _canvas_class():
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
                self.drawRightString(width - MARGIN_X, FOOTER_H - 16, f"{number}{NBSP}/{NBSP}{total}")
                super().showPage()
            super().save()

    return NumberedCanvas


@dataclass(frozen=True)
class Letterhead:
    name: str
    label: str
    logo: PdfImage | None
    footer: tuple[str, ...]

    def draw(self, canv, doc) -> None:
        width, height = canv._pagesize
        right = width - MARGIN_X
        top = height - 22
        canv.saveState()
        logo_w = 0.0
        if self.logo is not None:
            logo_w = min(38.0 * self.logo.width / self.logo.height, 170.0)
            logo_h = logo_w * self.logo.height / self.logo.width
            draw_image(canv, self.logo, MARGIN_X, top - logo_h, logo_w, logo_h)
        room = width - 2 * MARGIN_X - logo_w - 24
        name, size = fit(self.name, FONT_BOLD, 8.5 if self.logo is not None else 12.0, room)
        canv.setFont(FONT_BOLD, size)
        canv.setFillColor(INK if self.logo is not None else TEAL)
        canv.drawRightString(right, top - 12, name)
        label, size = fit(self.label, FONT, 8, room)
        canv.setFont(FONT, size)
        canv.setFillColor(GREY)
        canv.drawRightString(right, top - 24, label)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        canv.line(MARGIN_X, height - HEADER_H + 8, right, height - HEADER_H + 8)
        # Footer: the identity block on every page; « n / N » is added by the canvas at the end.
        canv.line(MARGIN_X, FOOTER_H - 6, right, FOOTER_H - 6)
        y = FOOTER_H - 16
        for line in self.footer:
            text, size = fit(line, FONT, FOOTER_SIZE, width - 2 * MARGIN_X - 40)
            canv.setFont(FONT, size)
            canv.drawString(MARGIN_X, y, text)
            y -= 9
        canv.restoreState()


@dataclass(frozen=True)
class PageSetup:
    """A4 pages (landscape or not), the letterhead, a footer (the provider's identity unless given), metadata."""

    organisation: Organisation
    root: Path
    doc_label: str
    title: str
    subject: str = ""
    landscape: bool = False
    footer: tuple[str, ...] | None = None


def build_pdf(story: list, *, organisation: Organisation, root: Path, doc_label: str, title: str,
              subject: str = "", landscape: bool = False, footer: tuple[str, ...] | None = None) -> bytes:
    """Lay the story out on A4 pages with the letterhead; return the PDF bytes (byte-stable)."""
    return draw_pdf(story, PageSetup(organisation, root, doc_label, title, subject, landscape, footer))


def draw_pdf(story: list, setup: PageSetup) -> bytes:
    """build_pdf, with its page set-up as one value."""
    buffer = BytesIO()
    with _binary_streams():
        doc_template(setup, buffer).build(story, canvasmaker=_canvas_class())
    return buffer.getvalue()


def doc_template(setup: PageSetup, buffer, *, doc_class=None, frame_class=None, letterhead: bool = True):
    """The platypus document of a page set-up (layout.py measures on it, with its own classes)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turn
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    register_fonts()
    org = setup.organisation
    pagesize = turn(A4) if setup.landscape else A4
    width, height = pagesize
    doc = (doc_class or BaseDocTemplate)(
        buffer, pagesize=pagesize, **doc_metadata(org, setup.doc_label, setup.title, setup.subject),
        leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=HEADER_H, bottomMargin=FOOTER_H,
    )
    frame = (frame_class or Frame)(MARGIN_X, FOOTER_H, width - 2 * MARGIN_X, height - HEADER_H - FOOTER_H,
                                   leftPadding=0, rightPadding=0, topPadding=6, bottomPadding=6, id="body")
    head = {}
    if letterhead:
        footer = setup.footer if setup.footer is not None else identity_lines(org)
        head["onPage"] = Letterhead(fr(org.name), fr(setup.doc_label), project_image(setup.root, org.logo),
                                    tuple(footer)).draw
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], **head)])
    return doc


# --- metadata, date and verification code ---------------------------------------------------

CODE_SLOT = "QK-____-____-____"  # as long as a verification code: replaced in place when issued
_INVARIANT_DATE = b"(D:20000101000000+00'00')"  # reportlab's creation date in invariant mode
_ANY_DATE = re.compile(rb"\(D:\d{14}[+-]\d\d'\d\d'\)")


def doc_metadata(organisation: Organisation, doc_label: str, title: str, subject: str) -> dict:
    """Document template arguments: invariant build, embedded default font, Info dictionary with the
    kind of document (Subject, Keywords) and the slot of its verification code (Keywords)."""
    import unicodedata

    kind = unicodedata.normalize("NFKD", doc_label).encode("ascii", "ignore").decode().lower()
    kind = re.sub(r"[^a-z0-9]+", "-", kind).strip("-")
    return {"invariant": 1, "lang": "fr-FR", "initialFontName": FONT, "initialFontSize": 9,
            "title": fr(title), "author": organisation.name, "creator": "qualikit",
            "subject": fr(f"{doc_label} – {subject}" if subject else doc_label),
            "keywords": [CODE_SLOT, kind]}


def issued(pdf: bytes, moment, code: str | None = None) -> bytes:
    """The document as issued at `moment` (creation and modification dates, Europe/Paris), with its
    verification code in the metadata. Same length, same offsets: the PDF stays valid."""
    from qualikit.base.clock import PARIS

    local = moment.astimezone(PARIS)
    offset = int(local.utcoffset().total_seconds() // 60)
    sign = "+" if offset >= 0 else "-"
    stamp = f"(D:{local:%Y%m%d%H%M%S}{sign}{abs(offset) // 60:02d}'{abs(offset) % 60:02d}')".encode()
    out = pdf.replace(_INVARIANT_DATE, stamp)
    if code is not None:
        if len(code) != len(CODE_SLOT):
            raise ValueError(f"verification code of unexpected length: {code!r}")
        out = out.replace(CODE_SLOT.encode(), code.encode(), 1)
    return out


def same_document(a: bytes, b: bytes) -> bool:
    """Whether two builds differ only by their dates (an unchanged document issued again)."""
    return _ANY_DATE.sub(_INVARIANT_DATE, a) == _ANY_DATE.sub(_INVARIANT_DATE, b)


@contextmanager
def _binary_streams():
    """Plain Flate streams, without reportlab's default ASCII85 layer: that layer runs in pure
    Python when reportlab's C accelerator is not installed (a third of the build time) and makes
    files a quarter larger. Scoped to our builds so other PDFs in the process keep their bytes."""
    from reportlab import rl_config

    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def content_width(landscape: bool = False) -> float:
    from reportlab.lib.pagesizes import A4

    return (A4[1] if landscape else A4[0]) - 2 * MARGIN_X


def resource(item: str) -> str:
    """A resource line: clickable when it is a web address."""
    return link(item) if item.startswith(("http://", "https://")) else prose(item)


def facts_table(facts: list[tuple[str, str]], width: float):
    """The teal « key facts » panel (label | value) shared by the kit and the departure guide."""
    from reportlab.platypus import Table, TableStyle

    st = styles()
    rows = [[para(prose(label), st.cell_bold), para(value, st.cell)] for label, value in facts]
    table = Table(rows, colWidths=[0.27 * width, 0.73 * width])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), TEAL_LIGHT),
        ("LINEBEFORE", (0, 0), (0, -1), 3, TEAL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 9),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("TOPPADDING", (0, 0), (-1, 0), 8),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
    ]))
    return table


def total_row_style(span_to: int, padding: float = 3.5):
    """Header in teal, thin rules, a total row whose label spans columns 0..span_to."""
    from reportlab.platypus import TableStyle

    return TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), TEAL),
        ("LINEBELOW", (0, 1), (-1, -2), 0.5, RULE),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, TEAL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
        ("SPAN", (0, -1), (span_to, -1)),
    ])


def days_table(session, width: float):
    """The training days and hours: Journée | Matin | Après-midi | Durée, with the total."""
    from reportlab.platypus import Table

    from qualikit.base.frdates import hours, long_date, time_range

    st = styles()
    rows = [[para(prose(t), st.cell_head) for t in ("Journée", "Matin", "Après-midi", "Durée")]]
    for day in sorted(session.days, key=lambda d: d.date):
        rows.append([
            para(esc(long_date(day.date)), st.cell),
            para(esc(time_range(day.morning)) if day.morning else "–", st.cell),
            para(esc(time_range(day.afternoon)) if day.afternoon else "–", st.cell),
            para(esc(hours(day.hours)), st.cell),
        ])
    rows.append([para(prose("Total"), st.cell_bold), "", "", para(esc(hours(session.planned_hours)), st.cell_bold)])
    table = Table(rows, colWidths=[0.40 * width, 0.21 * width, 0.21 * width, 0.18 * width], repeatRows=1)
    table.setStyle(total_row_style(2))
    return table
