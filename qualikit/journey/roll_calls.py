"""Who was present each half-day: the roll call of presences.yaml, or the sheet signed in the room.

A half-day whose sheet was signed and confirmed in `qualikit emargement` (journal row
`emargement.close`) takes its roll call from that sheet: its signers were present, everyone else
enrolled was absent, whatever presences.yaml says for that half-day (the signed sheet is the
proof; a line typed by hand is not). The other half-days keep presences.yaml's roll call. The
journey (facts.build) and the closing's check of missing roll calls read the project through here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from qualikit.project.model import Attendance, HalfDay, Project

CLOSE = "emargement.close"  # the journal row of a half-day confirmed by the trainer (project/signatures.py)


def signed_roll_calls(entries) -> dict[tuple[str, date, HalfDay], Attendance]:
    """(session, day, half) → the roll call of its signed sheet (the latest confirmation wins)."""
    out = {}
    for e in entries:
        if e.kind != CLOSE:
            continue
        d = e.data
        try:
            key = (d["session"], date.fromisoformat(d["date"]), HalfDay(d["half"]))
        except (KeyError, TypeError, ValueError):
            continue
        out[key] = Attendance(key[0], key[1], key[2], tuple(d.get("absent") or ()))
    return out


def with_signed(project: Project, entries) -> Project:
    """The project whose roll calls include the signed sheets (they win over presences.yaml)."""
    signed = signed_roll_calls(entries)
    if not signed:
        return project
    kept = tuple(a for a in project.attendance if (a.session_id, a.date, a.half) not in signed)
    return replace(project, attendance=kept + tuple(signed.values()))
