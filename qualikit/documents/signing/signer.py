"""Loading the trainer's PKCS#12 certificate once per run (Signer) and PAdES-signing PDFs with it."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

from qualikit.documents.signing.common import SigningError, _run

PASSPHRASE_ENV = "QUALIKIT_CERT_PASSPHRASE"
FIELD_NAME = "Signature"
BYTES_RESERVED = 8192  # hex digits reserved for the CMS blob: 4 KB of DER, ample for a self-signed certificate


@dataclass(frozen=True)
class Signer:
    """The trainer's key and certificate, loaded once per run and reused for every document."""

    name: str  # the certificate subject's common name
    certificate: bytes = field(repr=False)  # DER; the trust root to give `check_signature`
    not_after: datetime  # end of validity (UTC)
    self_signed: bool
    _backend: Any = field(repr=False, compare=False)  # pyHanko signer holding the parsed key
    _reserved: int = field(default=BYTES_RESERVED, repr=False, compare=False)


# --- loading -------------------------------------------------------------------------------------


def _scrub(message: str, secret: str | None) -> str:
    if secret and len(secret) >= 4:
        message = message.replace(secret, "***")
    return message


def _is_pkcs12(data: bytes) -> bool:
    """Whether the bytes have the structure of a PKCS#12 file (so a failed load means a bad passphrase)."""
    from asn1crypto import pkcs12

    try:
        pfx = pkcs12.Pfx.load(data, strict=True)
        return pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native is not None
    except Exception:
        return False


def _open_p12(p12: Path, passphrase_env: str) -> tuple[Any, Any, list[Any]]:
    """(private key, certificate, other certificates) as cryptography objects; SigningError otherwise."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        data = Path(p12).read_bytes()
    except FileNotFoundError:
        raise SigningError(f"certificat introuvable : {p12}") from None
    except OSError as e:
        raise SigningError(f"impossible de lire le certificat {p12} : {e.strerror or e}") from None

    secret = os.environ.get(passphrase_env)
    # an unencrypted file also opens when the variable happens to be set (None and b"" differ for cryptography)
    attempts: list[bytes | None] = [secret.encode("utf-8"), None, b""] if secret else [None, b""]
    loaded = None
    for attempt in attempts:
        try:
            loaded = pkcs12.load_key_and_certificates(data, attempt)
            break
        except Exception:  # wrong passphrase and damaged file both end here
            continue
    if loaded is None:
        if not _is_pkcs12(data):
            message = f"{p12} n'est pas un certificat PKCS#12 (.p12 ou .pfx) lisible"
        elif not secret:
            state = "n'est pas définie" if secret is None else "est vide"
            message = (
                f"le certificat {p12} est protégé par une phrase secrète et la variable "
                f"d'environnement {passphrase_env} {state} : définissez-la avant de signer"
            )
        else:
            message = (
                f"phrase secrète incorrecte pour le certificat {p12} "
                f"(variable d'environnement {passphrase_env}), ou fichier endommagé"
            )
        raise SigningError(_scrub(message, secret))
    key, cert, others = loaded
    if cert is None:
        raise SigningError(_scrub(f"le fichier {p12} ne contient pas de certificat", secret))
    return key, cert, list(others or [])


def _common_name(cert: Any) -> str:
    from cryptography.x509.oid import NameOID

    for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME):
        values = cert.subject.get_attributes_for_oid(oid)
        if values and str(values[0].value).strip():
            return str(values[0].value).strip()
    return cert.subject.rfc4514_string() or "signataire inconnu"


@functools.cache
def _cached_signer_class() -> type:
    """A pyHanko SimpleSigner that keeps the parsed private key instead of re-parsing it per PDF."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign.signers.pdf_cms import SimpleSigner
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class CachedKeySigner(SimpleSigner):
        def __init__(self, *args: Any, pyca_key: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pyca_key = pyca_key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                algo = mechanism.signature_algo
            except ValueError:
                algo = mechanism["algorithm"].native
            hash_algo = get_pyca_cryptography_hash(digest_algorithm)
            if algo == "rsassa_pkcs1v15":
                return self._pyca_key.sign(data, PKCS1v15(), hash_algo)
            if algo == "ecdsa":
                try:  # RFC 6979: no random nonce, so a weak RNG cannot leak the key
                    return self._pyca_key.sign(data, ECDSA(hash_algo, deterministic_signing=True))
                except (TypeError, UnsupportedAlgorithm):
                    return self._pyca_key.sign(data, ECDSA(hash_algo))
            return super().sign_raw(data, digest_algorithm)  # PSS, EdDSA…: pyHanko's own path

    return CachedKeySigner


def load_signer(p12: Path, passphrase_env: str = PASSPHRASE_ENV) -> Signer:
    """Open the PKCS#12 file once; the passphrase comes from the environment variable (absent or
    empty: the file is tried as unencrypted)."""
    from cryptography.hazmat.primitives import serialization
    from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key, cert, others = _open_p12(p12, passphrase_env)
    if key is None:
        raise SigningError(f"le fichier {p12} ne contient pas de clé privée : impossible de signer avec")
    now = datetime.now(UTC)
    if cert.not_valid_after_utc < now:
        raise SigningError(
            f"le certificat {p12} a expiré le {cert.not_valid_after_utc:%d/%m/%Y} : "
            "créez-en un nouveau ou faites-le renouveler"
        )
    if cert.not_valid_before_utc > now + timedelta(minutes=5):
        raise SigningError(
            f"le certificat {p12} n'est valable qu'à partir du {cert.not_valid_before_utc:%d/%m/%Y} "
            "(vérifiez l'horloge de l'ordinateur)"
        )
    try:
        store = SimpleCertificateStore()
        store.register_multiple([translate_pyca_cryptography_cert_to_asn1(c) for c in others])
        backend = _cached_signer_class()(
            signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
            signing_key=translate_pyca_cryptography_key_to_asn1(key),
            cert_registry=store,
            pyca_key=key,
        )
    except Exception as e:
        raise SigningError(f"clé du certificat {p12} non prise en charge pour signer : {type(e).__name__}") from None
    der = cert.public_bytes(serialization.Encoding.DER)
    # the CMS blob holds every certificate plus ~1.5 KB of attributes and signature; hex doubles it
    blob = len(der) + sum(len(c.public_bytes(serialization.Encoding.DER)) for c in others) + 2048
    reserved = max(BYTES_RESERVED, -(-2 * blob // 1024) * 1024)
    return Signer(
        name=_common_name(cert),
        certificate=der,
        not_after=cert.not_valid_after_utc,
        self_signed=cert.issuer == cert.subject,
        _backend=backend,
        _reserved=reserved,
    )


def certificate_of(p12: Path, passphrase_env: str = PASSPHRASE_ENV) -> bytes:
    """The DER certificate inside the PKCS#12 file, to use as trust root in `check_signature`."""
    from cryptography.hazmat.primitives import serialization

    _, cert, _ = _open_p12(p12, passphrase_env)
    return cert.public_bytes(serialization.Encoding.DER)


# --- signing -------------------------------------------------------------------------------------


def _free_field_name(reader: Any) -> str:
    """'Signature', or 'Signature2'… when the PDF already carries a filled field of that name."""
    from pyhanko.sign.fields import enumerate_sig_fields

    taken = {name for name, value, _ in enumerate_sig_fields(reader) if value is not None}
    name, n = FIELD_NAME, 1
    while name in taken:
        n += 1
        name = f"{FIELD_NAME}{n}"
    return name


def sign_pdf(pdf: bytes, signer: Signer, *, reason: str, location: str) -> bytes:
    """The PDF with an invisible PAdES B-B signature (SHA-256) appended as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner

    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    except Exception as e:
        raise SigningError(f"PDF illisible, signature impossible ({type(e).__name__})") from None
    if writer.prev.encrypted:
        raise SigningError("PDF chiffré : qualikit ne signe que des PDF non protégés par mot de passe")
    meta = PdfSignatureMetadata(
        field_name=_free_field_name(writer.prev),
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=signer.name,
    )
    try:
        out = _run(PdfSigner(meta, signer._backend).async_sign_pdf(writer, bytes_reserved=signer._reserved))
    except Exception as e:
        raise SigningError(f"échec de la signature du PDF ({type(e).__name__} : {e})") from None
    return out.getvalue()
