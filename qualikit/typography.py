"""French typography for plain text: the spaces a French reader expects, curly apostrophes.

`fr()` is applied to prose (sentences a learner reads), never to data that must stay
exact: URLs, e-mail addresses, times (09:00) and ratios (16:9) are left untouched, as is
any « : » or « ? » glued to what follows (query strings, Windows paths…).

- U+00A0 (no-break space) before « : » and inside « guillemets »;
- U+202F (narrow no-break space) before ; ! ? — or U+00A0 with `narrow=False`, for a
  font or a renderer that cannot show U+202F (Helvetica on a reportlab canvas);
- a straight apostrophe between two letters becomes ’ (l'État → l’État).

Idempotent: fr(fr(x)) == fr(x); existing spaces before the marks are normalised.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"

_SPACES = f"[ {NBSP}{NNBSP}]*"
# What may follow a mark for it to be punctuation rather than part of a token.
_AFTER = r"(?=$|\s|[»)\]\"'’.,…])"

_PATTERN = re.compile(
    "|".join((
        # Tokens copied verbatim, tried first at each position.
        r"(?P<keep>(?:https?|ftp)://\S+|www\.\S+|mailto:\S+"
        r"|[\w.+'’-]+@[\w-]+(?:\.[\w-]+)+)",
        # A mark after a word (not after another mark, not at a line start), with its spaces.
        rf"(?<=[^\s;:!?«]){_SPACES}(?P<high>[!?]+|;){_AFTER}",
        rf"(?<=[^\s;:!?«]){_SPACES}(?P<colon>:){_AFTER}",
        rf"(?P<open>«){_SPACES}",
        rf"{_SPACES}(?P<close>»)",
        r"(?<=[^\W\d_])(?P<apos>')(?=[^\W\d_])",
    ))
)


def fr(text: str, *, narrow: bool = True) -> str:
    """Apply French typography to plain (unescaped, unmarked-up) text."""
    if not text:
        return text
    thin = NNBSP if narrow else NBSP

    def replace(m: re.Match) -> str:
        kind = m.lastgroup
        if kind == "keep":
            return m.group(0)
        if kind == "high":
            return thin + m.group("high")
        if kind == "colon":
            return NBSP + ":"
        if kind == "open":
            return "«" + NBSP
        if kind == "close":
            return NBSP + "»"
        return "’"  # apos

    return _PATTERN.sub(replace, text)
