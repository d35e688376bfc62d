"""E-mails from Jinja2 templates (the project's own first, then qualikit's), rendered sandboxed.

A trainer's template can use the values it is given but cannot reach Python
internals: the sandbox refuses attribute tricks, and the error names the file.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email import quoprimime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import lru_cache
from pathlib import Path

from qualikit.base.resources import templates_dir
from qualikit.base.typography import agree


class TemplateProblem(Exception):
    """A template could not be rendered; the message (French) names the file and line."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str  # "application/pdf", "text/calendar"…
    params: tuple[tuple[str, str], ...] = ()  # of the Content-Type: charset and method of an invitation


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def template_env(root: Path):
    """The e-mail templates of a project folder, compiled once per process: the same environment
    while no folder of the project's templates/ changes (a template edited in place is reloaded by
    Jinja itself; a file added or removed changes its folder's date, and so the environment)."""
    return _template_env(root, _folder_dates(root / "templates"))


def _folder_dates(folder: Path) -> tuple[tuple[str, int], ...]:
    if not folder.is_dir():
        return ()
    return tuple(sorted((str(d), d.stat().st_mtime_ns) for d in (folder, *folder.rglob("*")) if d.is_dir()))


@lru_cache(maxsize=8)
def _template_env(root: Path, dates: tuple) -> object:
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    loader = ChoiceLoader([FileSystemLoader(root / "templates"), FileSystemLoader(templates_dir())])
    return ImmutableSandboxedEnvironment(
        loader=loader,
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render_email(env, name: str, context: dict) -> RenderedEmail:
    """Render emails/<name>.subject.j2, .txt.j2 and .html.j2 with the same context.

    Inclusive endings (« vu·e ») agree with the learner's civility when it is known."""
    from jinja2 import TemplateError
    from jinja2.exceptions import SecurityError

    civility = getattr(context.get("learner"), "civility", None)
    parts = {}
    for part in ("subject", "txt", "html"):
        filename = f"emails/{name}.{part}.j2"
        if part == "html" and not _exists(env, filename):
            parts["html"] = text_to_html(parts["txt"], parts["subject"])
            continue
        try:
            parts[part] = env.get_template(filename).render(**context, subject=parts.get("subject", ""))
        except SecurityError as exc:
            raise TemplateProblem(f"{filename} : opération interdite dans un modèle ({exc})") from None
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            where = f"{filename}:{line}" if line else filename
            raise TemplateProblem(f"{where} : le modèle ne peut pas être utilisé ({exc})") from None
        if part == "subject":
            parts[part] = one_line(parts[part])
        parts[part] = agree(parts[part], civility)
    return RenderedEmail(parts["subject"], parts["txt"], parts["html"])


def _exists(env, filename: str) -> bool:
    from jinja2 import TemplateNotFound

    try:
        env.loader.get_source(env, filename)
    except TemplateNotFound:
        return False
    return True


def text_to_html(text: str, title: str) -> str:
    """The HTML part of a text-only template: paragraphs, line breaks and clickable links."""
    from markupsafe import escape

    def para(block: str) -> str:
        html = str(escape(block.strip())).replace("\n", "<br>\n")
        html = re.sub(r"(https?://[^\s<]+)", r'<a href="\1">\1</a>', html)
        return f"<p>{html}</p>"

    body = "\n".join(para(b) for b in re.split(r"\n\s*\n", text) if b.strip())
    return (f'<!DOCTYPE html>\n<html lang="fr">\n<head><meta charset="utf-8"><title>{escape(title)}</title></head>\n'
            '<body style="font-family: Arial, Helvetica, sans-serif; color: #222; line-height: 1.5; '
            f'max-width: 640px;">\n{body}\n</body>\n</html>\n')


def one_line(text: str) -> str:
    """Header values: no line breaks, ever (no header injection from names or templates)."""
    return re.sub(r"\s+", " ", text).strip()


_ATEXT = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+")  # a display name that needs no quoting
_WORD_BYTES = 40  # UTF-8 bytes per encoded word: "=?utf-8?b?" + 56 base64 characters + "?=" = 68


def address_value(name: str, addr: str) -> str:
    """A From/To value already folded (lines of at most 78 characters with the header's name),
    whose display name can never turn into a second address.

    Python 3.11's folder drops the quotes of a long display name holding commas when it
    splits it over lines, and the message then shows an extra recipient. So a name that is
    not plain words is written as RFC 2047 encoded words (base64 of UTF-8), split at its
    spaces, each space kept inside the word that follows it (RFC 2047 decoders drop the
    folding between words; Python's address parser keeps it, so it reads one extra space).
    """
    name = one_line(name)
    if not name:
        return addr
    if _ATEXT.fullmatch(name) and len(name) + len(addr) <= 60:
        return f"{name} <{addr}>"
    if name.isascii() and name.isprintable() and not re.search(r'["\\]', name) and len(name) + len(addr) <= 60:
        return f'"{name}" <{addr}>'  # one short line: nothing to fold, the quotes stay
    words = [f"=?utf-8?b?{base64.b64encode(chunk.encode()).decode('ascii')}?=" for chunk in _chunks(name)]
    return "\n ".join([*words, f"<{addr}>"])


def subject_value(text: str) -> str:
    """A Subject value already folded, lines of at most 78 characters with "Subject: ".

    Python 3.11's folder loses the space between two encoded words ("donnéesséance") and
    writes encoded words of up to 77 characters (RFC 2047 allows 75). So a subject that is
    not plain ASCII is written here as encoded words (quoted-printable UTF-8, still readable
    in the raw file), cut before a space, each space kept inside the word that follows it.
    """
    text = re.sub(r"[^\S\u00a0\u202f]+", " ", text).strip()  # one line; French non-breaking spaces kept
    if text.isascii() and "=?" not in text:
        lines = _fold_words(text, 78 - len("Subject: "))
        if lines is not None:
            return "\n ".join(lines)
    words = [quoprimime.header_encode(chunk.encode(), "utf-8") for chunk in _chunks(text, _q_length, 57)]
    return "\n ".join(words)


def _fold_words(text: str, first: int) -> list[str] | None:
    """Plain text cut at spaces into lines that fit, or None when a word is too long to fit."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        room = first if not lines else 77
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= room:
            current = candidate
            continue
        if not current or len(word) > 77:
            return None
        lines.append(current)
        current = word
    return [*lines, current]


def _q_length(text: str) -> int:
    return len(quoprimime.header_encode(text.encode(), "utf-8")) - len("=?utf-8?q??=")


def _b_length(text: str) -> int:
    return len(text.encode())


def _chunks(text: str, measure=_b_length, limit: int = _WORD_BYTES) -> list[str]:
    """Pieces of at most `limit` (by `measure`), cut before a space where possible, never inside a character."""
    pieces: list[str] = []
    current = ""
    for token in re.findall(r" ?[^ ]+| ", text):
        if measure(current + token) <= limit:
            current += token
            continue
        if current:
            pieces.append(current)
            current = ""
        for char in token:  # a token longer than a word is cut between characters
            if measure(current + char) > limit:
                pieces.append(current)
                current = ""
            current += char
    if current:
        pieces.append(current)
    return pieces


def attachment_name(text: str) -> str:
    """A whole, readable file name for an attachment (accents kept: RFC 2231 carries them):
    no path separator, no control or reserved character, at most 150 characters."""
    name = unicodedata.normalize("NFC", text)
    name = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', "-", name)
    return re.sub(r"\s+", " ", name).strip(" .-")[:150] or "document"


def build_message(*, sender_name: str, sender_email: str, to_name: str, to_email: str, rendered: RenderedEmail,
                  attachments: list[Attachment], date: datetime, domain: str,
                  tags: dict[str, str] | None = None) -> EmailMessage:
    """`tags` become X-Qualikit-* headers (step, session): handy for the trainer's mail filters."""
    msg = EmailMessage()
    Address(display_name=one_line(sender_name), addr_spec=sender_email)  # refuses a malformed address
    Address(display_name=one_line(to_name), addr_spec=to_email)
    msg.set_raw("From", address_value(sender_name, sender_email))  # written as folded here
    msg.set_raw("To", address_value(to_name, to_email))
    msg.set_raw("Subject", subject_value(rendered.subject))
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = make_msgid(domain=domain)
    for name, value in (tags or {}).items():
        msg[f"X-Qualikit-{name}"] = one_line(value)
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    for a in attachments:
        maintype, subtype = a.mimetype.split("/", 1)
        msg.add_attachment(a.content, maintype=maintype, subtype=subtype, filename=a.filename,
                           params=dict(a.params) or None)
    return msg
