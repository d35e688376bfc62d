"""The outbox: each message as an .eml file the trainer sends by hand; nothing leaves the machine."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from qualikit.base.files import write_atomic
from qualikit.delivery.transport import DeliveryError, Receipt, safe_name

# what write_atomic leaves behind when a process is killed mid-write: .<name>.<8 hex>.tmp
_OUR_TMP = re.compile(r"^\..+\.[0-9a-f]{8}\.tmp$")


def clean_stale(folder: Path) -> list[Path]:
    """Remove our temporary files left by a killed run (call it under the journal lock)."""
    removed = []
    try:
        names = list(Path(folder).iterdir())
    except OSError:
        return removed
    for path in names:
        if _OUR_TMP.match(path.name) and path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


class OutboxTransport:
    """Writes each message as <outbox>/<YYYYMMDD-HHMMSS>-<safe key>.eml.

    The file is written aside then renamed, so its presence tells the truth: an .eml for a
    key holding the message's Message-ID means that message was "déposé".
    """

    name = "outbox"

    def __init__(self, outbox: Path, clock: Callable[[], datetime] | None = None) -> None:
        self.outbox = Path(outbox)
        self._clock = clock or (lambda: datetime.now().astimezone())

    def clean(self) -> None:
        """Remove the temporary files a killed run left in the outbox (under the journal lock)."""
        clean_stale(self.outbox)

    def send(self, message: EmailMessage, *, key: str | None = None) -> Receipt:
        stem = safe_name(key if key is not None else str(message.get("Message-ID") or "message"))
        base = f"{self._clock().strftime('%Y%m%d-%H%M%S')}-{stem}"
        try:
            content = message.as_bytes()  # the message's own policy: it parses back identical
        except (ValueError, UnicodeError, LookupError) as e:
            raise DeliveryError(f"message impossible à écrire\u00a0: {e}", permanent=True) from e
        try:
            self.outbox.mkdir(parents=True, exist_ok=True)
            target, n = self.outbox / f"{base}.eml", 2
            while target.exists():  # a forced resend within the same second keeps the first copy
                target, n = self.outbox / f"{base}-{n}.eml", n + 1
            write_atomic(target, content)
        except OSError as e:
            reason = f"écriture impossible dans la boîte d'envoi {self.outbox}\u00a0: {e.strerror or e}"
            raise DeliveryError(reason, fatal=reason) from e
        return Receipt()

    def was_sent(self, key: str, message_id: str | None = None) -> bool:
        """Whether an .eml was written for `key` (with this Message-ID, when given)."""
        stem = safe_name(key)
        files = [*self.outbox.glob(f"*-{stem}.eml"), *self.outbox.glob(f"*-{stem}-*.eml")]
        if message_id is None:
            return bool(files)
        needle = message_id.strip().encode("ascii", "replace")
        for path in files:
            try:
                if needle in path.read_bytes():
                    return True
            except OSError:
                continue
        return False

    def close(self) -> None:
        pass
