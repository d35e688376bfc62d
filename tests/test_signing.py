"""Signatures on real files: a PKCS#12 made once per module, PDFs made with reportlab, checked by
pyHanko (check_signature) and independently by poppler's pdfsig when it is installed."""

from __future__ import annotations

import asyncio
import io
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from qualikit.documents.signing import (
    CODE_ALPHABET,
    SELF_SIGNED_NOTE,
    SignatureCheck,
    Signer,
    SigningError,
    certificate_fingerprint,
    certificate_of,
    check_signature,
    code_matches,
    create_self_signed,
    load_signer,
    qr_drawing,
    sign_pdf,
    verification_code,
)

ENV = "QUALIKIT_CERT_PASSPHRASE"
PASSPHRASE = "Cheval-Agrafe-Lune-42"
NAME = "Claire Clément"
TEXT = "Attestation de fin de formation"
PDFSIG = shutil.which("pdfsig")
PDFTOPPM = shutil.which("pdftoppm")
ZBARIMG = shutil.which("zbarimg")


def make_pdf(text: str = TEXT) -> bytes:
    """One A4 page of French text; page content left uncompressed so a test can edit one byte."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=0)
    c.setFont("Helvetica", 12)
    c.drawString(72, 760, text)
    c.drawString(72, 740, "Claire Clément atteste qu’Ana Lopez a suivi « Excel pour la gestion » (7 h).")
    c.drawString(72, 720, "Fait à Lyon, le 23 novembre 2026. Signé électroniquement par Claire Clément.")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def p12(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("cert") / "signature.p12"
    return create_self_signed(
        dest, name=NAME, email="claire@clement-formation.fr", organisation="Clément Formation", passphrase=PASSPHRASE
    )


@pytest.fixture(scope="module")
def signer(p12: Path) -> Signer:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV, PASSPHRASE)
        return load_signer(p12)


@pytest.fixture(scope="module")
def cert(p12: Path) -> bytes:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV, PASSPHRASE)
        return certificate_of(p12)


@pytest.fixture(scope="module")
def signed(signer: Signer) -> bytes:
    return sign_pdf(make_pdf(), signer, reason="Attestation de fin de formation", location="Lyon")


def pdfsig(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    done = subprocess.run([PDFSIG, str(path)], capture_output=True, text=True, timeout=30)
    return done.stdout + done.stderr


# --- signing and checking ------------------------------------------------------------------------


def test_signed_pdf_is_valid_against_own_certificate(signed: bytes, cert: bytes, signer: Signer) -> None:
    assert signer.name == NAME
    assert signer.self_signed
    assert signer.certificate == cert
    result = check_signature(signed, [cert])
    assert result == SignatureCheck(
        present=True,
        intact=True,
        valid=True,
        signer=NAME,
        signed_at=result.signed_at,
        message="signature valide de Claire Clément (certificat auto-signé)",
        fingerprint=certificate_fingerprint(cert),
    )
    assert result.signed_at is not None
    assert abs(datetime.now(UTC) - result.signed_at) < timedelta(minutes=5)


def test_signature_is_invisible_and_keeps_the_page(signed: bytes) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(signed))
    assert len(reader.pages) == 1
    assert TEXT in reader.pages[0].extract_text()
    fields = reader.get_fields() or {}
    assert list(fields) == ["Signature"]
    widgets = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    assert all([float(v) for v in w["/Rect"]] == [0, 0, 0, 0] for w in widgets)


def test_pem_trust_root_works_too(signed: bytes, cert: bytes) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    pem = x509.load_der_x509_certificate(cert).public_bytes(Encoding.PEM)
    assert check_signature(signed, [pem]).valid


@pytest.mark.skipif(PDFSIG is None, reason="poppler's pdfsig is not installed")
def test_pdfsig_validates_independently(signed: bytes, tmp_path: Path) -> None:
    out = pdfsig(signed, tmp_path)
    assert "Signature Validation: Signature is Valid." in out
    assert "Total document signed" in out
    assert "Signer Certificate Common Name: Claire Clément" in out
    assert "Signature Type: ETSI.CAdES.detached" in out  # PAdES
    assert "Signing Hash Algorithm: SHA-256" in out


def test_untrusted_when_no_or_another_root(signed: bytes, tmp_path: Path) -> None:
    alone = check_signature(signed)
    assert (alone.present, alone.intact, alone.valid, alone.signer) == (True, True, False, NAME)
    assert "aucun certificat de confiance" in alone.message

    other = create_self_signed(tmp_path / "autre.p12", name=NAME, email=None, organisation="X", passphrase="")
    impostor = check_signature(signed, [certificate_of(other)])
    assert (impostor.intact, impostor.valid) == (True, False)
    assert impostor.message.startswith("signature intègre de Claire Clément, mais certificat non reconnu")


def one_byte_changed(signed: bytes) -> bytes:
    """Flip one letter of the page text, which lies inside the signed byte range."""
    at = signed.index(b"fin de formation")
    contents = signed.index(b"/Contents <")
    assert at < contents  # inside the first signed range, not in the signature hex
    return signed[:at] + b"F" + signed[at + 1 :]


def test_one_changed_byte_breaks_the_signature(signed: bytes, cert: bytes) -> None:
    result = check_signature(one_byte_changed(signed), [cert])
    assert (result.present, result.intact, result.valid) == (True, False, False)
    assert result.message == "document modifié après signature"


@pytest.mark.skipif(PDFSIG is None, reason="poppler's pdfsig is not installed")
def test_pdfsig_rejects_one_changed_byte(signed: bytes, tmp_path: Path) -> None:
    out = pdfsig(one_byte_changed(signed), tmp_path)
    assert "Signature Validation:" in out
    assert "Signature Validation: Signature is Valid." not in out


def test_bytes_appended_after_signing_are_reported(signed: bytes, cert: bytes) -> None:
    result = check_signature(signed + b"\n% ajout\n", [cert])
    assert (result.present, result.intact, result.valid) == (True, False, False)
    assert result.message.startswith("document modifié après signature")


def test_signature_bytes_tampered(signed: bytes, cert: bytes) -> None:
    start = signed.index(b"/Contents <") + len(b"/Contents <")
    end = signed.index(b">", start)
    hex_sig = signed[start:end].rstrip(b"0")
    at = start + len(hex_sig) - 10  # inside the ECDSA signature value at the end of the CMS blob
    flipped = b"1" if signed[at : at + 1] != b"1" else b"2"
    result = check_signature(signed[:at] + flipped + signed[at + 1 :], [cert])
    assert result.present and not result.valid


def test_second_signature_keeps_both_valid(signed: bytes, signer: Signer, cert: bytes) -> None:
    twice = sign_pdf(signed, signer, reason="Contre-signature", location="Lyon")
    result = check_signature(twice, [cert])
    assert (result.present, result.intact, result.valid) == (True, True, True)
    assert result.message.startswith("2 signatures valides")


def test_unsigned_pdf_has_no_signature(cert: bytes) -> None:
    result = check_signature(make_pdf(), [cert])
    assert result == SignatureCheck(False, False, False, None, None, "aucune signature électronique")


@pytest.mark.parametrize(
    "junk",
    [b"", b"garbage", b"%PDF-1.7\n", os.urandom(4096), b"%PDF-1.4\n" + os.urandom(2048)],
    ids=["empty", "text", "header-only", "random", "pdf-header-random"],
)
def test_garbage_is_not_a_signature(junk: bytes, cert: bytes) -> None:
    result = check_signature(junk, [cert])
    assert not result.present and not result.valid
    assert result.message


def test_truncated_signed_pdf_never_raises(signed: bytes, cert: bytes) -> None:
    for cut in (len(signed) // 3, len(signed) // 2, len(signed) - 40):
        result = check_signature(signed[:cut], [cert])
        assert not result.valid
        assert result.message


def test_unreadable_trust_root_is_a_signing_error(signed: bytes) -> None:
    with pytest.raises(SigningError, match="certificat de confiance illisible"):
        check_signature(signed, [b"not a certificate"])


def test_sign_refuses_what_is_not_a_pdf(signer: Signer) -> None:
    with pytest.raises(SigningError, match="PDF illisible"):
        sign_pdf(b"not a pdf", signer, reason="r", location="l")


def test_works_inside_a_running_event_loop(signer: Signer, cert: bytes) -> None:
    async def main() -> SignatureCheck:
        return check_signature(sign_pdf(make_pdf(), signer, reason="r", location="Lyon"), [cert])

    assert asyncio.run(main()).valid


# --- the PKCS#12 file ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "mauvaise-phrase-secrete"], ids=["absent", "empty", "wrong"])
def test_bad_passphrase_is_a_french_error_without_the_secret(
    p12: Path, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv(ENV, raising=False)
    else:
        monkeypatch.setenv(ENV, value)
    for load in (load_signer, certificate_of):
        with pytest.raises(SigningError) as caught:
            load(p12)
        text = str(caught.value)
        assert str(p12) in text and ENV in text
        assert PASSPHRASE not in text and PASSPHRASE not in repr(caught.value)
        if value:
            assert value not in text
            assert "phrase secrète incorrecte" in text
        else:
            assert "protégé par une phrase secrète" in text
        assert caught.value.__cause__ is None
        assert caught.value.__context__ is None or caught.value.__suppress_context__


def test_custom_variable_name(p12: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv("MA_PHRASE", PASSPHRASE)
    assert load_signer(p12, "MA_PHRASE").name == NAME
    monkeypatch.delenv("MA_PHRASE")
    with pytest.raises(SigningError, match="MA_PHRASE"):
        load_signer(p12, "MA_PHRASE")


def test_unreadable_or_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, PASSPHRASE)
    with pytest.raises(SigningError, match="introuvable"):
        load_signer(tmp_path / "absent.p12")
    junk = tmp_path / "junk.p12"
    junk.write_bytes(b"ceci n'est pas un certificat" * 20)
    with pytest.raises(SigningError, match="n'est pas un certificat PKCS#12") as caught:
        load_signer(junk)
    assert PASSPHRASE not in str(caught.value)


def test_create_self_signed_refuses_to_overwrite(p12: Path) -> None:
    before = p12.read_bytes()
    with pytest.raises(SigningError, match="existe déjà"):
        create_self_signed(p12, name="Quelqu'un", email=None, organisation="X", passphrase="autre-phrase")
    assert p12.read_bytes() == before
    assert [f.name for f in p12.parent.iterdir()] == [p12.name]  # no temporary file left behind


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_p12_is_private(p12: Path) -> None:
    assert p12.stat().st_mode & 0o777 == 0o600


def test_certificate_is_made_for_signing_documents(cert: bytes) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    c = x509.load_der_x509_certificate(cert)
    assert c.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == NAME
    assert c.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Clément Formation"
    assert c.issuer == c.subject
    key = c.public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1"
    usage = c.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    eku = c.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in eku
    assert x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36") in eku  # id-kp-documentSigning
    assert not c.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    san = c.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.RFC822Name) == ["claire@clement-formation.fr"]
    years = (c.not_valid_after_utc - c.not_valid_before_utc).days / 365
    assert 2.99 < years < 3.01


def test_unencrypted_p12_needs_no_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = create_self_signed(tmp_path / "libre.p12", name="Paul Martin", email=None, organisation="", passphrase="")
    monkeypatch.delenv(ENV, raising=False)
    assert load_signer(path).name == "Paul Martin"
    monkeypatch.setenv(ENV, "une-phrase-inutile")  # set for another file: still opens
    assert load_signer(path).name == "Paul Martin"


def test_long_names_and_bad_email(tmp_path: Path) -> None:
    long_org = "Organisme de formation professionnelle continue Clément et associés, Lyon"
    assert len(long_org) > 64
    path = create_self_signed(tmp_path / "long.p12", name=NAME, email=None, organisation=long_org, passphrase="")
    assert load_signer(path).name == NAME
    with pytest.raises(SigningError, match="adresse e-mail invalide"):
        create_self_signed(tmp_path / "mail.p12", name=NAME, email="claire@clément.fr", organisation="", passphrase="")
    assert not (tmp_path / "mail.p12").exists()


def test_rsa_certificate_from_elsewhere_signs_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A trainer's own RSA certificate (e.g. from a provider) goes through the same cached-key path."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Julie Durand")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = tmp_path / "rsa.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"jd", key, cert, None, serialization.BestAvailableEncryption(b"rsa-phrase")
        )
    )
    monkeypatch.setenv(ENV, "rsa-phrase")
    rsa_signer = load_signer(path)
    signed = sign_pdf(make_pdf(), rsa_signer, reason="Attestation", location="Lyon")
    result = check_signature(signed, [certificate_of(path)])
    assert result.valid and result.message == "signature valide de Julie Durand (certificat auto-signé)"
    if PDFSIG:
        assert "Signature Validation: Signature is Valid." in pdfsig(signed, tmp_path)


def test_self_signed_note_is_plain_french() -> None:
    for words in ("auto-signé", "modifié", "aucune autorité", "eIDAS", "prestataire de services de confiance"):
        assert words in SELF_SIGNED_NOTE


# --- codes and QR --------------------------------------------------------------------------------

SECRET = b"s" * 32
CODE = re.compile(rf"^QK-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")


def test_verification_code() -> None:
    code = verification_code(SECRET, "attestation/excel-2026-11/ana")
    assert CODE.match(code), code
    assert not set(code[3:]) & set("0O1I")
    assert verification_code(SECRET, "attestation/excel-2026-11/ana") == code
    assert verification_code(SECRET, "attestation/excel-2026-11/paul") != code
    assert verification_code(b"t" * 32, "attestation/excel-2026-11/ana") != code
    codes = {verification_code(SECRET, f"doc/{i}") for i in range(2000)}
    assert len(codes) == 2000
    assert code_matches(SECRET, "attestation/excel-2026-11/ana", code.lower().replace("-", " "))
    assert not code_matches(SECRET, "attestation/excel-2026-11/paul", code)
    with pytest.raises(ValueError):
        verification_code(b"", "x")


URL = "https://verifier.example.fr/QK-7F3K-9XQ2-M4TD"


def qr_pdf(size_mm: float) -> bytes:
    from reportlab.graphics import renderPDF
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(size_mm * mm, size_mm * mm), invariant=1)
    renderPDF.draw(qr_drawing(URL, size_mm), c, 0, 0)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_qr_drawing_is_vector_and_flows(tmp_path: Path) -> None:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate
    from reportlab.platypus.flowables import Flowable

    drawing = qr_drawing(URL, 25)
    assert isinstance(drawing, Flowable)
    assert drawing.width == pytest.approx(25 * mm) and drawing.height == pytest.approx(25 * mm)
    pdf = qr_pdf(25)
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" not in pdf  # vectors, no bitmap
    from reportlab.lib.styles import getSampleStyleSheet

    SimpleDocTemplate(str(tmp_path / "flow.pdf")).build(
        [Paragraph("Vérifier :", getSampleStyleSheet()["Normal"]), drawing]
    )
    assert (tmp_path / "flow.pdf").stat().st_size > 0
    with pytest.raises(ValueError):
        qr_drawing(URL, 0)


@pytest.mark.skipif(PDFTOPPM is None, reason="poppler's pdftoppm is not installed")
def test_qr_rendered_modules_match_segno(tmp_path: Path) -> None:
    """Rasterise the page and read every module back: the printed code is the code segno made."""
    import segno

    from qualikit.documents.signing.codes import QR_MASK

    matrix = [list(row) for row in segno.make(URL, error="m", micro=False, mask=QR_MASK).matrix]
    n, border, dpi, size_mm = len(matrix), 4, 300, 30
    (tmp_path / "qr.pdf").write_bytes(qr_pdf(size_mm))
    subprocess.run([PDFTOPPM, "-gray", "-r", str(dpi), str(tmp_path / "qr.pdf"), str(tmp_path / "qr")], check=True)
    pgm = next(tmp_path.glob("qr*.pgm")).read_bytes()
    _, width, height, _, pixels = re.match(rb"(P5)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", pgm, re.S).groups()
    width, height = int(width), int(height)
    module = width / (n + 2 * border)
    for r in range(-border, n + border):
        for c in range(-border, n + border):
            x, y = int((c + border + 0.5) * module), int((r + border + 0.5) * module)
            dark = pixels[y * width + x] < 128
            expected = bool(matrix[r][c]) if 0 <= r < n and 0 <= c < n else False
            assert dark == expected, (r, c)


@pytest.mark.skipif(ZBARIMG is None or PDFTOPPM is None, reason="zbarimg (and pdftoppm) needed to decode the QR code")
def test_qr_decodes_with_zbarimg(tmp_path: Path) -> None:
    (tmp_path / "qr.pdf").write_bytes(qr_pdf(30))
    subprocess.run([PDFTOPPM, "-png", "-r", "300", str(tmp_path / "qr.pdf"), str(tmp_path / "qr")], check=True)
    png = next(tmp_path.glob("qr*.png"))
    out = subprocess.run([ZBARIMG, "--raw", "-q", str(png)], capture_output=True, text=True, check=True).stdout
    assert out.strip() == URL


# --- start-up ------------------------------------------------------------------------------------


def test_import_stays_light() -> None:
    code = (
        "import sys, qualikit.documents.signing\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('pyhanko', 'pyhanko_certvalidator', 'cryptography', 'segno', 'reportlab', 'asn1crypto')]\n"
        "print(heavy)"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert out.stdout.strip() == "[]"
