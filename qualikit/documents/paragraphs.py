"""The paragraph every qualikit PDF is set with (pdf_common.para): reportlab's Paragraph, measured
once per width and parsed once per process.

Speed, for batches of documents: platypus wraps a paragraph several times at the same width, and a
document's headings and fixed sentences come back in every document of a batch and in every layout
level tried (layout.py); the parse of the markup is the larger part of making a paragraph.
"""

from __future__ import annotations

from functools import cache


@cache
def paragraph_class():
    from reportlab.platypus import Paragraph

    class WrapOnceParagraph(Paragraph):
        """Platypus wraps a paragraph several times at the same width (tables measure then draw,
        KeepTogether measures then places); line breaking depends on the width alone, so the
        last result is reused."""

        def wrap(self, availWidth, availHeight):
            if availWidth == self.__dict__.get("_wrapped_at") and "blPara" in self.__dict__:
                return self.width, self.height
            size = super().wrap(availWidth, availHeight)
            self._wrapped_at = availWidth
            return size

        def _setup(self, text, style, bulletText, frags, cleaner):
            """The markup parsed once per process for a given style (headings and fixed sentences come
            back in every document, and in every layout level tried); each paragraph gets its own
            copies of the fragments, which line breaking marks."""
            key = (text, style, bulletText, self.caseSensitive)
            if frags is not None or not isinstance(bulletText, str | None):
                return super()._setup(text, style, bulletText, frags, cleaner)
            parsed = _parsed.get(key)
            if parsed is None:
                super()._setup(text, style, bulletText, frags, cleaner)
                if isinstance(self.bulletText, str | None):  # not a <bullet> parsed into fragments
                    if len(_parsed) >= _PARSED_MAX:
                        _parsed.clear()
                    _parsed[key] = (self.text, self.style, _copies(self.frags), self.bulletText)
                return None
            self.text, self.style, frags, self.bulletText = parsed
            self.frags = _copies(frags)
            self.debug = 0
            return None

    return WrapOnceParagraph


_PARSED_MAX = 4096
_parsed: dict = {}


def _copies(frags: list) -> list:
    return [f.clone() for f in frags]
