"""Signing in the room without a browser: the chain of signatures and `qualikit journal verify`, personal
links bound to one learner and one half-day, CSRF, the pages' keys, and paper scans imported."""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from http.cookiejar import CookieJar

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.cli import app
from qualikit.commands.emargement import EmargementError, RoomClock, open_room
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project
from qualikit.project.model import HalfDay

SESSION, DAY = "excel-2026-10-15", date(2026, 10, 15)
STROKES = {"w": 300.0, "h": 100.0, "strokes": [[[10.0, 50.0], [60.0, 20.0], [120.0, 70.0]]]}


@pytest.fixture
def root(tmp_path):
    return shutil.copytree(DEMO, tmp_path / "demo")


def room_of(root, half=HalfDay.MATIN, day=DAY):
    clock = RoomClock(day)
    return open_room(load_project(root).project, root, open_journal(root, clock), SESSION, day, half, clock.now)


def verify(root):
    return CliRunner().invoke(app, ["journal", "verify", "-p", str(root)], env={"COLUMNS": "200"})


def signed_room(root):
    room = room_of(root)
    for learner in room.learners()[:3]:
        room.sign(learner.id, STROKES, "127.0.0.1 · test")
    room.mark(room.learners()[3].id, "absent", "09:10")
    room.confirm(STROKES, "127.0.0.1 · test")
    return room


def test_intact_signatures_are_reported_as_such(root):
    signed_room(root)
    result = verify(root)
    assert result.exit_code == 0, result.output
    assert "Signatures d'émargement intactes\u00a0: 5 enregistrements chaînés" in result.output


def test_a_changed_signature_time_breaks_the_chain_and_the_journal_says_so(root):
    signed_room(root)
    path = root / "journal.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if '"kind":"emargement.signature"' in line)
    record = json.loads(lines[n])
    record["data"]["at"] = record["data"]["at"][:11] + "08:59:00" + record["data"]["at"][19:]
    lines[n] = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    result = verify(root)
    assert result.exit_code == 1
    assert "Chaîne des signatures d'émargement rompue" in result.output
    assert f"entrée n°\u00a0{record['seq']}\u00a0: signature de ines-benali" in result.output
    assert "enregistrement modifié après coup (heure, image ou appareil ne sont plus ceux signés)" in result.output


def test_a_changed_signature_image_is_detected(root):
    signed_room(root)
    entry = next(e for e in open_journal(root, RoomClock(DAY)).entries() if e.kind == "emargement.signature")
    image = root / entry.data["image"]
    image.write_text(json.dumps({**STROKES, "strokes": [[[0, 0], [300, 100]]]}), encoding="utf-8")
    result = verify(root)
    assert result.exit_code == 1
    assert "image modifiée après la signature" in result.output
    assert "Journal intact" in result.output  # the journal's own lines are untouched: only the chain tells


def test_a_deleted_signature_line_breaks_the_chain(root):
    signed_room(root)
    path = root / "journal.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if '"kind":"emargement.signature"' in line)
    path.write_text("".join(lines[:n] + lines[n + 1:]), encoding="utf-8")
    result = verify(root)
    assert result.exit_code == 1
    assert "le lien avec la signature précédente de la session est rompu" in result.output


def test_a_token_signs_for_its_learner_and_half_day_only(root):
    morning, afternoon = room_of(root), room_of(root, HalfDay.APRES_MIDI)
    ines, thomas = morning.learners()[:2]
    token = morning.token(ines.id)
    assert morning.learner_of_token(token) == ines
    assert afternoon.learner_of_token(token) is None  # another half-day
    assert room_of(root, day=date(2026, 10, 16)).learner_of_token(token) is None  # another day
    assert morning.learner_of_token(morning.token(thomas.id)) == thomas
    assert morning.learner_of_token(token[:-1] + ("a" if token[-1] != "a" else "b")) is None


class Browserless:
    """A cookie-keeping HTTP client: what a phone's browser does, without the browser."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path):
        try:
            with self.opener.open(self.base + path) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def post(self, path, fields):
        data = urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(self.base + path, data=data) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()


@pytest.fixture
def served(root):
    from qualikit.commands.emargement_web import Keys, serve

    room, keys = room_of(root), Keys()
    serving = serve(room, keys, port=0)
    yield room, keys, Browserless(serving.url)
    serving.stop()


def csrf_of(html):
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def signatures(room):
    return {e.data["learner"] for e in room.journal.entries() if e.kind == "emargement.signature"}


def test_a_personal_link_signs_its_owner_whatever_the_form_says(served):
    room, _, client = served
    ines, thomas = room.learners()[:2]
    status, html = client.get(f"/lien/{room.token(ines.id)}")
    assert status == 200 and "Inès B." in html and "Benali" not in html
    status, _ = client.post(f"/lien/{room.token(ines.id)}", {"csrf": csrf_of(html), "strokes": json.dumps(STROKES),
                                                             "learner": thomas.id})
    assert status == 200
    assert signatures(room) == {ines.id}
    assert room.journal.entries()[-1].data["via"] == "lien"
    afternoon = room_of(room.root, HalfDay.APRES_MIDI)
    status, html = client.get(f"/lien/{afternoon.token(thomas.id)}")  # the afternoon's link, this morning
    assert status == 404 and "Lien non valable" in html
    sheet = room.confirm(STROKES, "127.0.0.1")
    text = " ".join(PdfReader(sheet).pages[0].extract_text().split())
    assert "Inès Benali à distance, par lien personnel" in text


def test_forms_without_their_csrf_token_are_refused(served):
    room, keys, client = served
    status, page = client.get(f"/{keys.room}/signer/0")
    assert status == 200
    status, html = client.post(f"/{keys.room}/signer/0", {"csrf": "0" * 64, "strokes": json.dumps(STROKES)})
    assert status == 400 and "Formulaire expiré" in html
    # the token of one form does not serve another
    status, _ = client.post(f"/{keys.room}/signer/1", {"csrf": csrf_of(page), "strokes": json.dumps(STROKES)})
    assert status == 400
    assert signatures(room) == set()
    status, _ = client.post(f"/{keys.room}/signer/0", {"csrf": csrf_of(page), "strokes": json.dumps(STROKES)})
    assert status == 200 and signatures(room) == {room.learners()[0].id}


def test_pages_answer_only_under_their_key(served):
    _, keys, client = served
    assert client.get("/")[0] == 404
    assert client.get(f"/{keys.room}x/")[0] == 404
    assert client.get(f"/{keys.room}/formateur")[0] == 404  # the learners' key does not open the trainer's page
    status, html = client.get(f"/{keys.trainer}/formateur")
    assert status == 200 and "Inès Benali" in html
    status, html = client.get(f"/{keys.room}/")
    assert status == 200 and "Inès B." in html and "Benali" not in html


def test_a_sealed_half_day_takes_no_more_signatures(root):
    room = signed_room(root)
    with pytest.raises(EmargementError, match="déjà confirmée"):
        room.sign(room.learners()[4].id, STROKES, "127.0.0.1")
    with pytest.raises(EmargementError, match="déjà confirmée"):
        room.confirm(STROKES, "127.0.0.1")


def test_a_paper_scan_is_linked_to_its_half_day(root, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 feuille papier scannee")
    args = ["emargement", "import", str(scan), "--session", SESSION, "--date", "2026-10-16", "--demi-journee",
            "apres-midi", "-p", str(root), "--today", "2026-10-16"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    target = root / "sortie" / SESSION / "emargements-signes" / "2026-10-16-apres-midi.pdf"
    assert target.read_bytes() == scan.read_bytes()
    entry = open_journal(root, RoomClock(DAY)).entries()[-1]
    assert entry.kind == "emargement.import" and entry.data["file"] == target.relative_to(root).as_posix()
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 1 and "rien n'est écrasé" in again.output


def test_the_command_prints_its_address_and_qr_code_and_serves(root):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    proc = subprocess.Popen([sys.executable, "-m", "qualikit", "emargement", SESSION, "-p", str(root),
                             "--today", "2026-10-15", "--demi-journee", "matin", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Arrêt automatique"):
                break
        out = "".join(lines)
        assert "Émargement excel-2026-10-15, 15/10/2026 matin" in out
        url = re.search(r"Page des apprenants\u00a0: (http://127\.0\.0\.1:\d+/\S+/)", out).group(1)
        assert "▄" in out  # the QR code, drawn in the terminal
        with urllib.request.urlopen(url) as r:
            assert r.status == 200 and "Inès B." in r.read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def test_the_signed_sheet_wins_over_presences_yaml_and_fills_a_missing_roll_call(root):
    from qualikit.journey import as_of
    from qualikit.journey.facts import ABSENT, PRESENT
    from qualikit.journey.hours import missing_roll_calls
    from qualikit.journey.roll_calls import with_signed

    presences = root / "presences.yaml"
    text = presences.read_text(encoding="utf-8")
    presences.write_text(text.replace("- {session: excel-2026-10-15, date: 2026-10-15, demi_journee: matin, "
                                      "absents: []}\n", ""), encoding="utf-8")
    day = date(2026, 10, 16)
    for half in (HalfDay.MATIN, HalfDay.APRES_MIDI):  # presences.yaml: thomas-girard absent the afternoon
        room = room_of(root, half, day)
        for learner in room.learners():
            if learner.id != "julien-morel":
                room.sign(learner.id, STROKES, "127.0.0.1")
        room.confirm(STROKES, "127.0.0.1")
    room = room_of(root)
    room.sign("camille-roux", STROKES, "127.0.0.1")
    room.confirm(STROKES, "127.0.0.1")
    project, entries = load_project(root).project, room.journal.entries()
    sj = as_of(project, entries, day).get(SESSION)
    state = {lj.id: [h.state for h in lj.halves] for lj in sj.learners}
    assert state["thomas-girard"] == [ABSENT, PRESENT, PRESENT, PRESENT]  # signed the afternoon: present
    assert state["julien-morel"] == [ABSENT, PRESENT, ABSENT, ABSENT]  # never signed on the 16th
    assert state["camille-roux"] == [PRESENT] * 4
    session = project.session(SESSION)
    assert missing_roll_calls(project, session) == [(DAY, HalfDay.MATIN)]
    assert missing_roll_calls(with_signed(project, entries), session) == []


def test_the_server_stops_by_itself_at_its_hour(root):
    from datetime import datetime

    from qualikit.base.clock import PARIS
    from qualikit.commands.emargement_web import Keys, serve

    serving = serve(room_of(root), Keys(), port=0, stop_at=datetime(2026, 10, 15, 23, 59, tzinfo=PARIS),
                    now=lambda: datetime(2026, 10, 16, 0, 0, tzinfo=PARIS))
    serving.thread.join(timeout=15)
    assert not serving.thread.is_alive()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(serving.url + "/", timeout=2)
