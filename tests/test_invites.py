"""Calendar invitations as two independent readers see them (icalendar and vobject), and over time:
an update keeps the UID and raises SEQUENCE, a withdrawal cancels."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy

import icalendar
import pytest
import vobject
from smtp_server import running_smtp  # noqa: F401 (the smtp fixture's module)

from conftest import DEMO
from qualikit.base.clock import PARIS, Clock
from qualikit.commands.onboard import onboard
from qualikit.delivery.send import SmtpTransport
from qualikit.documents.ics import render_invite
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project
from qualikit.project.model import Day, TimeRange

pytest_plugins = ["smtp_server"]

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)
SESSION = "projet-2026-11-30"  # starts within 7 days of NOW; its 8 December is held at a distance
LINK = "https://meet.jit.si/AtelierClement-ProjetCollaboratif-2026-12-08"


def invites_of(message) -> list[tuple[dict, bytes]]:
    """(Content-Type parameters, .ics bytes) of each text/calendar part."""
    return [(dict(part["Content-Type"].params), part.get_payload(decode=True))
            for part in message.walk() if part.get_content_type() == "text/calendar"]


def utc_starts_icalendar(ics: bytes) -> list[datetime]:
    cal = icalendar.Calendar.from_ical(ics)
    return sorted(e.decoded("dtstart").astimezone(UTC) for e in cal.walk("VEVENT"))


def utc_starts_vobject(ics: bytes) -> list[datetime]:
    cal = vobject.readOne(ics.decode("utf-8"))
    return sorted(e.dtstart.value.astimezone(UTC) for e in cal.vevent_list)


def test_every_invite_of_the_demo_reads_the_same_in_both_libraries(built_demo):
    starts, seen = set(), 0
    for eml in sorted((built_demo / "outbox").glob("*.eml")):
        message = message_from_bytes(eml.read_bytes(), policy=policy.default)
        for params, ics in invites_of(message):
            seen += 1
            cal = icalendar.Calendar.from_ical(ics)
            method = str(cal["METHOD"])
            assert params == {"charset": "utf-8", "method": method}, eml.name
            assert utc_starts_icalendar(ics) == utc_starts_vobject(ics), eml.name
            events = cal.walk("VEVENT")
            assert len({str(e["UID"]) for e in events}) == 1  # iTIP: one UID per message
            for e in events:
                assert str(e["ORGANIZER"]) == "mailto:claire.clement@atelier-clement-formation.fr"
                assert str(e["ATTENDEE"]).lower() == f"mailto:{message['To'].addresses[0].addr_spec}".lower()
            assert method in ("REQUEST", "CANCEL")
            starts.update(utc_starts_vobject(ics))
            assert b"RDATE" not in ics.split(b"END:VTIMEZONE")[0]  # the zone is rules, not a list of dates
    assert seen >= 20
    # both sides of the change to winter time (25 October 2026): 9:00 in Paris is 7:00, then 8:00 UTC
    assert datetime(2026, 10, 15, 7, 0, tzinfo=UTC) in starts and datetime(2026, 11, 4, 8, 0, tzinfo=UTC) in starts


def test_spring_change_reads_the_same_too():
    project = load_project(DEMO).project
    session = project.session(SESSION)
    nine = TimeRange(time(9), time(12))
    days = (Day(date(2027, 3, 26), nine), Day(date(2027, 3, 29), nine))  # around 28 March 2027
    session = replace(session, days=days)
    learner = project.learner(session.enrolments[0].learner_id)
    ics = render_invite(project.organisation, project.programme(session.programme_id), session, learner, NOW, "x.fr")
    expected = [datetime(2027, 3, 26, 8, tzinfo=UTC), datetime(2027, 3, 29, 7, tzinfo=UTC)]
    assert utc_starts_icalendar(ics) == utc_starts_vobject(ics) == expected


def test_a_distance_day_gives_the_link_as_location(built_demo):
    project = load_project(built_demo).project
    session = project.session(SESSION)
    found = 0
    for eml in (built_demo / "outbox").glob(f"*onboard_email_{SESSION}_*.eml"):
        message = message_from_bytes(eml.read_bytes(), policy=policy.default)
        [(_, ics)] = invites_of(message)
        for event in icalendar.Calendar.from_ical(ics).walk("VEVENT"):
            day = event.decoded("dtstart").date()
            assert str(event["LOCATION"]) == (LINK if day == date(2026, 12, 8) else session.place), day
            found += 1
    assert found == 3 * len(session.enrolments)


@pytest.fixture
def demo(tmp_path):
    return shutil.copytree(DEMO, tmp_path / "demo")


def run_onboard(root, server, now):
    project = load_project(root).project
    return onboard(project, root, open_journal(root, Clock(now)), SmtpTransport(server.settings(), timeout=5), now)


def sent_invites(server) -> dict[str, list[icalendar.Calendar]]:
    out: dict[str, list] = {}
    for message in server.messages:
        for _, ics in invites_of(message):
            out.setdefault(message["To"].addresses[0].addr_spec, []).append(icalendar.Calendar.from_ical(ics))
    return out


def test_a_change_sends_an_update_then_a_withdrawal_cancels(demo, smtp):
    assert run_onboard(demo, smtp, NOW).delivery.ok
    first = sent_invites(smtp)
    assert len(first) == 5

    sessions = demo / "sessions.yaml"
    text = sessions.read_text(encoding="utf-8")
    day = '    - date: 2026-12-08\n      matin: "09:{}-12:30"'
    moved = text.replace(day.format("00"), day.format("30"))
    assert moved != text
    sessions.write_text(moved, encoding="utf-8")
    later = NOW + timedelta(days=1)
    assert run_onboard(demo, smtp, later).delivery.ok
    after = sent_invites(smtp)
    for address, calendars in after.items():
        assert len(calendars) == 2, address
        old, new = calendars
        assert str(new["METHOD"]) == "REQUEST"
        [uid] = {str(e["UID"]) for e in old.walk("VEVENT")}
        assert {str(e["UID"]) for e in new.walk("VEVENT")} == {uid}
        assert {int(e["SEQUENCE"]) for e in old.walk("VEVENT")} == {0}
        assert {int(e["SEQUENCE"]) for e in new.walk("VEVENT")} == {1}
        moved_day = next(e for e in new.walk("VEVENT") if e.decoded("dtstart").date() == date(2026, 12, 8))
        assert moved_day.decoded("dtstart").time() == time(9, 30)
    count = len(smtp.messages)
    assert run_onboard(demo, smtp, later).delivery.ok and len(smtp.messages) == count  # nothing changed since

    withdrawn = moved.replace("    - apprenant: nicolas-faure\n      statut: inscrit\n",
                              "    - apprenant: nicolas-faure\n      statut: abandon\n      date_abandon: 2026-11-24\n"
                              "      motif_abandon: Mutation professionnelle\n")
    assert withdrawn != moved
    sessions.write_text(withdrawn, encoding="utf-8")
    assert run_onboard(demo, smtp, later + timedelta(days=1)).delivery.ok
    message = smtp.messages[-1]
    assert len(smtp.messages) == count + 1 and "nicolas" in message["To"].addresses[0].addr_spec
    [(params, ics)] = invites_of(message)
    cancel = icalendar.Calendar.from_ical(ics)
    assert params["method"] == "CANCEL" and str(cancel["METHOD"]) == "CANCEL"
    [event] = cancel.walk("VEVENT")  # the whole event: he left before the first day
    assert int(event["SEQUENCE"]) == 2 and str(event["STATUS"]) == "CANCELLED" and "RECURRENCE-ID" not in event
