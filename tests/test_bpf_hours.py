"""The BPF counts the certificat's hours: the sheet signed in the room wins over presences.yaml in
both, and a drop-out counts for what was done."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal

from pypdf import PdfReader

from conftest import DEMO
from qualikit.admin.bpf import compute_bpf
from qualikit.base.clock import PARIS, Clock
from qualikit.commands.close import close_session
from qualikit.commands.demo import _sign_in_room
from qualikit.delivery.send import OutboxTransport
from qualikit.journey.asof import entries_as_of, project_as_of
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project

SESSION = "excel-2026-10-15"  # 2 days of 7 h, 5 learners


def test_a_signed_half_day_gives_the_same_hours_in_the_bpf_and_the_certificat(tmp_path) -> None:
    root = shutil.copytree(DEMO, tmp_path / "demo")
    project = load_project(root).project
    for day in (date(2026, 10, 15), date(2026, 10, 16)):  # signed in the room as presences.yaml says
        _sign_in_room(root, project, day)
    # then presences.yaml is typed differently: the signed sheets must win in both documents
    presences = root / "presences.yaml"
    text = presences.read_text(encoding="utf-8")
    text = text.replace("- {session: excel-2026-10-15, date: 2026-10-15, demi_journee: matin, absents: []}",
                        "- {session: excel-2026-10-15, date: 2026-10-15, demi_journee: matin, "
                        "absents: [ines-benali, julien-morel]}")
    text = text.replace("demi_journee: après-midi, absents: [thomas-girard]}", "demi_journee: après-midi, absents: []}")
    presences.write_text(text, encoding="utf-8")
    # and Sophie Lambert drops out after the first day
    sessions = root / "sessions.yaml"
    sessions.write_text(sessions.read_text(encoding="utf-8").replace(
        "    - apprenant: sophie-lambert\n      statut: présent\n",
        "    - apprenant: sophie-lambert\n      statut: abandon\n      date_abandon: 2026-10-16\n"
        "      motif_abandon: raison de santé\n"), encoding="utf-8")
    project = load_project(root).project
    now = datetime.combine(date(2026, 10, 17), time(9), PARIS)
    journal = open_journal(root, Clock(now))
    close_session(project, root, journal, OutboxTransport(root / "outbox", lambda: now), now, SESSION)

    entries = journal.entries()
    certificats = {e.data["learner"]: Decimal(e.data["hours"]) for e in entries if e.kind == "close.certificat"}
    assert certificats == {"camille-roux": 14, "thomas-girard": Decimal("10.5"), "ines-benali": 14,
                           "julien-morel": 14, "sophie-lambert": 7}
    pdf = root / "sortie" / SESSION / "fin" / "thomas-girard"
    text = " ".join(p.extract_text() for f in pdf.glob("certificat*.pdf") for p in PdfReader(f).pages)
    assert "10,5" in text

    day = date(2026, 12, 31)
    alone = project_as_of(replace(project, sessions=tuple(s for s in project.sessions if s.id == SESSION)), day)
    bpf = compute_bpf(alone, 2026, entries=entries_as_of(entries, day))
    assert bpf.learners_total.hours == sum(certificats.values()) == Decimal("59.5")
    assert not any("appel non saisi" in p for p in bpf.problems)
    # without the journal, presences.yaml alone: the hand-typed roll calls (what the BPF used to count)
    assert compute_bpf(alone, 2026).learners_total.hours == Decimal("56")
