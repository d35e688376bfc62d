"""Survey links masked in the e-mail copies of an audit pack.

A reminder e-mail carries the learner's personal survey link; its token lets whoever holds it
answer in the learner's name. The pack is shown to an auditor and archived, so its copies keep a
recognisable start of each token (enough to match a copy to the journal) and mask the rest:
`…?token=ab3k••••`. The personal code of a convocation for the distance half-days is masked the same
way (`12••••`). The original in outbox/ is untouched.
"""

from __future__ import annotations

import html
import re

KEPT = 4
MASK = "••••"
# A token as qualikit makes them (26 characters of lowercase base32), after « / » or « = » in a link.
_TOKEN = re.compile(rf"(?<=[/=])([a-z2-7]{{{KEPT}}})[a-z2-7]{{{26 - KEPT}}}(?![A-Za-z0-9])")


# The personal code of the convocation (commands/onboard.py): its last four digits masked as well.
_PIN = re.compile(r"(code personnel d(?:&#39;|&#x27;|.)émargement\D{1,24}?)(\d{2})\d{4}(?!\d)")


def mask_text(text: str, templates: tuple[str, ...] = ()) -> str:
    """Every survey token in `text` masked: those of qualikit's shape, and whatever follows the part
    of a survey address before its {token} (in plain text or HTML)."""
    for template in templates:
        before = template.partition("{token}")[0]
        if not before:
            continue
        for prefix in {before, html.escape(before)}:
            text = re.sub(re.escape(prefix) + rf"([A-Za-z0-9_-]{{{KEPT}}})[A-Za-z0-9_-]+",
                          lambda m, p=prefix: f"{p}{m.group(1)}{MASK}", text)
    text = _PIN.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
    return _TOKEN.sub(lambda m: m.group(1) + MASK, text)


def masked_eml(data: bytes, templates: tuple[str, ...] = ()) -> bytes:
    """The message with the tokens of its text parts masked (decoded, masked, encoded again)."""
    from email import policy
    from email.parser import BytesParser

    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
        changed = False
        for part in message.walk():
            if part.is_multipart() or part.get_content_maintype() != "text" or part.is_attachment():
                continue
            text = part.get_content()
            masked = mask_text(text, templates)
            if masked != text:
                part.set_content(masked, subtype=part.get_content_subtype(), charset="utf-8")
                changed = True
        return message.as_bytes() if changed else data
    except (ValueError, LookupError, TypeError, UnicodeError):  # not a message we can parse: mask the raw text
        return mask_text(data.decode("utf-8", "replace"), templates).encode("utf-8")
