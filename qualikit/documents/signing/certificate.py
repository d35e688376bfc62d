"""Creating a self-signed ECDSA P-256 certificate (PKCS#12) for a trainer who has none."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from qualikit.documents.signing.common import SigningError

_PBKDF2_ROUNDS = 100_000
# id-kp-documentSigning (RFC 9336); emailProtection is there too, for Adobe and NSS
_DOCUMENT_SIGNING_OID = "1.3.6.1.5.5.7.3.36"

SELF_SIGNED_NOTE = (
    "Ce certificat est auto-signé : vous l'avez créé vous-même, aucune autorité de certification "
    "n'a vérifié votre identité. La signature prouve que le document n'a pas été modifié depuis "
    "sa signature et qu'il a été signé avec la clé contenue dans ce fichier ; elle ne prouve pas, "
    "à elle seule, qui la détient. Les lecteurs PDF (Adobe Acrobat, etc.) afficheront donc une "
    "signature « de validité inconnue » ou « non approuvée », ce qui est normal. Pour une signature "
    "électronique qualifiée au sens du règlement eIDAS, utilisez un certificat délivré par un "
    "prestataire de services de confiance qualifié (liste de confiance publiée par l'ANSSI)."
)


def _write_new(dest: Path, data: bytes) -> None:
    """Write atomically (temporary file, fsync, link) and mode 0600; never replace an existing file."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, dest)  # atomic, and fails if dest appeared meanwhile
        except FileExistsError:
            raise SigningError(f"{dest} existe déjà : qualikit ne remplace pas un certificat existant") from None
        except OSError:  # no hard links on this file system
            if dest.exists():
                raise SigningError(f"{dest} existe déjà : qualikit ne remplace pas un certificat existant") from None
            os.replace(tmp, dest)
    finally:
        Path(tmp).unlink(missing_ok=True)
    os.chmod(dest, 0o600)


def create_self_signed(
    dest: Path, *, name: str, email: str | None, organisation: str, passphrase: str, years: int = 3
) -> Path:
    """A PKCS#12 file with an ECDSA P-256 key and a self-signed certificate for signing documents.

    An empty passphrase leaves the file unencrypted (then protect it otherwise)."""
    dest = Path(dest)
    if dest.exists():
        raise SigningError(f"{dest} existe déjà : qualikit ne remplace pas un certificat existant")
    if not name.strip():
        raise SigningError("le nom du signataire est obligatoire pour créer un certificat")
    if not 1 <= years <= 30:
        raise SigningError("la durée de validité du certificat doit être comprise entre 1 et 30 ans")
    email = (email or "").strip() or None
    if email and (not email.isascii() or email.count("@") != 1 or " " in email):
        raise SigningError(f"adresse e-mail invalide pour le certificat : {email}")

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

    key = ec.generate_private_key(ec.SECP256R1())
    # X.509 caps common and organisation names at 64 characters
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, name.strip()[:64])]
    if organisation.strip():
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation.strip()[:64]))
    if email:
        attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    subject = x509.Name(attributes)
    now = datetime.now(UTC).replace(microsecond=0)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * years + years // 4))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, ObjectIdentifier(_DOCUMENT_SIGNING_OID)]),
            critical=False,
        )
        .add_extension(ski, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
    )
    if email:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    cert = builder.sign(key, hashes.SHA256())
    if passphrase:
        encryption = (
            serialization.PrivateFormat.PKCS12.encryption_builder()
            .kdf_rounds(_PBKDF2_ROUNDS)
            .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
            .hmac_hash(hashes.SHA256())
            .build(passphrase.encode("utf-8"))
        )
    else:
        encryption = serialization.NoEncryption()
    data = pkcs12.serialize_key_and_certificates(name.strip().encode("utf-8"), key, cert, None, encryption)
    _write_new(dest, data)
    return dest
