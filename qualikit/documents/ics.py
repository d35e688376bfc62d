"""Calendar invite (RFC 5545) for a learner: one event per training day, Europe/Paris."""

from __future__ import annotations

from datetime import datetime

from qualikit.base.clock import PARIS
from qualikit.project.model import Learner, Organisation, Programme, Session


def render_invite(org: Organisation, programme: Programme, session: Session, learner: Learner,
                  stamp: datetime, domain: str) -> bytes:
    from icalendar import Calendar, Event, vCalAddress, vText

    cal = Calendar()
    cal.add("prodid", "-//qualikit//convocation//FR")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")  # an agenda entry to add, not a meeting to accept or decline
    sender = org.sender.email if org.sender and org.sender.email else org.email
    where = session.place or session.distance_link or ""
    for n, day in enumerate(session.days, start=1):
        halves = day.halves()
        event = Event()
        event.add("uid", f"{session.id}-{day.date:%Y%m%d}-{learner.id}@{domain}")
        event.add("dtstamp", stamp)
        event.add("summary", f"Formation : {programme.title} (jour {n}/{len(session.days)})")
        event.add("dtstart", datetime.combine(day.date, halves[0][1].start, PARIS))
        event.add("dtend", datetime.combine(day.date, halves[-1][1].end, PARIS))
        if where:
            event.add("location", where)
        lines = [f"{half.value.capitalize()} : {hours}" for half, hours in halves]
        if session.distance_link:
            lines.append(f"Lien de connexion : {session.distance_link}")
        if session.access:
            lines.append(f"Accès : {session.access}")
        event.add("description", "\n".join(lines))
        if sender:
            organizer = vCalAddress(f"mailto:{sender}")
            organizer.params["cn"] = vText(org.sender.name if org.sender and org.sender.name else org.name)
            event.add("organizer", organizer)
        attendee = vCalAddress(f"mailto:{learner.email}")
        attendee.params["cn"] = vText(learner.full_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
