"""What became of each message, read from the journal: planned, sent, waiting or failed.

Delivery writes one entry per event: `delivery.planned` when a message is first given its
Message-ID, `delivery.retry` when it is attempted again, `delivery.deferred` when it must
wait (the server asked to wait, the connection dropped, the run was cut), `delivery.failed`
when the server refused it for good, and the message's own keyed entry (`onboard.email`,
`remind.…`) when it was sent. These `delivery.*` entries carry the message's key in their
data, never as the entry's key: `journal.keys()` keeps meaning "done". Everyone who shows
what is waiting (status, the digest, the journal export) and delivery itself read it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

PLANNED, RETRY, DEFERRED, FAILED = "delivery.planned", "delivery.retry", "delivery.deferred", "delivery.failed"
EVENTS = (PLANNED, RETRY, DEFERRED, FAILED)

# states of a message not sent
INTERRUPTED = "interrompu"  # planned or retried, then nothing: the run was cut during the send
WAITING = "en attente"  # deferred: sent again by the next run
REFUSED = "refusé"  # failed for good: waits for the trainer


@dataclass(frozen=True)
class Message:
    """The last known state of one message (by key)."""

    key: str
    message_id: str | None
    state: str  # "envoyé", INTERRUPTED, WAITING, REFUSED
    since: datetime  # the time of the last event
    reason: str  # why it waits or failed ("" when sent)
    to: str
    subject: str
    attempts: int  # sends tried (planned counts as the first)
    data: dict  # the last event's data (session, learner, label…)

    @property
    def sent(self) -> bool:
        return self.state == "envoyé"


def messages(entries) -> dict[str, Message]:
    """Every message the journal knows of, by key, in their last state (journal order)."""
    found: dict[str, Message] = {}
    for e in entries:
        kind = e.kind
        if kind in EVENTS:
            key = e.data.get("key")
            if not isinstance(key, str):
                continue
            old = found.get(key)
            found[key] = _event(e, key, old)
        elif e.key is not None and e.key in found:
            old = found[e.key]
            mid = e.data.get("message_id") or old.message_id
            found[e.key] = Message(e.key, mid, "envoyé", e.ts, "", old.to, old.subject, old.attempts, e.data)
    return found


def _event(e, key: str, old: Message | None) -> Message:
    data = e.data
    mid = data.get("message_id") or (old.message_id if old else None)
    to = str(data.get("to") or (old.to if old else ""))
    subject = str(data.get("subject") or (old.subject if old else ""))
    attempts = old.attempts if old else 0
    if e.kind == PLANNED:
        return Message(key, mid, INTERRUPTED, e.ts, "envoi interrompu", to, subject, 1, data)
    if e.kind == RETRY:
        return Message(key, mid, INTERRUPTED, e.ts, "envoi interrompu", to, subject,
                       attempts + 1, {**(old.data if old else {}), **data})
    state = WAITING if e.kind == DEFERRED else REFUSED
    return Message(key, mid, state, e.ts, str(data.get("reason") or ""), to, subject, attempts,
                   {**(old.data if old else {}), **data})


def unsent(entries) -> list[Message]:
    """The messages planned and not sent (waiting, interrupted or refused), oldest first."""
    return sorted((m for m in messages(entries).values() if not m.sent), key=lambda m: m.since)


def describe(message: Message) -> str:
    """One French line: which message, what happened, what the trainer can do."""
    what = f"e-mail «\u00a0{message.subject}\u00a0» à {message.to or '?'}"
    if message.state == REFUSED:
        why = message.data.get("reply") or message.reason
        return (f"{what} refusé par le serveur ({why})\u00a0: corrigez l'adresse dans le projet, "
                "il repartira au prochain envoi")
    return f"{what} pas encore parti ({message.reason})\u00a0: {_next(message)}"


def _next(message: Message) -> str:
    """Who sends it again: the daily run for convocations and reminders, the command otherwise."""
    kind, session = str(message.data.get("kind") or ""), message.data.get("session") or "SESSION"
    if kind == "close.email":
        return (f"il repartira sous le même Message-ID en relançant «\u00a0qualikit close-session {session}\u00a0» "
                "(rien n'est envoyé deux fois)")
    if kind.startswith("contract."):
        return (f"il repartira sous le même Message-ID en relançant «\u00a0qualikit contract {session}\u00a0» "
                "(rien n'est envoyé deux fois)")
    return "rien à faire, il repartira de lui-même au prochain envoi, sous le même Message-ID"
