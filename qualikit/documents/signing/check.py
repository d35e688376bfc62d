"""Checking the signatures of a PDF against trusted certificates, with a one-line French verdict."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from qualikit.documents.signing.common import SigningError, _run


@dataclass(frozen=True)
class SignatureCheck:
    present: bool
    intact: bool  # the signed bytes were not modified and the signature covers the whole document
    valid: bool  # cryptographically valid and trusted against the given roots
    signer: str | None
    signed_at: datetime | None  # as reported by the signer (PAdES B-B has no trusted timestamp)
    message: str  # French, one line
    fingerprint: str | None = None  # SHA-256 of the (last) signer's certificate, to compare with a published one


# --- checking ------------------------------------------------------------------------------------


def _trust_roots(trust: list[bytes] | None) -> list[Any]:
    from asn1crypto import pem, x509

    roots = []
    for blob in trust or []:
        try:
            items = [der for _, _, der in pem.unarmor(blob, multiple=True)] if pem.detect(blob) else [blob]
            for der in items:
                cert = x509.Certificate.load(der)
                cert.native  # noqa: B018 (parse now: a broken certificate fails here, not mid-validation)
                roots.append(cert)
        except Exception:
            raise SigningError("certificat de confiance illisible (ni DER ni PEM)") from None
    return roots


def _name_text(name: Any) -> str:
    """Common name, else organisation, of an asn1crypto x509.Name."""
    native = name.native
    return str(native.get("common_name") or native.get("organization_name") or name.human_friendly)


def _cert_name(cert: Any) -> str:
    return _name_text(cert.subject)


UNKNOWN_CERTIFICATE = "certificat non reconnu (ni celui du projet, ni émis par une autorité de confiance)"
_TRUST_PROBLEMS = {
    "EXPIRED": "certificat expiré",
    "NOT_YET_VALID": "certificat pas encore valable",
    "REVOKED": "certificat révoqué",
    "CRYPTO_CONSTRAINTS_FAILURE": "algorithme de signature trop faible",
}


def _judge(status: Any, last: bool, roots: list[Any]) -> tuple[bool, bool, str]:
    """(intact, valid, message) for one pyHanko PdfSignatureStatus."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    name = _cert_name(status.signing_cert)
    if not status.intact:
        return False, False, "document modifié après signature"
    if not status.valid:
        return True, False, f"signature invalide : la signature de {name} ne correspond pas (falsifiée ou endommagée)"
    if last:
        covered = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    else:  # an earlier signature: only later signatures (form filling) may follow it
        covered = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or status.modification_level in (
            ModificationLevel.NONE,
            ModificationLevel.LTA_UPDATES,
            ModificationLevel.FORM_FILLING,
        )
    if not covered:
        return False, False, "document modifié après signature (contenu ajouté après la signature)"
    if not status.trusted:
        indic = getattr(status.trust_problem_indic, "name", "")
        if not roots:
            problem = "certificat non vérifié (aucun certificat de confiance fourni)"
        elif indic in _TRUST_PROBLEMS:
            problem = _TRUST_PROBLEMS[indic]
        elif status.signing_cert.dump() in {root.dump() for root in roots}:
            problem = "certificat non prévu pour signer des documents"  # key usage or similar constraint
        else:  # no path to a root; a self-signed stranger also lands here (CHAIN_CONSTRAINTS_FAILURE)
            problem = UNKNOWN_CERTIFICATE
        return True, False, f"signature intègre de {name}, mais {problem}"
    cert = status.signing_cert
    if cert.self_signed in ("yes", "maybe"):
        origin = "certificat auto-signé"
    else:
        origin = f"certificat émis par {_name_text(cert.issuer)}"
    return True, True, f"signature valide de {name} ({origin})"


@contextmanager
def _quiet_pyhanko() -> Iterator[None]:
    """pyHanko logs every untrusted or broken signature with a traceback: the verdict says it already."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def check_signature(pdf: bytes, trust: list[bytes] | None = None) -> SignatureCheck:
    """Verify every signature of the PDF against `trust` (DER or PEM certificates taken as roots).

    Never raises for a damaged or foreign file; SigningError only for an unreadable trust certificate.
    """
    roots = _trust_roots(trust)
    with _quiet_pyhanko():
        return _check(pdf, roots)


def _check(pdf: bytes, roots: list[Any]) -> SignatureCheck:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception:
        return SignatureCheck(False, False, False, None, None, "fichier illisible : ce n'est pas un PDF valide")
    if not signatures:
        return SignatureCheck(False, False, False, None, None, "aucune signature électronique")

    verdicts: list[tuple[bool, bool, str, str | None, datetime | None, str | None]] = []
    for i, embedded in enumerate(signatures):
        try:
            context = ValidationContext(trust_roots=roots, allow_fetching=False)
            status = _run(async_validate_pdf_signature(embedded, signer_validation_context=context))
        except Exception:
            verdicts.append((False, False, "signature endommagée : impossible de la vérifier", None, None, None))
            continue
        intact, valid, message = _judge(status, i == len(signatures) - 1, roots)
        verdicts.append((intact, valid, message, _cert_name(status.signing_cert), status.signer_reported_dt,
                         certificate_fingerprint(status.signing_cert.dump())))

    intact = all(v[0] for v in verdicts)
    valid = all(v[1] for v in verdicts)
    failing = next((v for v in verdicts if not v[1]), None)
    *_, signer, signed_at, fingerprint = verdicts[-1]
    if failing is not None:
        message = failing[2]
    elif len(verdicts) == 1:
        message = verdicts[0][2]
    else:
        message = f"{len(verdicts)} signatures valides : " + ", ".join(
            v[2].removeprefix("signature valide de ") for v in verdicts
        )
    if len(verdicts) > 1 and failing is not None:
        message = f"signature {verdicts.index(failing) + 1} sur {len(verdicts)} : {message}"
    return SignatureCheck(True, intact, valid, signer, signed_at, message, fingerprint)


def certificate_fingerprint(der: bytes) -> str:
    """« AB:CD:… »: the SHA-256 of a DER certificate, as certificate viewers show it."""
    import hashlib

    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))
