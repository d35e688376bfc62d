"""How messages leave qualikit: at least once, under one Message-ID, every event journaled.

`deliver()` sends a batch of `Outgoing` messages through a transport (outbox.py or smtp.py):

- under `journal.locked()`, so two processes never send the same key at once: the second
  waits, then finds the keys journaled;
- a message gets its Message-ID when it is first planned: `delivery.planned` (with the
  Message-ID) is journaled *before* the send, the message's own keyed entry (`onboard.email`,
  `remind.…`, with the server's reply and queue id) after it. A key journaled as sent is
  never sent again unless forced (then journaled with `resend: true`, under a new Message-ID);
- a planned message not journaled as sent (the run was killed, the connection dropped after
  the body, the server said 4xx) is sent again by the next run under the *same* Message-ID,
  journaled as `delivery.retry`: at least once, never two different messages. A rare
  duplicate shares its Message-ID, so most mail programs show it once;
- a message refused for good (5xx) is journaled as `delivery.failed` with the server's reply
  and is not sent again until its recipients change (the trainer fixed the address); the
  rest of the batch goes on. A dropped connection or a 4xx journals `delivery.deferred` and
  stops the batch: the next run sends the rest;
- an unreachable server, a refused login or a bad certificate is found by `open()` before
  anything is journaled: the batch waits, nothing is lost.

The states are read back by `qualikit.project.outbound` (status, digest, journal export).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path

from qualikit.delivery.outbox import OutboxTransport, clean_stale
from qualikit.delivery.transport import DeliveryError, Receipt, Transport, safe_name
from qualikit.project import outbound
from qualikit.project.journal import Journal

__all__ = [
    "DeliveryError",
    "DeliveryReport",
    "OutboxTransport",
    "Outgoing",
    "Receipt",
    "Transport",
    "attachments",
    "deliver",
    "safe_name",
]


def __getattr__(name: str):
    """The SMTP transport is imported when asked for: a run that writes to outbox/, or sends
    nothing, does not load smtplib and ssl."""
    if name == "SmtpTransport":
        from qualikit.delivery import smtp

        return smtp.SmtpTransport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Outgoing:
    key: str  # idempotency key, e.g. "onboard:email:S1:ana"
    message: EmailMessage  # complete: From, To, Subject, Date, Message-ID, parts, attachments
    kind: str  # journal kind for the sent record, e.g. "onboard.email"
    data: dict = field(default_factory=dict)  # extra journal data (session, learner…)


@dataclass
class DeliveryReport:
    """What deliver() did; sent + already + failed + waiting hold each key of the batch once."""

    sent: list[Outgoing] = field(default_factory=list)  # sent now (would be sent, in a dry run)
    already: list[Outgoing] = field(default_factory=list)  # journaled before (or recovered now)
    failed: list[tuple[Outgoing, str]] = field(default_factory=list)  # refused for good: the trainer acts
    waiting: list[tuple[Outgoing, str]] = field(default_factory=list)  # sent again by the next run
    dry_run: bool = False
    recovered: list[Outgoing] = field(default_factory=list)  # subset of `already`: journaled now from the outbox
    warnings: list[tuple[Outgoing, str]] = field(default_factory=list)  # sent, but some recipients refused
    retried: list[Outgoing] = field(default_factory=list)  # subset of `sent`/`waiting`: a later attempt

    @property
    def ok(self) -> bool:
        return not self.failed and not self.waiting


def attachments(message: EmailMessage) -> list[dict]:
    """[{filename, sha256}] of the message's attachments, in order."""
    found = []
    for part in message.walk():
        if part.is_multipart() or not part.is_attachment():
            continue
        payload = part.get_payload(decode=True) or b""
        found.append({"filename": part.get_filename(), "sha256": hashlib.sha256(payload).hexdigest()})
    return found


def _addresses(message: EmailMessage, header: str) -> list[str]:
    return [addr for _, addr in getaddresses([str(v) for v in message.get_all(header, [])]) if addr]


def _recipients(message: EmailMessage) -> str:
    return ", ".join(a for h in ("To", "Cc", "Bcc") for a in _addresses(message, h))


def _incomplete(message: EmailMessage) -> str | None:
    if not _addresses(message, "From"):
        return "message incomplet\u00a0: pas d'expéditeur (From)"
    if not _recipients(message):
        return "message incomplet\u00a0: pas de destinataire"
    return None


def _message_id(message: EmailMessage) -> str | None:
    return str(message["Message-ID"]).strip() if message["Message-ID"] else None


def _record(outgoing: Outgoing, transport: str, **flags: bool) -> dict:
    message = outgoing.message
    facts: dict = {
        "to": ", ".join(_addresses(message, "To")),
        "subject": str(message.get("Subject", "")),
        "message_id": _message_id(message),
        "transport": transport,
        "attachments": attachments(message),
    }
    cc = _addresses(message, "Cc")
    if cc:
        facts["cc"] = ", ".join(cc)
    facts.update({name: True for name, on in flags.items() if on})
    record = {**outgoing.data, **facts}
    try:  # fail before anything is sent, not between the send and the journal
        json.dumps(record, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise TypeError(f"Outgoing.data for {outgoing.key!r} is not JSON: {e}") from e
    return record


def _event(item: Outgoing, **facts) -> dict:
    """The data of a delivery.* entry: the message's key and context, then what happened."""
    message = item.message
    context = {k: v for k, v in item.data.items() if k in ("session", "learner", "step", "label")}
    return {**context, "key": item.key, "kind": item.kind, "message_id": _message_id(message),
            "to": _recipients(message), "subject": str(message.get("Subject", "")), **facts}


def _reuse_id(message: EmailMessage, message_id: str | None) -> None:
    if message_id:
        del message["Message-ID"]
        message["Message-ID"] = message_id


def deliver(journal: Journal, transport: Transport, outgoing: Iterable[Outgoing], *, dry_run: bool = False,
            force: Iterable[str] = frozenset(), spool: Path) -> DeliveryReport:
    """Send each message not yet journaled as sent; see the module docstring.

    The transport is closed at the end (an SMTP transport reconnects if used again). A dry
    run reads only: no lock, no journal entry, nothing sent. `spool` is where earlier
    versions kept their markers: it is cleaned of them and of temporary files left by a kill.
    """
    items = list(outgoing)
    report = DeliveryReport(dry_run=dry_run)
    try:
        with nullcontext() if dry_run else journal.locked():
            if not dry_run:
                _clean(Path(spool))
                if items and (clean := getattr(transport, "clean", None)) is not None:
                    clean()  # the outbox can hold years of .eml: looked through only when writing to it
            if items:
                _deliver(journal, transport, items, set(force), report)
    finally:
        if not dry_run:
            transport.close()
    return report


def _clean(spool: Path) -> None:
    """Leftovers of a killed run: our temporary files, and the markers of earlier versions
    (their messages are simply sent again: they were never journaled as sent)."""
    clean_stale(spool)
    for marker in spool.glob("*.pending") if spool.is_dir() else ():
        marker.unlink(missing_ok=True)


def _deliver(journal: Journal, transport: Transport, items: list[Outgoing], forced: set[str],
             report: DeliveryReport) -> None:
    entries = journal.entries()
    done = {e.key for e in entries if e.key is not None}
    known = outbound.messages(entries)
    seen: set[str] = set()
    plan: list[tuple[Outgoing, outbound.Message | None]] = []
    for item in items:
        if item.key in seen:  # the same key twice in one batch: once is enough
            report.already.append(item)
            continue
        seen.add(item.key)
        state = known.get(item.key)
        if item.key in forced:
            plan.append((item, None))
            continue
        if item.key in done:
            report.already.append(item)
            continue
        if state is not None and state.state == outbound.REFUSED and state.to == _recipients(item.message):
            report.failed.append((item, state.reason))  # the trainer has not changed it: do not hammer
            continue
        plan.append((item, state))
    for item, _ in plan:
        _record(item, transport.name)  # data errors before anything is sent
    if report.dry_run:
        for item, _ in plan:
            problem = _incomplete(item.message)
            if problem:
                report.failed.append((item, problem))
            else:
                report.sent.append(item)
        return
    if plan:
        stop = _open(transport)
        if stop is not None:
            report.waiting.extend((item, stop) for item, _ in plan)
            return
    stop = None
    for item, state in plan:
        if stop is not None:
            report.waiting.append((item, f"non tenté\u00a0: {stop}"))
            continue
        stop = _send_one(journal, transport, item, state, item.key in forced, item.key in done, report)


def _open(transport: Transport) -> str | None:
    """Connect before anything is journaled; the reason when the transport cannot be used."""
    opener = getattr(transport, "open", None)
    if opener is None:
        return None
    try:
        opener()
    except DeliveryError as e:
        return str(e)
    return None


def _send_one(journal: Journal, transport: Transport, item: Outgoing, state: outbound.Message | None,
              forced: bool, done: bool, report: DeliveryReport) -> str | None:
    """Plan (or retry), send, journal; returns the reason to stop the batch, if any."""
    message = item.message
    problem = _incomplete(message)
    if problem:
        journal.append(outbound.FAILED, _event(item, reason=problem))
        report.failed.append((item, problem))
        return None
    if state is not None and not state.sent and not forced:
        _reuse_id(message, state.message_id)
        was_sent = getattr(transport, "was_sent", None)
        if state.state == outbound.INTERRUPTED and was_sent is not None and was_sent(item.key, state.message_id):
            journal.append(item.kind, _record(item, transport.name, recovered=True), key=item.key)
            report.already.append(item)
            report.recovered.append(item)
            return None
        journal.append(outbound.RETRY, _event(item, attempt=state.attempts + 1, previous=state.reason))
        report.retried.append(item)
    else:
        journal.append(outbound.PLANNED, _event(item, transport=transport.name))
    try:
        receipt = transport.send(message, key=item.key)
    except DeliveryError as e:
        if e.permanent:
            journal.append(outbound.FAILED, _event(item, reason=str(e), reply=e.reply))
            report.failed.append((item, str(e)))
        else:
            journal.append(outbound.DEFERRED, _event(item, reason=str(e), reply=e.reply, uncertain=e.uncertain))
            report.waiting.append((item, str(e)))
        return e.fatal
    # Any other exception (a bug, Ctrl-C) propagates: the planned entry stays, the next run retries.
    record = _record(item, transport.name, resend=forced and done)
    receipt = receipt or Receipt()
    if receipt.reply:
        record["reply"] = receipt.reply
    if receipt.queue_id:
        record["queue_id"] = receipt.queue_id
    if receipt.refused:
        record["refused"] = list(receipt.refused)
        report.warnings.append((item, "envoyé, mais refusé pour\u00a0: " + ", ".join(receipt.refused)))
    journal.append(item.kind, record, key=item.key)
    report.sent.append(item)
    return None
