"""A contract or convention signed by the other party on the page of `qualikit emargement`: the
issued PDF (already signed by the organisation) with that signature stamped in, and a last page that
says who signed, when (Europe/Paris, with its offset), from which device, and which document exactly
(its SHA-256). Data in, bytes out; the job seals the result (PAdES) and journals it.

The trace is stamped in the box the document leaves for that party (« Date et signature… », « Cachet
du client et signature »), found by its label on the last pages; a document without that box still
gets the signature page. The organisation's first PAdES signature cannot survive a rewritten file:
its field is removed from the copy (the signed original stays as issued, and its SHA-256 is in the
copy and in the journal), and the copy is sealed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

from qualikit.base.frdates import clock_time, long_date
from qualikit.documents.contract_parts import OTHER_BOX_SHARE
from qualikit.documents.pdf_common import (
    FONT,
    GREY,
    INK,
    MARGIN_X,
    TEAL_LIGHT,
    build_pdf,
    content_width,
    esc,
    issued,
    para,
    prose,
    register_fonts,
    styles,
)
from qualikit.documents.signed_sheet import signature_drawing
from qualikit.project.model import Organisation

# the first words of the label of each party's box (documents/contract.py, convention.py)
BOX_LABELS = ("Date et signature", "Cachet du client")


@dataclass(frozen=True)
class Countersignature:
    document: str  # « Contrat de formation – Excel », as the signature page names it
    signer: str  # who signed: « Karim Haddad », « Julie Berthier, responsable formation »
    role: str  # « le stagiaire », « pour le client Transports Berthier »
    at: datetime  # aware, Europe/Paris
    strokes: dict  # the traced signature ({"w", "h", "strokes"})
    device: str  # « 192.168.1.20 · Mozilla/5.0 … »
    via: str  # « par lien personnel », « sur l'ordinateur de la formation »
    original: str  # the signed original's file name
    original_sha256: str
    code: str  # the document's verification code


def moment(at: datetime) -> str:
    """« mardi 20 octobre 2026 à 10 h 02 (heure de Paris, UTC+02:00) »."""
    return f"{long_date(at.date())} à {clock_time(at)} (heure de Paris, UTC{_offset(at)})"


def _offset(at: datetime) -> str:
    """« +02:00 »."""
    offset = at.strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"


def countersigned(pdf: bytes, sig: Countersignature, organisation: Organisation, root: Path) -> bytes:
    """The issued document with `sig` stamped in its box and a signature page after it (before sealing)."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(BytesIO(pdf))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    for page in writer.pages:
        _drop_signature_fields(page)
    spot = _box(writer.pages)
    if spot is not None:
        n, x, top, width = spot
        page = writer.pages[n]
        page.merge_page(PdfReader(BytesIO(_overlay(page, sig, x, top, width))).pages[0])
    for page in PdfReader(BytesIO(_signature_page(sig, organisation, root))).pages:
        writer.add_page(page)
    if reader.metadata:
        writer.add_metadata({k: v for k, v in reader.metadata.items() if isinstance(k, str)})
    # the copy is a document of its own, issued when it was signed: its dates are the signature's
    stamp = issued(b"(D:20000101000000+00'00')", sig.at)[1:-1].decode()
    writer.add_metadata({"/CreationDate": stamp, "/ModDate": stamp})
    writer.compress_identical_objects()  # the letterhead's logo and fonts once
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _drop_signature_fields(page) -> None:
    """The organisation's signature widget: its byte range would no longer cover the copy."""
    from pypdf.generic import ArrayObject, NameObject

    annots = page.get("/Annots")
    if annots is None:
        return
    kept = []
    for ref in annots.get_object():
        annot = ref.get_object()
        field = annot.get("/Parent", annot).get_object() if "/Parent" in annot else annot
        if annot.get("/FT") == "/Sig" or field.get("/FT") == "/Sig":
            continue
        kept.append(ref)
    if kept:
        page[NameObject("/Annots")] = ArrayObject(kept)
    else:
        del page["/Annots"]


def _box(pages) -> tuple[int, float, float, float] | None:
    """(page, left, top, width) of the space under the other party's box label, searched from the end."""
    for n in range(len(pages) - 1, -1, -1):
        lines: list[tuple[float, float, str]] = []

        def visit(text, cm, tm, font, size, lines=lines):
            if text.strip():
                lines.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text))

        pages[n].extract_text(visitor_text=visit)
        label = next(((x, y) for x, y, t in lines if t.lstrip().startswith(BOX_LABELS)), None)
        if label is None:
            continue
        page_w = float(pages[n].mediabox.width)
        width = OTHER_BOX_SHARE * (page_w - 2 * MARGIN_X)
        left = page_w - MARGIN_X - width
        # the label may run over two lines: start under its last one
        last = min(y for x, y, _ in lines if left <= x <= page_w - MARGIN_X and label[1] - 24 <= y <= label[1])
        return n, left, last - 5, width
    return None


def _overlay(page, sig: Countersignature, x: float, top: float, width: float) -> bytes:
    """One transparent page of the same size: the trace on the left of the box, who and when on the right."""
    from reportlab.pdfgen.canvas import Canvas

    register_fonts()
    buffer = BytesIO()
    size = (float(page.mediabox.width), float(page.mediabox.height))
    c = Canvas(buffer, pagesize=size, invariant=1, initialFontName=FONT, initialFontSize=6.8)  # no Helvetica
    trace_w, trace_h = 0.5 * width - 8, 36.0
    drawing = signature_drawing(sig.strokes, trace_w, trace_h)
    drawing.wrapOn(c, trace_w, trace_h)
    drawing.drawOn(c, x + 8, top - trace_h)
    c.setFillColor(INK)
    text_x = x + 0.5 * width + 2
    lines = [("Signé électroniquement par", GREY), (sig.signer, INK),
             (f"le {sig.at:%d/%m/%Y} à {clock_time(sig.at)}", INK), (f"heure de Paris, UTC{_offset(sig.at)}", GREY)]
    y = top - 7
    for text, colour in lines:
        c.setFillColor(colour)
        c.setFont(FONT, 6.8)
        c.drawString(text_x, y, _fit(text, 0.5 * width - 10, 6.8))
        y -= 8.6
    c.showPage()
    c.save()
    return buffer.getvalue()


def _fit(text: str, width: float, size: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while text and stringWidth(text, FONT, size) > width:
        text = text[:-2] + "…"
    return text


def _signature_page(sig: Countersignature, organisation: Organisation, root: Path) -> bytes:
    from reportlab.platypus import Spacer, Table, TableStyle

    st = styles()
    width = content_width(False)
    rows = [("Document", prose(sig.document)), ("Signataire", esc(f"{sig.signer}, {sig.role}")),
            ("Signé le", esc(moment(sig.at))), ("Comment", prose(f"signature tracée {sig.via}")),
            ("Appareil", esc(sig.device or "—")),
            ("Document signé", esc(f"{sig.original}, tel que délivré et signé par l'organisme de formation ; "
                                   f"empreinte SHA-256 {sig.original_sha256}")),
            ("Vérification", esc(sig.code))]
    facts = Table([[para(prose(k), st.cell_bold), para(v, st.cell)] for k, v in rows],
                  colWidths=[0.25 * width, 0.75 * width])
    facts.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), TEAL_LIGHT), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [para(prose("Signature électronique").upper(), st.kicker),
             para(prose(f"{sig.document} : signature de {sig.signer}"), st.title), facts, Spacer(1, 10),
             signature_drawing(sig.strokes, 0.6 * width, 90), Spacer(1, 10),
             para(prose("La signature a été tracée sur la page de signature servie par l'ordinateur de l'organisme "
                        "de formation, puis reportée dans le document ci-dessus. Elle est enregistrée au journal de "
                        "l'organisme, chaînée aux autres signatures de la session ; le document ainsi signé est "
                        "scellé par l'organisme (signature électronique PAdES) et vérifiable avec son code."),
                  st.body_small)]
    return build_pdf(story, organisation=organisation, root=root, doc_label="Signature électronique",
                     title=f"Signature – {sig.document}")
