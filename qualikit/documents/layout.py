"""Documents that must hold on a number of pages, laid out before they are drawn.

The attestation and the certificat de compétences hold on one page, the fiche programme and the
departure guide on two: a long list is set tighter (layout levels 1, 2…). Each level is first laid
out without drawing anything — platypus's own page breaking (`wrap` and `split` of every flowable
against the same frame), stopped at the first page too many — and only the first level that holds
is drawn, from that very layout: a PDF is drawn once, whatever the number of levels tried, and its
bytes are those a plain build of the same story gives (tests/render/test_fitting.py compares them
with building every level until one fits).

How: while measuring, the frame notes where it would draw each flowable (the flowable, x, y, and
the room left beside it) instead of drawing it; the drawing then builds a story of one flowable
per page that draws those placements, in their order, between the same letterheads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from io import BytesIO

from qualikit.documents.pdf_common import PageSetup, doc_template, draw_pdf


@dataclass(frozen=True)
class Fitting:
    """A document that must hold on `pages` pages: its story at each layout level (0, the roomiest,
    up to levels - 1, the tightest, drawn whatever its length) and the pages it is laid out on."""

    story: Callable[[int], list]
    setup: PageSetup
    pages: int
    levels: int = 3


def fitted(fitting: Fitting) -> bytes:
    """The document at the first level whose layout holds on its pages, drawn once."""
    if fitting.levels < 1:
        raise ValueError("levels must be at least 1")
    for level in range(fitting.levels - 1):
        pages = laid_out(fitting.story(level), fitting.setup, fitting.pages)
        if pages is not None:
            return drawn(pages, fitting.setup)
    return draw_pdf(fitting.story(fitting.levels - 1), fitting.setup)


Placement = tuple[object, float, float, float]  # flowable, x, y, room left beside it (_sW)


def laid_out(story: list, setup: PageSetup, most: int) -> list[list[Placement]] | None:
    """Where each flowable of the story goes, page by page, without drawing anything; None as soon
    as a page more than `most` would begin. The story's flowables are consumed (wrapped, split)."""
    doc_class, frame_class = _measuring_classes()
    doc = doc_template(setup, BytesIO(), doc_class=doc_class, frame_class=frame_class, letterhead=False)
    doc.most = most
    doc.pages = []
    try:
        doc.build(story, canvasmaker=_sketch_class())
    except _TooLong:
        return None
    return doc.pages


class _TooLong(Exception):
    pass


@cache
def _measuring_classes():
    from reportlab.platypus import BaseDocTemplate, Frame

    class MeasuringDoc(BaseDocTemplate):
        """Counts its pages, and stops at the first one too many."""

        most: int
        pages: list

        def handle_pageBegin(self):
            if len(self.pages) >= self.most:
                raise _TooLong
            self.pages.append([])
            super().handle_pageBegin()

    class MeasuringFrame(Frame):
        """Places each flowable as platypus does, noting where instead of drawing it (on the document's
        current page: platypus copies a frame deeply to measure a block kept together, so the frame
        itself holds nothing)."""

        def _add(self, flowable, canv, trySplit=0):
            page = canv._doctemplate.pages[-1]

            def note(canvas, x, y, _sW=0):
                page.append((flowable, x, y, _sW))

            flowable.drawOn = note  # shadows the method for this one call
            try:
                return super()._add(flowable, canv, trySplit)
            finally:
                del flowable.drawOn

        add = _add

    return MeasuringDoc, MeasuringFrame


@cache
def _sketch_class():
    from reportlab.pdfgen.canvas import Canvas

    class Sketch(Canvas):
        """The measuring pass's canvas: nothing is drawn on it, no page is kept, nothing is written."""

        def showPage(self):
            pass

        def save(self):
            pass

    return Sketch


def drawn(pages: list[list[Placement]], setup: PageSetup) -> bytes:
    """The PDF of a layout: the same bytes as draw_pdf of the story it was laid out from."""
    from reportlab.platypus import PageBreak

    placed = _placed_class()
    story: list = []
    for n, page in enumerate(pages):
        if n:
            story.append(PageBreak())
        story.append(placed(page))
    return draw_pdf(story, setup)


@cache
def _placed_class():
    from reportlab.platypus import Flowable

    class Placed(Flowable):
        """A page's flowables, drawn where the measuring pass placed them; takes no room itself."""

        def __init__(self, placements: list[Placement]):
            super().__init__()
            self.placements = placements

        def wrap(self, availWidth, availHeight):
            return 0, 0

        def drawOn(self, canvas, x, y, _sW=0):
            frame = getattr(self, "_frame", None)
            for flowable, fx, fy, room in self.placements:
                flowable._frame = frame  # as the frame sets them around a flowable it draws
                flowable.canv = canvas
                try:
                    flowable.drawOn(canvas, fx, fy, _sW=room)
                finally:
                    for name in ("canv", "_frame"):
                        if hasattr(flowable, name):
                            delattr(flowable, name)

    return Placed
