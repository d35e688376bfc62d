"""The personal code of the distance half-days: sent with the convocation (and masked in the audit
pack's copies), typed on the room page instead of drawing, journaled as such, a few tries only."""

from __future__ import annotations

import email
import email.policy
import shutil
from datetime import date

import pytest
from pypdf import PdfReader
from test_emargement import STROKES, Browserless, csrf_of
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.audit.masking import masked_eml
from qualikit.base.tokens import attendance_pin, project_secret
from qualikit.cli import app
from qualikit.commands.emargement import PIN_TRIES, EmargementError, RoomClock, open_room
from qualikit.commands.emargement_web import Keys, serve
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project
from qualikit.project.model import HalfDay

SESSION, DISTANCE = "projet-2026-11-30", date(2026, 12, 8)  # the 8th is held at a distance


@pytest.fixture
def root(tmp_path):
    return shutil.copytree(DEMO, tmp_path / "demo")


def room_of(root, session=SESSION, day=DISTANCE):
    clock = RoomClock(day)
    return open_room(load_project(root).project, root, open_journal(root, clock), session, day, HalfDay.MATIN,
                     clock.now)


def test_the_convocation_carries_the_code_and_the_pack_copy_masks_it(root):
    result = CliRunner().invoke(app, ["onboard", SESSION, "-p", str(root), "--today", "2026-11-23", "--outbox"])
    assert result.exit_code == 0, result.output
    pin = attendance_pin(project_secret(root), SESSION, "julien-morel")
    sent = next(p for p in (root / "outbox").glob("*.eml") if b"julien" in p.read_bytes().lower())
    message = email.message_from_bytes(sent.read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    assert f"votre code personnel d’émargement\u00a0: {pin}" in text
    masked = email.message_from_bytes(masked_eml(sent.read_bytes()), policy=email.policy.default)
    for part in ("plain", "html"):
        content = masked.get_body((part,)).get_content()
        assert pin not in content and f"{pin[:2]}••••" in content


def test_a_distance_half_day_is_signed_with_the_personal_code(root):
    room, keys = room_of(root), Keys()
    secret = project_secret(root)
    first, second = room.learners()[:2]
    serving = serve(room, keys, port=0)
    try:
        client = Browserless(serving.url)
        status, html = client.get(f"/{keys.room}/signer/0")
        assert status == 200 and "code personnel" in html
        action = f"/{keys.room}/signer/0/code"
        token = csrf_of(html[html.index(action):])
        status, html = client.post(action, {"csrf": token, "pin": attendance_pin(secret, SESSION, first.id)})
        assert status == 200 and "Merci, votre signature est enregistrée" in html
    finally:
        serving.stop()
    record = room.seats()[0].signed
    assert record["via"] == "code" and record["image"] is None  # journaled as a code, with no drawing

    # another learner's code, then wrong ones: each try is journaled, and after PIN_TRIES the code is refused
    with pytest.raises(EmargementError, match=f"code incorrect \\({PIN_TRIES - 1} essais restants\\)"):
        room.sign_pin(second.id, attendance_pin(secret, SESSION, first.id), "10.0.0.2")
    for _ in range(PIN_TRIES - 1):
        with pytest.raises(EmargementError, match="code incorrect"):
            room.sign_pin(second.id, "000000", "10.0.0.2")
    with pytest.raises(EmargementError, match="trop de codes erronés"):
        room.sign_pin(second.id, attendance_pin(secret, SESSION, second.id), "10.0.0.2")
    refused = [e for e in room.journal.entries() if e.kind == "emargement.pin_refused"]
    assert len(refused) == PIN_TRIES and {e.data["learner"] for e in refused} == {second.id}
    assert room.seats()[1].signed is None
    room.sign(second.id, STROKES, "10.0.0.2", "lien")  # the drawing stays possible

    # a code signs the distance half-days only
    with pytest.raises(EmargementError, match="demi-journées à distance"):
        in_room = room_of(root, "excel-2026-10-15", date(2026, 10, 15))
        in_room.sign_pin(in_room.learners()[0].id, attendance_pin(secret, "excel-2026-10-15",
                                                                  in_room.learners()[0].id), "10.0.0.2")

    sheet = room.confirm(STROKES, "127.0.0.1")
    text = " ".join(PdfReader(sheet).pages[0].extract_text().split())
    assert f"{first.full_name} à distance, par code personnel" in text and "code personnel saisi" in text
    journal = CliRunner().invoke(app, ["journal", "verify", "-p", str(root)], env={"COLUMNS": "200"})
    assert journal.exit_code == 0 and "intactes" in journal.output, journal.output
