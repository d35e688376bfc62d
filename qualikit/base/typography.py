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

_SPACES = frozenset(f" {NBSP}{NNBSP}")
_HIGH = frozenset("!?")
_NOT_BEFORE = frozenset(";:!?«")  # a mark right after these is not spaced (?!, «:…)
_CLOSERS = frozenset("»)]\"'’.,…")  # a mark may be followed by these (or a space, or the end)
_CANDIDATE = re.compile(r"[:;!?«»']")
# Tokens copied verbatim.
_PROTECTED = re.compile(
    r"(?:https?|ftp)://[^\s«»\"<>]+|www\.[^\s«»\"<>]+|mailto:[^\s«»\"<>]+"
    r"|(?<![\w.+'’-])[\w.+'’-]+@[\w-]+(?:\.[\w-]+)+"
)


def fr(text: str, *, narrow: bool = True) -> str:
    """Apply French typography to plain (unescaped, unmarked-up) text."""
    candidates = _CANDIDATE.finditer(text) if text else ()
    thin = NNBSP if narrow else NBSP
    spans = ([m.span() for m in _PROTECTED.finditer(text)]
             if "@" in text or "://" in text or "www." in text else ())
    n = len(text)
    out: list[str] = []
    last = 0  # text[:last] is settled (copied to out or replaced)
    for m in candidates:
        i = m.start()
        if i < last or (spans and any(start <= i < end for start, end in spans)):
            continue
        c = text[i]
        if c == "«":
            j = i + 1
            while j < n and text[j] in _SPACES:
                j += 1
            out.append(text[last:i] + "«" + NBSP)
            last = j
        elif c == "»":
            k = i
            while k > last and text[k - 1] in _SPACES:
                k -= 1
            out.append(text[last:k] + NBSP + "»")
            last = i + 1
        elif c == "'":
            if 0 < i < n - 1 and text[i - 1].isalpha() and text[i + 1].isalpha():
                out.append(text[last:i] + "’")
                last = i + 1
        else:  # : ; ! ?
            j = i + 1
            if c in _HIGH:
                while j < n and text[j] in _HIGH:
                    j += 1
            if j < n and not (text[j].isspace() or text[j] in _CLOSERS):
                continue  # glued to what follows: 09:00, 16:9, ?query
            k = i
            while k > 0 and text[k - 1] in _SPACES:
                k -= 1
            if k == 0 or text[k - 1].isspace() or text[k - 1] in _NOT_BEFORE:
                continue  # at a line start, or after another mark
            k = max(k, last)
            out.append(text[last:k] + (NBSP if c == ":" else thin) + text[i:j])
            last = j
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def siret(number: str) -> str:
    """A SIRET as every document writes it: « 123 456 789 00012 » (SIREN in threes, then the NIC),
    joined by no-break spaces; anything that is not 14 digits is returned as given."""
    digits = re.sub(r"[\s\u00a0\u202f.]", "", number)
    if len(digits) == 14 and digits.isdigit():
        return NBSP.join((digits[:3], digits[3:6], digits[6:9], digits[9:]))
    return number


_INCLUSIVE = re.compile(r"·e\b|\(e\)")


def agree(text: str, civility: str | None) -> str:
    """Agree « inscrit·e », « salarié(e) » with a person: « inscrite » for Mme, « inscrit » for M.;
    left inclusive when the civility is unknown. Plurals (« participant·es ») are left alone."""
    if civility == "Mme":
        return _INCLUSIVE.sub("e", text)
    if civility == "M.":
        return _INCLUSIVE.sub("", text)
    return text


def plural(n: int, singular: str, many: str | None = None) -> str:
    """« 1 abandon », « 2 abandons », « 0 demi-journée » (French: 0 and 1 take the singular)."""
    return f"{n} {singular if abs(n) < 2 else many or singular + 's'}"
