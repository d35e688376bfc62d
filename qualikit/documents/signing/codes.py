"""The codes printed on documents so a reader can check them: verification codes and QR drawings."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from qualikit.base.tokens import verification_link, verification_page

__all__ = ["verification_link", "verification_page"]  # where the codes lead: base/tokens.py (checks read it too)

# 32 symbols, without 0/O and 1/I, which are read or typed one for the other
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_PREFIX = "QK"
QR_MASK = 2  # see qr_drawing


def verification_code(secret: bytes, document_key: str) -> str:
    """`QK-XXXX-XXXX-XXXX`: 60 bits of HMAC-SHA256(secret, document_key), unguessable without the secret."""
    if not secret:
        raise ValueError("verification_code needs a non-empty project secret")
    digest = hmac.new(secret, document_key.encode("utf-8"), hashlib.sha256).digest()
    bits = int.from_bytes(digest[:8], "big") >> 4  # 60 bits
    chars = "".join(CODE_ALPHABET[(bits >> (5 * i)) & 31] for i in reversed(range(12)))
    return "-".join([CODE_PREFIX, chars[0:4], chars[4:8], chars[8:12]])


def code_matches(secret: bytes, document_key: str, typed: str) -> bool:
    """Whether a code typed by a reader (any case, with or without dashes and spaces) is the document's."""

    def bare(code: str) -> str:
        text = "".join(code.split()).replace("-", "").upper()
        return text.removeprefix(CODE_PREFIX)

    return hmac.compare_digest(bare(verification_code(secret, document_key)), bare(typed))


def qr_drawing(text: str, size_mm: float, *, border: int = 4) -> Any:
    """A reportlab Drawing (a Flowable) of a QR code for `text`, `size_mm` wide including its quiet
    zone of `border` modules; vector shapes only, drawn as one filled path (no seams between modules)."""
    if size_mm <= 0:
        raise ValueError("size_mm must be positive")
    import segno
    from reportlab.graphics.shapes import Drawing
    from reportlab.graphics.shapes import Path as RlPath
    from reportlab.lib.colors import black
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import FILL_NON_ZERO

    # One fixed mask: choosing the best of eight is 80 % of a code's cost (≈ 10 ms, a fifth of an
    # attestation) and any mask is valid; readers decode these short links with any of them.
    qr = segno.make(text, error="m", micro=False, mask=QR_MASK)
    rows = [list(row) for row in qr.matrix]
    modules = len(rows) + 2 * border
    size = size_mm * mm
    unit = size / modules
    path = RlPath(fillColor=black, strokeColor=None, strokeWidth=0, fillMode=FILL_NON_ZERO)
    for r, row in enumerate(rows):
        top = size - (r + border) * unit
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            x0, x1 = (start + border) * unit, (c + border) * unit
            path.moveTo(x0, top)
            path.lineTo(x1, top)
            path.lineTo(x1, top - unit)
            path.lineTo(x0, top - unit)
            path.closePath()
    from qualikit.documents.pdf_common import FONT, register_fonts

    register_fonts()
    # the renderer sets the drawing's font before any shape, Helvetica unless told: keep PDFs free of it
    drawing = Drawing(size, size, initialFontName=FONT, initialFontSize=9)
    drawing.add(path)
    return drawing
