"""Electronic signatures of the PDFs qualikit issues, and the codes that let a reader check them.

- `load_signer` (signer.py) opens the trainer's PKCS#12 file once per run; `sign_pdf` then adds an invisible
  PAdES B-B signature (offline: no timestamp server) to each document. The parsed private key is
  cached on the signer and the signature size is reserved up front, so a signature costs ≈ 19 ms
  instead of ≈ 116 ms with RSA (pyHanko re-parses the key and signs a dry run for every PDF otherwise).
- `check_signature` (check.py) verifies a PDF against the project's own certificate and never raises for a
  damaged file: the answer is a value with a one-line French message.
- `create_self_signed` (certificate.py) makes a self-signed certificate for a trainer who has none. ECDSA P-256:
  with the cached key it signs as fast as RSA 2048 (≈ 19 ms both), is 3x faster without the cache,
  is generated instantly, signs deterministically (RFC 6979), and pyHanko and poppler's pdfsig both
  validate it.
- `verification_code` and `qr_drawing` (codes.py) are printed on documents so a reader can check them.

pyHanko, cryptography, segno and reportlab are imported inside the functions that use them: the
CLI must start fast and most commands never sign anything; importing this package imports none of them.
"""

from qualikit.documents.signing.certificate import SELF_SIGNED_NOTE, create_self_signed
from qualikit.documents.signing.check import (
    UNKNOWN_CERTIFICATE,
    SignatureCheck,
    certificate_fingerprint,
    check_signature,
)
from qualikit.documents.signing.codes import (
    CODE_ALPHABET,
    CODE_PREFIX,
    code_matches,
    qr_drawing,
    verification_code,
    verification_link,
    verification_page,
)
from qualikit.documents.signing.common import SigningError
from qualikit.documents.signing.signer import (
    BYTES_RESERVED,
    FIELD_NAME,
    PASSPHRASE_ENV,
    Signer,
    certificate_of,
    load_signer,
    sign_pdf,
)

__all__ = [
    "BYTES_RESERVED",
    "CODE_ALPHABET",
    "CODE_PREFIX",
    "FIELD_NAME",
    "PASSPHRASE_ENV",
    "SELF_SIGNED_NOTE",
    "UNKNOWN_CERTIFICATE",
    "SignatureCheck",
    "Signer",
    "SigningError",
    "certificate_fingerprint",
    "certificate_of",
    "check_signature",
    "code_matches",
    "create_self_signed",
    "load_signer",
    "qr_drawing",
    "sign_pdf",
    "verification_code",
    "verification_link",
    "verification_page",
]
