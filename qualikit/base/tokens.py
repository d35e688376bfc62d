"""Survey tokens: unguessable, stable per (survey, session, learner), revealing nothing.

A token is an HMAC of the triple under a secret kept in the project
(.qualikit/secret, created once, readable by the owner only), so the same
link is produced on every run, the mapping token → learner can be recomputed
at import time, and nobody without the secret can forge or guess a token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET = Path(".qualikit") / "secret"


def existing_secret(root: Path) -> bytes | None:
    """The project's secret if it has one; never creates it (for readers)."""
    try:
        return bytes.fromhex((root / SECRET).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def project_secret(root: Path) -> bytes:
    """Read the project's secret, creating it on first use (never overwritten)."""
    path = root / SECRET
    if path.is_file():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    path.parent.mkdir(exist_ok=True)
    value = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another run created it first: use theirs
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(value.hex())
        f.flush()
        os.fsync(f.fileno())
    return value


def survey_token(secret: bytes, survey: str, session_id: str, learner_id: str) -> str:
    """26 lowercase base32 characters (130 bits): safe in any URL or form field."""
    digest = hmac.new(secret, f"{survey}\0{session_id}\0{learner_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:17]).decode("ascii").lower().rstrip("=")[:26]


def survey_link(template: str, token: str) -> str:
    return template.replace("{token}", token)


def verification_page(verification_url: str | None, website: str | None, email: str | None) -> tuple[str | None, bool]:
    """(base URL of the verification pages, whether the trainer set it). Unset: the organisation's web
    site + /verification, else its e-mail domain's; None when there is neither (then no QR code)."""
    if verification_url:
        return verification_url.rstrip("/"), True
    if website and website.startswith(("https://", "http://")):
        return website.rstrip("/") + "/verification", False
    if email and "@" in email:
        return f"https://www.{email.rpartition('@')[2].lower()}/verification", False
    return None, False


def verification_link(base: str | None, code: str) -> str:
    """What the QR code encodes: the page `verify --publish` writes for this code (a folder: any web
    server answers base/CODE with its index.html); empty when there is no base."""
    return f"{base}/{code}" if base else ""


def attendance_token(secret: bytes, session_id: str, learner_id: str, day, half: str) -> str:
    """A learner's personal link to sign one half-day at a distance: as unguessable as a survey token,
    and bound to that learner and that half-day (it signs nothing else)."""
    return survey_token(secret, f"emargement\0{day.isoformat()}\0{half}", session_id, learner_id)


def document_token(secret: bytes, document: str, session_id: str, party: str) -> str:
    """The personal link to sign one document (« contrat » of a learner, « convention » of a buyer) at a
    distance: as unguessable as a survey token, bound to that document and that party only."""
    return survey_token(secret, f"signature\0{document}", session_id, party)


PIN_DIGITS = 6


def attendance_pin(secret: bytes, session_id: str, learner_id: str) -> str:
    """A learner's short code for the distance half-days of a session, sent with the convocation and
    typed on the room page instead of drawing: six digits, so only a few tries are allowed
    (commands/emargement.PIN_TRIES)."""
    digest = hmac.new(secret, f"emargement-pin\0{session_id}\0{learner_id}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10 ** PIN_DIGITS:0{PIN_DIGITS}d}"
