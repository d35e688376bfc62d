"""`qualikit verify --publish DIR`: the verification pages to put on the trainer's web site."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qualikit.base.files import write_atomic
from qualikit.project.journal import Entry
from qualikit.project.model import Project


@dataclass(frozen=True)
class Published:
    files: list[Path]
    codes: int
    base: str | None  # where the QR codes lead
    configured: bool  # whether the trainer set verification_url (else a guess from the web site)
    certificate: str | None  # fingerprint published for signed documents
    certificate_problem: str | None  # why the certificate could not be read, when it could not


def publish_verification(project: Project, root: Path, entries: list[Entry], dest: Path) -> Published:
    from qualikit.commands.close import certificate_path
    from qualikit.documents.signing import SigningError, certificate_fingerprint, certificate_of, verification_page
    from qualikit.documents.verify_site import verification_pages

    org = project.organisation
    base, configured = verification_page(project.settings.verification_url, org.website, org.sender_email)
    fingerprint = problem = None
    certificate = certificate_path(project, root)
    if certificate is not None:
        try:
            der = certificate_of(certificate, project.settings.certificate_passphrase_env)
            fingerprint = certificate_fingerprint(der)
        except SigningError as exc:
            problem = str(exc)
    pages = verification_pages(entries, org.name, base, fingerprint)
    files = []
    for relative, content in sorted(pages.items()):
        write_atomic(dest / relative, content)
        files.append(dest / relative)
    return Published(files, len(pages) - 1, base, configured, fingerprint, problem)
