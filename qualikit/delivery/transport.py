"""What every transport shares: the error it raises, the receipt it returns, its interface."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

_NAME_LIMIT = 80  # characters of the key kept in file names (plus a 10-character digest)


class DeliveryError(Exception):
    """A message could not be sent; str() is a French reason for the trainer.

    `permanent`: the server refused this message for good (5xx): it is journaled as failed
    and not sent again until the trainer changes it. Otherwise the message waits and the
    next run sends it again, under the same Message-ID. `fatal` is set when nothing more can
    go through this transport for now (connection dead, login refused, the server asks to
    wait): the rest of the batch is not attempted. `reply` is the server's answer, if any.
    """

    def __init__(self, message: str, *, fatal: str | None = None, permanent: bool = False,
                 uncertain: bool = False, reply: str = "") -> None:
        super().__init__(message)
        self.fatal = fatal
        self.permanent = permanent
        self.uncertain = uncertain
        self.reply = reply


@dataclass(frozen=True)
class Receipt:
    """What the server said when it took the message (empty for the outbox)."""

    reply: str = ""  # e.g. "250 2.0.0 Ok: queued as 4F1A2B"
    queue_id: str | None = None
    refused: list[str] = field(default_factory=list)  # recipients refused while others were accepted


class Transport(Protocol):
    """Where messages go. send() raises DeliveryError (French message) on failure.

    A transport may also have `open()` (connect before anything is journaled: an unreachable
    server then costs no journal entry) and `was_sent(key, message_id) -> bool` (the outbox
    can tell whether an interrupted send went through; SMTP cannot) and `clean()` (remove what
    a killed run left behind).
    """

    name: str  # "outbox" | "smtp"

    def send(self, message: EmailMessage, *, key: str) -> Receipt: ...

    def close(self) -> None: ...


def safe_name(key: str) -> str:
    """A file-name-safe, bounded, collision-free form of an idempotency key.

    ASCII letters, digits, `.`, `_`, `-` only (no path separator, no leading dot), at most
    80 characters of the key, then a digest of the whole key so that two keys never share a
    name ("a:b" and "a_b", or long keys cut alike).
    """
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
    ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_key)[:_NAME_LIMIT].strip("._-")
    return f"{text}-{digest}" if text else digest
