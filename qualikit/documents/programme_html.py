"""The fiche programme as a standalone HTML page (indicator 1), for the trainer's website.

The same content as the PDF (programme_sheet.sheet_content), laid out by
templates/documents/programme.html.j2: lang="fr", one h1 and h2 sections, a description list for
the key facts, inline CSS, no external asset (no font, script or image to fetch). The template is
rendered in Jinja2's sandbox with autoescaping: a title holding « <script> » shows as text.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from qualikit.base.resources import templates_dir
from qualikit.documents.programme_sheet import sheet_content
from qualikit.documents.stamp import plain_date
from qualikit.journey.facts import Journey
from qualikit.project.model import Programme, Project

TEMPLATE = "documents/programme.html.j2"


@cache
def _env():
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(loader=FileSystemLoader(templates_dir()), autoescape=True,
                                         undefined=StrictUndefined, keep_trailing_newline=True)


def render_programme_html(project: Project, programme: Programme, issued_on: date,
                          journey: Journey | None = None) -> str:
    """The fiche programme as an HTML page (a str, UTF-8 when written)."""
    content = sheet_content(project, programme, issued_on, journey)
    org = content.organisation
    ref = content.referent
    return _env().get_template(TEMPLATE).render(
        c=content,
        updated=plain_date(content.updated),
        updated_iso=content.updated.isoformat(),
        issued=plain_date(content.issued_on),
        issued_iso=content.issued_on.isoformat(),
        referent=_person(ref.name, ref.email, ref.phone) if ref else None,
        legal_rep=(_person(org.legal_rep.name, org.legal_rep.email, org.legal_rep.phone, org.legal_rep.title)
                   if org.legal_rep else None),
        contact=_person(org.name, org.email, org.phone),
        website=_website(org.website),
    )


def _person(name: str, email: str | None, number: str | None, title: str | None = None) -> dict:
    return {"name": name, "title": title, "email": email.strip() if email else None,
            "phone": number.strip() if number else None, "tel": _tel(number) if number else None}


def _tel(number: str) -> str:
    """A tel: URI: « 04 65 71 20 48 » → « +33465712048 » (French numbers), digits otherwise."""
    digits = re.sub(r"[^\d+]", "", number)
    if re.fullmatch(r"0\d{9}", digits):
        return "+33" + digits[1:]
    return digits


def _website(url: str | None) -> dict | None:
    if not url or not re.match(r"^https?://", url.strip(), re.IGNORECASE):
        return None
    url = url.strip()
    return {"url": url, "label": re.sub(r"^https?://", "", url).rstrip("/")}
