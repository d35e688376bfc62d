"""E-mails from Jinja2 templates (the project's own first, then qualikit's), rendered sandboxed.

A trainer's template can use the values it is given but cannot reach Python
internals: the sandbox refuses attribute tricks, and the error names the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
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


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def template_env(root: Path):
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


def build_message(*, sender_name: str, sender_email: str, to_name: str, to_email: str, rendered: RenderedEmail,
                  attachments: list[Attachment], date: datetime, domain: str,
                  tags: dict[str, str] | None = None) -> EmailMessage:
    """`tags` become X-Qualikit-* headers (step, session): handy for the trainer's mail filters."""
    msg = EmailMessage()
    msg["From"] = Address(display_name=one_line(sender_name), addr_spec=sender_email)
    msg["To"] = Address(display_name=one_line(to_name), addr_spec=to_email)
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = make_msgid(domain=domain)
    for name, value in (tags or {}).items():
        msg[f"X-Qualikit-{name}"] = one_line(value)
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    for a in attachments:
        maintype, subtype = a.mimetype.split("/", 1)
        msg.add_attachment(a.content, maintype=maintype, subtype=subtype, filename=a.filename)
    return msg
