"""Calendar invitation for a learner (iTIP, RFC 5546): one event per session, one instance per day.

- METHOD:REQUEST names the organisation as ORGANIZER and the learner as ATTENDEE: a personal
  invitation that Outlook, Gmail and Apple Calendar show with its answer buttons and later update
  in place. (PUBLISH with an ATTENDEE is forbidden by RFC 5546 and each client reads it its own way.)
- One UID per learner and session (iTIP carries one UID per message): the first day is the event,
  the other days are RDATE instances, each overridden (RECURRENCE-ID) with its own hours and place.
- A change of time or place is sent again under the same UID with SEQUENCE + 1 (`invite_digest`
  tells a change from a resend); a withdrawal sends METHOD:CANCEL.
- The VTIMEZONE is written by hand with RRULEs: icalendar's add_missing_timezones lists every
  transition as comma-separated RDATEs, which vobject reads one hour off.
- LOCATION is the room, or the connection link on a day held at a distance.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from qualikit.base.clock import PARIS
from qualikit.base.frdates import time_range
from qualikit.project.model import Day, Learner, Organisation, Programme, Session

REQUEST, CANCEL = "REQUEST", "CANCEL"

PARIS_VTIMEZONE = """\
BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19810329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19961027T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # the stamp of the digest's render: not part of the content


def mime_params(method: str) -> dict[str, str]:
    """Parameters of the e-mail's text/calendar part (RFC 6047): clients read method= to show an invitation."""
    return {"charset": "utf-8", "method": method}


def invite_uid(session: Session, learner: Learner, domain: str) -> str:
    return f"{session.id}-{learner.id}@{domain}"


def day_location(session: Session, day: Day) -> str:
    """The room, or the connection link when the day is held at a distance (or the session has no room)."""
    if session.distance_link and (day.distance or not session.place):
        return session.distance_link
    return session.place or ""


def render_invite(org: Organisation, programme: Programme, session: Session, learner: Learner,
                  stamp: datetime, domain: str, *, sequence: int = 0, method: str = REQUEST,
                  cancelled: tuple[date, ...] = ()) -> bytes:
    """The .ics bytes; `stamp` is DTSTAMP (when the message is made), `sequence` its revision. A
    CANCEL cancels the whole event, or only the `cancelled` days (a learner leaving mid-session)."""
    from icalendar import Calendar, Event, Timezone, vCalAddress, vText

    cal = Calendar()
    cal.add("prodid", "-//qualikit//convocation//FR")
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add_component(Timezone.from_ical(PARIS_VTIMEZONE))
    days = sorted(session.days, key=lambda d: d.date)
    uid = invite_uid(session, learner, domain)
    sender = org.sender_email

    def event(n: int, day: Day, master: bool) -> Event:
        halves = day.halves()
        start = datetime.combine(day.date, halves[0][1].start, PARIS)
        ev = Event()
        ev.add("uid", uid)
        ev.add("dtstamp", stamp.astimezone(UTC))
        ev.add("sequence", sequence)
        if not master:
            ev.add("recurrence-id", start)
        ev.add("dtstart", start)
        ev.add("dtend", datetime.combine(day.date, halves[-1][1].end, PARIS))
        if master:
            for other in days[1:]:
                ev.add("rdate", datetime.combine(other.date, other.halves()[0][1].start, PARIS))
        title = f"Formation : {programme.title}"
        ev.add("summary", title if len(days) == 1 else f"{title} (jour {n}/{len(days)})")
        where = day_location(session, day)
        if where:
            ev.add("location", where)
        lines = [f"{half.value.capitalize()} : {time_range(hours)}" for half, hours in halves]
        if session.distance_link and where == session.distance_link:
            lines.append(f"Lien de connexion : {session.distance_link}")
            if session.connection_help:
                lines.append(session.connection_help)
        elif session.access:
            lines.append(f"Accès : {session.access}")
        ev.add("description", "\n".join(lines))
        ev.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
        ev.add("transp", "OPAQUE")
        if sender:
            organizer = vCalAddress(f"mailto:{sender}")
            organizer.params["cn"] = vText(org.sender_name)
            ev.add("organizer", organizer)
        attendee = vCalAddress(f"mailto:{learner.email}")
        attendee.params["cn"] = vText(learner.full_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("FALSE")
        ev.add("attendee", attendee, encode=0)
        return ev

    if method == CANCEL and cancelled and days[0].date not in cancelled:
        for n, day in enumerate(days, start=1):  # those instances only, by their RECURRENCE-ID
            if day.date in cancelled:
                cal.add_component(event(n, day, False))
    elif method == CANCEL:  # the UID: every instance
        cal.add_component(event(1, days[0], True))
    else:
        cal.add_component(event(1, days[0], True))
        for n, day in enumerate(days[1:], start=2):
            cal.add_component(event(n, day, False))
    return cal.to_ical()


def invite_digest(org: Organisation, programme: Programme, session: Session, learner: Learner, domain: str) -> str:
    """What the learner's calendar shows (days, hours, place, text), without stamp or revision:
    the same digest is a resend, another one an update."""
    content = render_invite(org, programme, session, learner, _EPOCH, domain)
    return hashlib.sha256(content).hexdigest()
