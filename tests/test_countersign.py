"""Contracts signed by the learner (and conventions by the client) on the page of `qualikit emargement`:
in real chromium, the signed copy parsed back and accepted by `qualikit verify`, the withdrawal period
counted from that signature; personal links bound to one document; the chain of signatures in
`qualikit journal verify`."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_emargement import STROKES, Browserless, csrf_of
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.cli import app
from qualikit.commands.countersign import CountersignError, open_desk
from qualikit.commands.emargement import RoomClock
from qualikit.commands.emargement_web import Keys, serve
from qualikit.documents.signing import create_self_signed, load_signer
from qualikit.journey import as_of
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project

CHROMIUM = Path("/usr/bin/chromium")
SESSION, ISSUED, SIGNED = "parole-2026-11-04", "2026-10-20", date(2026, 10, 21)
PASSPHRASE = "phrase secrète de test"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def issue(root: Path) -> None:
    result = CliRunner().invoke(app, ["contract", SESSION, "-p", str(root), "--today", ISSUED, "--outbox"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def root(tmp_path, monkeypatch):
    """The demo with a certificate, a second particulier (Nathalie Fabre) and the contracts issued."""
    root = shutil.copytree(DEMO, tmp_path / "demo")
    sessions = root / "sessions.yaml"
    text = sessions.read_text(encoding="utf-8")
    anchor = "    - apprenant: nathalie-fabre\n      statut: présent\n"
    assert anchor in text
    sessions.write_text(text.replace(anchor, anchor + "      financeur: particulier\n", 1), encoding="utf-8")
    create_self_signed(root / "certificat.p12", name="Claire Clément", email="claire@example.fr",
                       organisation="Atelier Clément Formation", passphrase=PASSPHRASE)
    monkeypatch.setenv("QUALIKIT_CERT_PASSPHRASE", PASSPHRASE)
    issue(root)
    return root


def desk_of(root: Path):
    clock = RoomClock(SIGNED)
    return open_desk(load_project(root).project, root, open_journal(root, clock), SESSION, clock.now,
                     load_signer(root / "certificat.p12"))


@pytest.fixture
def served(root):
    desk, keys = desk_of(root), Keys()
    serving = serve(None, keys, port=0, desk=desk)
    yield desk, keys, serving.url
    serving.stop()


def paper(desk, party):
    return next(p for p in desk.papers() if p.party == party)


def trace(page):
    pad = page.locator("canvas.pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for n in range(1, 8):
        page.mouse.move(x + 25 * n, y + (-20 if n % 2 else 20), steps=3)
    page.mouse.up()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent (apt-get install chromium)")
def test_a_learner_signs_their_contract_in_chromium_and_the_sealed_copy_is_verified(root, served):
    playwright = pytest.importorskip("playwright.sync_api")
    desk, keys, url = served
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        trainer = browser.new_page()
        trainer.goto(f"{url}/{keys.trainer}/formateur")
        row = trainer.locator("#documents tr", has_text="Karim Haddad")
        link = row.locator("code").text_content()
        assert link == f"{url}/document/{desk.token(paper(desk, 'karim-haddad'))}"

        phone = browser.new_page()
        phone.goto(link)
        body = phone.locator("main").inner_text()
        assert "Karim Haddad" in body and "Nathalie" not in body and "Pharmacie" not in body  # their own only
        with phone.expect_popup() as popup:
            phone.locator("#lire").click()
        assert popup.value.url.endswith("/pdf")
        trace(phone)
        phone.get_by_role("button", name="Je signe le document").click()
        phone.wait_for_selector("#signe")
        assert "21 octobre 2026" in phone.locator("#signe").inner_text().replace("\xa0", " ")
        trainer.reload()
        assert "signé le 21/10/2026" in trainer.locator("#documents tr", has_text="Karim Haddad").inner_text()
        browser.close()

    copy = root / "sortie" / SESSION / "contrats" / "contrat-karim-haddad-signe.pdf"
    original = (root / "sortie" / SESSION / "contrats" / "contrat-karim-haddad.pdf").read_bytes()
    reader = PdfReader(io.BytesIO(copy.read_bytes()))
    pages = [" ".join(page.extract_text().replace("\xa0", " ").replace("\u202f", " ").split()) for page in reader.pages]
    assert len(pages) == len(PdfReader(io.BytesIO(original)).pages) + 1
    # stamped in the learner's box, beside the organisation's own block
    assert "Signé électroniquement par Karim Haddad le 21/10/2026 à" in pages[-2]
    assert "Date et signature" in pages[-2] and "UTC+02:00" in pages[-2]
    # the signature page: who, when with its offset, which original
    last = pages[-1]
    assert "Karim Haddad, le stagiaire" in last and "mercredi 21 octobre 2026 à" in last
    assert "(heure de Paris, UTC+02:00)" in last and "par lien personnel" in last
    assert hashlib.sha256(original).hexdigest()[:40] in last.replace(" ", "")
    # the trace is a vector path on the stamped page and on the signature page
    for page in reader.pages[-2:]:
        assert re.search(rb"[\d.]+ [\d.]+ l\s", page.get_contents().get_data())
    fields = reader.get_fields() or {}
    assert [f for f in fields.values() if f.get("/FT") == "/Sig"], "sealed with one PAdES signature"

    verify = CliRunner().invoke(app, ["verify", str(copy), "-p", str(root)])
    assert verify.exit_code == 0, verify.output
    assert "Signé" in verify.output and "contrat de formation signé par le stagiaire" in verify.output.lower()
    alone = CliRunner().invoke(app, ["verify", str(copy)])  # away from the project: the seal speaks
    assert alone.exit_code == 0 and "Signature intègre de Claire Clément" in alone.output

    # the withdrawal period runs from the signature on the page (L6353-5)
    lj = as_of(load_project(root).project, open_journal(root, RoomClock(SIGNED)).entries(), SIGNED) \
        .learner(SESSION, "karim-haddad")
    assert lj.signed_on == SIGNED and lj.withdrawal_end == date(2026, 10, 31)
    assert lj.contract_wait(date(2026, 10, 31)) == "délai de rétractation jusqu'au 31/10/2026"
    before = as_of(load_project(root).project, open_journal(root, RoomClock(SIGNED)).entries(), date(2026, 10, 20))
    assert before.learner(SESSION, "karim-haddad").signed_on is None  # not yet signed on the 20th


def test_a_personal_link_signs_its_own_document_only(root, served):
    desk, _, url = served
    client = Browserless(url)
    karim, nathalie = paper(desk, "karim-haddad"), paper(desk, "nathalie-fabre")
    assert desk.token(karim) != desk.token(nathalie)
    status, html = client.get(f"/document/{desk.token(karim)}")
    assert status == 200 and "Karim Haddad" in html and "Fabre" not in html
    # the form names no one: whatever is added to it, Karim's link signs Karim's contract
    status, _ = client.post(f"/document/{desk.token(karim)}", {"csrf": csrf_of(html), "strokes": json.dumps(STROKES),
                                                               "learner": "nathalie-fabre", "party": "nathalie-fabre"})
    assert status == 200
    signed = {p.party for p in desk.papers() if p.signed}
    assert signed == {"karim-haddad"}
    with pytest.raises(CountersignError, match="déjà signé"):
        desk.sign(desk.token(karim), STROKES, "127.0.0.1")
    # a forged or altered token, another session's, a half-day's link: nothing opens
    token = desk.token(nathalie)
    assert client.get(f"/document/{token[:-1] + ('a' if token[-1] != 'a' else 'b')}")[0] == 404
    assert client.get(f"/document/{'a' * 26}")[0] == 404
    from qualikit.base.tokens import attendance_token, document_token

    secret = desk.secret
    assert client.get(f"/document/{attendance_token(secret, SESSION, 'nathalie-fabre', date(2026, 11, 4), 'matin')}"
                      )[0] == 404
    assert client.get(f"/document/{document_token(secret, 'contrat', 'excel-2026-10-15', 'nathalie-fabre')}")[0] == 404
    # a CSRF token of Karim's page does not sign Nathalie's
    status, html = client.post(f"/document/{token}", {"csrf": csrf_of(html), "strokes": json.dumps(STROKES)})
    assert status == 400 and "Formulaire expiré" in html
    assert paper(desk, "nathalie-fabre").signed is None
    # the client's representative signs the convention, and must say who they are
    other = next(p for p in desk.papers() if p.document == "convention")
    with pytest.raises(CountersignError, match="nom et la qualité"):
        desk.sign(desk.token(other), STROKES, "127.0.0.1")
    target = desk.sign(desk.token(other), STROKES, "127.0.0.1", signer_name="Julie Morel, gérante")
    assert "Julie Morel, gérante" in " ".join(PdfReader(target).pages[-1].extract_text().split())
    assert not paper(desk, "nathalie-fabre").signed  # still waiting: its own link only signs it


def test_a_tampered_contract_signature_breaks_journal_verify(root):
    desk = desk_of(root)
    desk.sign(desk.token(paper(desk, "karim-haddad")), STROKES, "127.0.0.1 · test")
    desk.sign(desk.token(paper(desk, "nathalie-fabre")), STROKES, "127.0.0.1 · test")
    ok = CliRunner().invoke(app, ["journal", "verify", "-p", str(root)], env={"COLUMNS": "200"})
    assert ok.exit_code == 0 and "2 enregistrements chaînés" in ok.output, ok.output

    path = root / "journal.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if '"kind":"contract.signature"' in line)
    record = json.loads(lines[n])
    record["data"]["at"] = "2026-10-10T09:00:00+02:00"  # an earlier signature: an earlier withdrawal period
    lines[n] = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    result = CliRunner().invoke(app, ["journal", "verify", "-p", str(root)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "Chaîne des signatures d'émargement rompue" in result.output
    assert (f"entrée n°\u00a0{record['seq']}\u00a0: signature du contrat de karim-haddad ({SESSION})\u00a0: "
            "enregistrement modifié après coup") in result.output


def test_the_command_serves_the_documents_alone(root):
    import os
    import subprocess
    import sys
    import urllib.request

    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    proc = subprocess.Popen([sys.executable, "-m", "qualikit", "emargement", SESSION, "-p", str(root), "--documents",
                             "--today", SIGNED.isoformat(), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Arrêt automatique"):
                break
        out = "".join(lines)
        assert f"Signature des documents {SESSION}\u00a0: 5 en attente" in out, out
        assert "Page des apprenants" not in out  # no half-day, no room page, no QR code
        url = re.search(r"Votre page \(à garder pour vous\)\u00a0: (http://\S+)", out).group(1)
        with urllib.request.urlopen(url) as r:
            html = r.read().decode()
        assert "Documents à signer" in html and "Karim Haddad" in html and "Confirmer la demi-journée" not in html
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def test_the_audit_pack_shows_the_signed_contract(root):
    desk = desk_of(root)
    copy = desk.sign(desk.token(paper(desk, "karim-haddad")), STROKES, "127.0.0.1 · test")
    result = CliRunner().invoke(app, ["audit-pack", "-p", str(root), "--today", "2026-11-10"])
    assert result.exit_code == 0, result.output
    pack = next((root / "audit").glob("*_2026-11-10"))
    shown = pack / "09-conditions-deroulement" / SESSION / "karim-haddad-contrat-formation.pdf"
    assert shown.read_bytes() == copy.read_bytes()
    assert "Contrat de formation signé par le stagiaire — Karim Haddad" in (pack / "index.html").read_text("utf-8")


def test_check_no_longer_calls_a_contract_signed_on_the_page_unsigned(root):
    def check() -> str:
        result = CliRunner().invoke(app, ["check", "-p", str(root), "--today", SIGNED.isoformat()],
                                    env={"COLUMNS": "300"})
        return " ".join(result.output.split())

    assert f"contrat de formation de Nathalie Fabre (session {SESSION}) non signé" in check()
    desk = desk_of(root)
    desk.sign(desk.token(paper(desk, "nathalie-fabre")), STROKES, "127.0.0.1 · test")
    after = check()
    assert "contrat de formation de Nathalie Fabre" not in after
    assert f"contrat de formation de Karim Haddad (session {SESSION}) non signé" in after
