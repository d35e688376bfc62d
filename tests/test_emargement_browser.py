"""`qualikit emargement` driven in a real headless browser (Debian's chromium through Playwright): three
learners sign a half-day on the room page, one is marked absent, the trainer confirms and signs; the
sealed sheet shows three learner signatures, passes `qualikit verify`, and the certificat de
réalisation counts those hours."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.cli import app
from qualikit.commands.emargement import RoomClock, open_room
from qualikit.commands.emargement_web import Keys, serve
from qualikit.documents.signing import create_self_signed, load_signer
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project
from qualikit.project.model import HalfDay

CHROMIUM = Path("/usr/bin/chromium")
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent (apt-get install chromium)")

SESSION, DAY = "excel-2026-10-15", date(2026, 10, 15)
PASSPHRASE = "phrase secrète de test"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = shutil.copytree(DEMO, tmp_path / "demo")
    create_self_signed(root / "certificat.p12", name="Claire Clément", email="claire@example.fr",
                       organisation="Atelier Clément Formation", passphrase=PASSPHRASE)
    monkeypatch.setenv("QUALIKIT_CERT_PASSPHRASE", PASSPHRASE)
    return root


@pytest.fixture
def room_server(project):
    loaded = load_project(project).project
    clock = RoomClock(DAY)
    room = open_room(loaded, project, open_journal(project, clock), SESSION, DAY, HalfDay.MATIN, clock.now,
                     load_signer(project / "certificat.p12"))
    keys = Keys()
    serving = serve(room, keys, port=0)
    yield room, keys, serving.url
    serving.stop()


@pytest.fixture
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


def trace(page, selector="canvas.pad"):
    """Draw a small zigzag in the pad with the mouse."""
    pad = page.locator(selector)
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for n in range(1, 8):
        page.mouse.move(x + 25 * n, y + (-20 if n % 2 else 20), steps=3)
    page.mouse.up()


def test_three_sign_one_absent_trainer_seals_and_the_certificat_counts(project, room_server, browser):
    room, keys, url = room_server
    learners = room.learners()  # Benali, Girard, Lambert, Morel, Roux
    phone = browser.new_page()
    phone.goto(f"{url}/{keys.room}/")
    names = phone.locator("ul.seats li").all_inner_texts()
    assert any("Inès B." in n for n in names) and not any("Benali" in n for n in names)  # first name, initial
    for learner in learners[:3]:
        phone.goto(f"{url}/{keys.room}/")
        phone.get_by_role("link", name=f"{learner.first_name} {learner.last_name[0]}.").click()
        trace(phone)
        phone.get_by_role("button", name="Je signe").click()
        phone.wait_for_selector("#merci")
    assert phone.locator("ul.seats li .ok").count() == 3

    trainer = browser.new_page()
    trainer.goto(f"{url}/{keys.trainer}/formateur")
    row = trainer.locator("tr", has_text=learners[3].full_name)
    row.locator("select[name=status]").select_option("absent")
    row.locator("input[name=time]").fill("09:15")
    row.get_by_role("button", name="Noter").click()
    assert "absent" in trainer.locator("tr", has_text=learners[3].full_name).locator("td.state").inner_text()
    trace(trainer)
    trainer.get_by_role("button", name="Je confirme et je signe").click()
    trainer.wait_for_selector("#scellee")

    sheet = project / "sortie" / SESSION / "emargements-signes" / "2026-10-15-matin.pdf"
    pdf = sheet.read_bytes()
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    for learner in learners[:3]:
        assert f"{learner.full_name} " in text
    assert text.count("présent") == 3 and "absent (9 h 15)" not in text
    assert text.count("absent") == 2  # marked absent, and the one who never signed
    # three learners' traced signatures and the trainer's, drawn as vector paths
    entries = open_journal(project, RoomClock(DAY)).entries()
    signatures = [e for e in entries if e.kind == "emargement.signature"]
    assert [e.data["role"] for e in signatures] == ["apprenant"] * 3 + ["formateur"]
    assert all(json.loads((project / e.data["image"]).read_text())["strokes"] for e in signatures)

    verify = CliRunner().invoke(app, ["verify", str(sheet), "-p", str(project)])
    assert verify.exit_code == 0, verify.output
    assert "signé" in verify.output and "feuille d'émargement signée dans la salle" in verify.output.lower()

    close = CliRunner().invoke(app, ["close-session", SESSION, "-p", str(project), "--today", "2026-10-17",
                                     "--force", "--outbox"])
    assert close.exit_code == 0, close.output
    hours = {e.data["learner"]: e.data["hours"] for e in open_journal(project, RoomClock(DAY)).entries()
             if e.kind == "close.certificat"}
    # presences.yaml had nobody absent that morning: the signed sheet wins
    assert hours[learners[0].id] == "14.0"
    assert hours[learners[3].id] == "10.5"  # marked absent in the room
    assert hours[learners[4].id] == "10.5"  # never signed
