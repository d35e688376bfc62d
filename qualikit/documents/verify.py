"""`qualikit verify`: is this PDF one the project issued, unaltered, with a valid signature?"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from qualikit.project.journal import Entry, Journal

CODE = re.compile(r"QK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


@dataclass(frozen=True)
class Verdict:
    issued: Entry | None  # the journal entry of exactly these bytes
    claimed: Entry | None  # the entry whose verification code the document carries (when bytes differ)
    code: str | None
    signature: object  # signing.SignatureCheck

    @property
    def authentic(self) -> bool:
        sig = self.signature
        return self.issued is not None and (not sig.present or sig.valid)


def document_code(pdf: bytes) -> str | None:
    """The verification code kept in the PDF's metadata (Keywords), if readable."""
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        info = PdfFileReader(io.BytesIO(pdf), strict=False).trailer_view.get("/Info")
        keywords = str(info.get("/Keywords", "")) if info is not None else ""
    except Exception:
        keywords = ""
    match = CODE.search(keywords) or CODE.search(pdf.decode("latin-1"))
    return match.group(0) if match else None


def verify_document(pdf: bytes, journal: Journal, trust: list[bytes]) -> Verdict:
    from qualikit.documents.signing import check_signature

    digest = hashlib.sha256(pdf).hexdigest()
    entries = [e for e in journal.entries() if isinstance(e.data, dict) and e.data.get("sha256")]
    issued = next((e for e in reversed(entries) if e.data["sha256"] == digest), None)
    code = issued.data.get("code") if issued else document_code(pdf)
    claimed = None
    if issued is None and code:
        claimed = next((e for e in reversed(entries) if e.data.get("code") == code), None)
    return Verdict(issued, claimed, code, check_signature(pdf, trust))


def project_trust(root: Path, certificate: Path | None, passphrase_env: str) -> list[bytes]:
    """The project's own certificate as a trust root, when it can be read."""
    if certificate is None or not certificate.is_file():
        return []
    from qualikit.documents.signing import SigningError, certificate_of

    try:
        return [certificate_of(certificate, passphrase_env)]
    except SigningError:
        return []



