"""How messages leave qualikit: exactly once, journaled, never lost in a crash.

`deliver()` sends a batch of `Outgoing` messages through a `Transport` and
records each sent message in the journal under its idempotency key:

- under `journal.locked()`, so two processes never send the same key twice:
  the second one waits, then finds the keys journaled;
- a key already journaled is skipped unless forced (then journaled again with
  `resend: true`);
- before each send a marker `<spool>/<safe key>.pending` is written (atomic),
  after the send the journal entry is appended, then the marker deleted. A
  marker left for an unjournaled key means a run died between send and
  journal: that message is *uncertain* and not resent unless forced. The
  outbox can tell the truth (its .eml is written atomically), so there the
  marker is resolved automatically;
- a failed send (the server refused, the connection dropped before the end of
  the message) journals nothing and removes the marker: the next run sends it.
  A connection lost after the whole message went out but before the server
  answered is *uncertain* too (the server may have queued it);
- when the connection is dead or the server asks to wait (4xx), the rest of the
  batch is not attempted; a permanent refusal (5xx) fails only that message.

The password is read from the environment at connection time, never stored,
logged, journaled or put in an error message.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import json
import os
import re
import smtplib
import ssl
import unicodedata
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from qualikit.base.files import write_atomic
from qualikit.project.journal import Journal

if TYPE_CHECKING:
    from qualikit.project.model import SmtpSettings

UNCERTAIN = "envoi interrompu\u00a0: vérifiez si le message est parti, puis relancez avec --force"
DROPPED = "le serveur SMTP a coupé la connexion"
SECURITIES = ("starttls", "ssl", "aucune")

_NAME_LIMIT = 80  # characters of the key kept in file names (plus a 10-character digest)


class DeliveryError(Exception):
    """A message could not be sent; str() is a French reason for the trainer.

    `fatal` is set when nothing more can go through this transport for now (the
    connection is dead, login failed, the server asks to wait): it is the reason
    given to the rest of the batch, which is not attempted. `uncertain` is set
    when the message may have reached the server anyway.
    """

    def __init__(self, message: str, *, fatal: str | None = None, uncertain: bool = False) -> None:
        super().__init__(message)
        self.fatal = fatal
        self.uncertain = uncertain


@dataclass(frozen=True)
class Outgoing:
    key: str  # idempotency key, e.g. "onboard:email:S1:ana"
    message: EmailMessage  # complete: From, To, Subject, Date, Message-ID, parts, attachments
    kind: str  # journal kind for the sent record, e.g. "onboard.email"
    data: dict = field(default_factory=dict)  # extra journal data (session, learner…)


class Transport(Protocol):
    """Where messages go. send() raises DeliveryError (French message) on failure.

    send() may return the recipients the server refused while it accepted the
    others (the message did leave); None or [] otherwise. A transport that can
    tell whether an interrupted send went through also has
    `was_sent(key) -> bool` (the outbox does; SMTP cannot).
    """

    name: str  # "outbox" | "smtp"

    def send(self, message: EmailMessage, *, key: str | None = None) -> list[str] | None: ...

    def close(self) -> None: ...


# -- file names and atomic files ------------------------------------------------


def safe_name(key: str) -> str:
    """A file-name-safe, bounded, collision-free form of an idempotency key.

    ASCII letters, digits, `.`, `_`, `-` only (no path separator, no leading
    dot), at most 80 characters of the key, then a digest of the whole key so
    that two keys never share a name ("a:b" and "a_b", or long keys cut alike).
    """
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
    ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_key)[:_NAME_LIMIT].strip("._-")
    return f"{text}-{digest}" if text else digest


def pending_path(spool: Path, key: str) -> Path:
    """The marker that says "`key` is being sent" while a send is in flight."""
    return Path(spool) / f"{safe_name(key)}.pending"


# -- transports -------------------------------------------------------------------


class OutboxTransport:
    """Writes each message as <outbox>/<YYYYMMDD-HHMMSS>-<safe key>.eml: nothing leaves the machine.

    The file is written aside then renamed, so its presence tells the truth:
    an .eml for a key means that message was "sent".
    """

    name = "outbox"

    def __init__(self, outbox: Path, clock: Callable[[], datetime] | None = None) -> None:
        self.outbox = Path(outbox)
        self._clock = clock or (lambda: datetime.now().astimezone())

    def send(self, message: EmailMessage, *, key: str | None = None) -> list[str] | None:
        stem = safe_name(key if key is not None else str(message.get("Message-ID") or "message"))
        base = f"{self._clock().strftime('%Y%m%d-%H%M%S')}-{stem}"
        try:
            content = message.as_bytes()  # the message's own policy: it parses back identical
        except (ValueError, UnicodeError, LookupError) as e:
            raise DeliveryError(f"message impossible à écrire\u00a0: {e}") from e
        try:
            self.outbox.mkdir(parents=True, exist_ok=True)
            target, n = self.outbox / f"{base}.eml", 2
            while target.exists():  # a forced resend within the same second keeps the first copy
                target, n = self.outbox / f"{base}-{n}.eml", n + 1
            write_atomic(target, content)
        except OSError as e:
            reason = f"écriture impossible dans la boîte d'envoi {self.outbox}\u00a0: {e.strerror or e}"
            raise DeliveryError(reason, fatal=reason) from e
        return None

    def was_sent(self, key: str) -> bool:
        """Whether an .eml was written for `key` (the outbox's proof of sending)."""
        stem = safe_name(key)
        return any(self.outbox.glob(f"*-{stem}.eml")) or any(self.outbox.glob(f"*-{stem}-*.eml"))

    def close(self) -> None:
        pass


class _Tracking:
    """smtplib mix-in noting when the whole message body went out during DATA.

    A connection lost after that point, before the server's reply, leaves the
    message's fate unknown; before it, the server cannot have accepted it.
    """

    payload_sent = False
    _data_step = 0

    def data(self, msg):  # type: ignore[no-untyped-def]
        self._data_step = 1
        try:
            return super().data(msg)  # type: ignore[misc]
        finally:
            self._data_step = 0

    def send(self, s):  # type: ignore[no-untyped-def]
        super().send(s)  # type: ignore[misc]
        if self._data_step:
            self._data_step += 1  # 2 after the DATA command, 3 after the body
            if self._data_step == 3:
                self.payload_sent = True


class _SMTP(_Tracking, smtplib.SMTP):
    pass


class _SMTP_SSL(_Tracking, smtplib.SMTP_SSL):
    pass


def _server_text(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(text.split())


class SmtpTransport:
    """Sends through an SMTP server: one connection for a batch, opened at the first send."""

    name = "smtp"

    def __init__(self, settings: SmtpSettings, *, ssl_context: ssl.SSLContext | None = None, timeout: float = 30.0,
                 local_hostname: str | None = None) -> None:
        self.settings = settings
        self._context = ssl_context
        self._timeout = timeout
        self._local_hostname = local_hostname
        self._conn: _SMTP | _SMTP_SSL | None = None

    @property
    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _connect(self) -> _SMTP | _SMTP_SSL:
        if self._conn is not None:
            return self._conn
        s = self.settings
        if s.security not in SECURITIES:
            reason = f"sécurité SMTP «\u00a0{s.security}\u00a0» inconnue (attendu\u00a0: starttls, ssl ou aucune)"
            raise DeliveryError(reason, fatal=reason)
        password = None
        if s.user:
            password = os.environ.get(s.password_env)
            if not password:
                reason = (f"mot de passe SMTP introuvable\u00a0: définissez la variable d'environnement "
                          f"{s.password_env} (utilisateur «\u00a0{s.user}\u00a0»)")
                raise DeliveryError(reason, fatal=reason)
        context = None
        if s.security != "aucune":
            context = self._context or ssl.create_default_context()
        conn: _SMTP | _SMTP_SSL | None = None
        try:
            if s.security == "ssl":
                conn = _SMTP_SSL(s.host, s.port, local_hostname=self._local_hostname, timeout=self._timeout,
                                 context=context)
            else:
                conn = _SMTP(s.host, s.port, local_hostname=self._local_hostname, timeout=self._timeout)
                if s.security == "starttls":
                    conn.starttls(context=context)
            if s.user:
                conn.login(s.user, password or "")
                conn.password = None  # smtplib keeps it on the connection; it is no longer needed
        except smtplib.SMTPAuthenticationError as e:
            reason = (f"le serveur SMTP {self._where} a refusé l'identifiant ou le mot de passe "
                      f"(utilisateur «\u00a0{s.user}\u00a0», mot de passe lu dans {s.password_env}\u00a0; "
                      f"réponse {e.smtp_code})")
            raise self._failed(conn, reason, password) from None
        except smtplib.SMTPNotSupportedError as e:
            what = "STARTTLS" if s.security == "starttls" and "STARTTLS" in str(e) else "l'authentification"
            reason = f"le serveur SMTP {self._where} ne propose pas {what} (vérifiez le port et la sécurité)"
            raise self._failed(conn, reason, password) from None
        except ssl.SSLCertVerificationError as e:
            reason = f"certificat du serveur SMTP {self._where} refusé\u00a0: {e.verify_message or e.reason}"
            raise self._failed(conn, reason, password) from None
        except ssl.SSLError as e:
            reason = (f"échec de la connexion chiffrée au serveur SMTP {self._where} ({e.reason or e}\u00a0; "
                      f"vérifiez le port et la sécurité\u00a0: ssl pour 465, starttls pour 587)")
            raise self._failed(conn, reason, password) from None
        except smtplib.SMTPResponseException as e:
            reason = f"le serveur SMTP {self._where} refuse la connexion ({e.smtp_code} {_server_text(e.smtp_error)})"
            raise self._failed(conn, reason, password) from None
        except smtplib.SMTPServerDisconnected:
            reason = f"{DROPPED} ({self._where}) avant l'envoi"
            raise self._failed(conn, reason, password) from None
        except smtplib.SMTPException as e:
            reason = f"connexion au serveur SMTP {self._where} impossible\u00a0: {e}"
            raise self._failed(conn, reason, password) from None
        except ConnectionRefusedError:
            reason = f"connexion refusée par le serveur SMTP {self._where} (serveur arrêté ou mauvais port\u00a0?)"
            raise self._failed(conn, reason, password) from None
        except TimeoutError:
            reason = f"le serveur SMTP {self._where} ne répond pas (délai dépassé)"
            raise self._failed(conn, reason, password) from None
        except OSError as e:
            reason = f"connexion au serveur SMTP {self._where} impossible\u00a0: {e.strerror or e}"
            raise self._failed(conn, reason, password) from None
        self._conn = conn
        return conn

    def _failed(self, conn, reason: str, password: str | None) -> DeliveryError:
        if conn is not None:
            try:
                conn.close()
            except OSError:
                pass
        reason = _redact(reason, self.settings.user, password)
        return DeliveryError(reason, fatal=reason)

    def send(self, message: EmailMessage, *, key: str | None = None) -> list[str] | None:
        conn = self._connect()
        conn.payload_sent = False
        try:
            refused = conn.send_message(message)
        except smtplib.SMTPRecipientsRefused as e:
            codes = [code for code, _ in e.recipients.values()]
            detail = "\u00a0; ".join(f"{addr}\u00a0: {code} {_server_text(text)}"
                                     for addr, (code, text) in e.recipients.items())
            if 421 in codes:
                self._drop()
                raise DeliveryError(f"{DROPPED} ({detail})", fatal=DROPPED) from None
            if any(400 <= code < 500 for code in codes):
                first = next(code for code in codes if 400 <= code < 500)
                raise DeliveryError(f"destinataire refusé temporairement par le serveur SMTP ({detail})",
                                    fatal=_busy(first)) from None
            if not detail:
                raise DeliveryError("aucun destinataire dans le message") from None
            raise DeliveryError(f"destinataire refusé par le serveur SMTP ({detail})") from None
        except smtplib.SMTPResponseException as e:
            code, text = e.smtp_code, _server_text(e.smtp_error)
            if code == 421:
                self._drop()
                raise DeliveryError(f"{DROPPED} ({code} {text})", fatal=DROPPED) from None
            if 400 <= code < 500:
                raise DeliveryError(f"refusé temporairement par le serveur SMTP ({code} {text})\u00a0: "
                                    "réessayez plus tard", fatal=_busy(code)) from None
            raise DeliveryError(f"refusé par le serveur SMTP ({code} {text})") from None
        except smtplib.SMTPServerDisconnected:
            uncertain = conn.payload_sent
            self._drop()
            if uncertain:
                raise DeliveryError(f"{DROPPED} avant de confirmer la réception", fatal=DROPPED,
                                    uncertain=True) from None
            raise DeliveryError(DROPPED, fatal=DROPPED) from None
        except smtplib.SMTPNotSupportedError:
            raise DeliveryError("le serveur SMTP n'accepte pas les adresses avec accents (SMTPUTF8)") from None
        except (smtplib.SMTPException, OSError) as e:
            uncertain = conn.payload_sent
            self._drop()
            raise DeliveryError(f"{DROPPED} ({e})", fatal=DROPPED, uncertain=uncertain) from None
        except (ValueError, UnicodeError, LookupError) as e:  # a message smtplib cannot serialise
            self._reset()
            raise DeliveryError(f"message impossible à envoyer\u00a0: {e}") from None
        return sorted(refused) if refused else None

    def _reset(self) -> None:
        try:
            if self._conn is not None:
                self._conn.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except OSError:
                pass

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            try:
                conn.close()
            except OSError:
                pass


def _busy(code: int) -> str:
    return f"le serveur SMTP refuse temporairement les envois ({code}), réessayez plus tard"


def _redact(text: str, user: str | None, password: str | None) -> str:
    """Belt and braces: a password (or its AUTH encodings) never appears in a reason."""
    if not password:
        return text
    forms = {password}
    forms.add(base64.b64encode(password.encode("utf-8")).decode("ascii"))
    if user:
        forms.add(base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii"))
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    return text


# -- deliver ----------------------------------------------------------------------


@dataclass
class DeliveryReport:
    """What deliver() did; sent + already + failed + uncertain hold each key of the batch once."""

    sent: list[Outgoing] = field(default_factory=list)  # sent now (would be sent, in a dry run)
    already: list[Outgoing] = field(default_factory=list)  # journaled before (or recovered now)
    failed: list[tuple[Outgoing, str]] = field(default_factory=list)  # not sent, not journaled: next run retries
    uncertain: list[Outgoing] = field(default_factory=list)  # maybe sent: reported, resent only with force
    dry_run: bool = False
    recovered: list[Outgoing] = field(default_factory=list)  # subset of `already`: journaled now from the outbox
    warnings: list[tuple[Outgoing, str]] = field(default_factory=list)  # sent, but some recipients refused

    @property
    def ok(self) -> bool:
        return not self.failed and not self.uncertain


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


def _incomplete(message: EmailMessage) -> str | None:
    if not _addresses(message, "From"):
        return "message incomplet\u00a0: pas d'expéditeur (From)"
    if not any(_addresses(message, h) for h in ("To", "Cc", "Bcc")):
        return "message incomplet\u00a0: pas de destinataire"
    return None


def _record(outgoing: Outgoing, transport: str, **flags: bool) -> dict:
    message = outgoing.message
    facts: dict = {
        "to": ", ".join(_addresses(message, "To")),
        "subject": str(message.get("Subject", "")),
        "message_id": str(message["Message-ID"]).strip() if message["Message-ID"] else None,
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


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def _sender(transport: Transport) -> Callable[[EmailMessage, str], list[str] | None]:
    """transport.send, given the key when it takes one (a plain `send(message)` works too)."""
    try:
        takes_key = "key" in inspect.signature(transport.send).parameters
    except (TypeError, ValueError):
        takes_key = False
    if takes_key:
        return lambda message, key: transport.send(message, key=key)
    return lambda message, key: transport.send(message)


def deliver(journal: Journal, transport: Transport, outgoing: Iterable[Outgoing], *, dry_run: bool = False,
            force: Iterable[str] = frozenset(), spool: Path) -> DeliveryReport:
    """Send each message not yet journaled, journal each one sent; see the module docstring.

    The transport is closed at the end (an SMTP transport reconnects if used again).
    A dry run reads only: no lock, no marker, no journal entry, nothing sent.
    """
    items = list(outgoing)
    forced = set(force)
    spool = Path(spool)
    report = DeliveryReport(dry_run=dry_run)
    try:
        with nullcontext() if dry_run else journal.locked():
            _deliver(journal, transport, items, forced, spool, report)
    finally:
        if not dry_run:
            transport.close()
    return report


def _deliver(journal: Journal, transport: Transport, items: list[Outgoing], forced: set[str], spool: Path,
             report: DeliveryReport) -> None:
    dry_run = report.dry_run
    if not items:
        return  # nothing to send: no need to read a large journal
    done = journal.keys()
    was_sent = getattr(transport, "was_sent", None)
    seen: set[str] = set()
    plan: list[tuple[Outgoing, dict]] = []
    for item in items:
        if item.key in seen:  # the same key twice in one batch: once is enough
            report.already.append(item)
            continue
        seen.add(item.key)
        marker = pending_path(spool, item.key)
        pending = marker.exists()
        if item.key in forced:
            problem = _incomplete(item.message)
            if problem:
                report.failed.append((item, problem))
                continue
            plan.append((item, _record(item, transport.name, resend=item.key in done or pending)))
            continue
        if item.key in done:
            if pending and not dry_run:  # died after journaling, before removing the marker
                _remove(marker)
            report.already.append(item)
            continue
        if pending:
            if was_sent is None:
                report.uncertain.append(item)
                continue
            if was_sent(item.key):  # the outbox wrote it, the journal entry was lost in the crash
                if not dry_run:
                    journal.append(item.kind, _record(item, transport.name, recovered=True), key=item.key)
                    _remove(marker)
                report.already.append(item)
                report.recovered.append(item)
                continue
            # nothing left the machine: send it as if for the first time
        problem = _incomplete(item.message)
        if problem:
            report.failed.append((item, problem))
            continue
        plan.append((item, _record(item, transport.name)))

    if dry_run:
        report.sent.extend(item for item, _ in plan)
        return
    send = _sender(transport)
    stop: str | None = None
    for item, record in plan:
        if stop is not None:
            report.failed.append((item, f"non envoyé\u00a0: {stop}"))
            continue
        marker = pending_path(spool, item.key)
        try:
            spool.mkdir(parents=True, exist_ok=True)
            write_atomic(marker, item.key.encode("utf-8") + b"\n")
        except OSError as e:  # without its marker a message is not sent: a crash could then duplicate it
            stop = f"écriture impossible dans {spool}\u00a0: {e.strerror or e}"
            report.failed.append((item, stop))
            continue
        try:
            refused = send(item.message, item.key)
        except DeliveryError as e:
            if e.uncertain:  # the marker stays: the next run reports it until forced
                report.uncertain.append(item)
            else:
                _remove(marker)
                report.failed.append((item, str(e)))
            stop = e.fatal
            continue
        # Any other exception (a bug, Ctrl-C) propagates and leaves the marker: the message may be out.
        if refused:
            record = {**record, "refused": list(refused)}
            report.warnings.append((item, "envoyé, mais refusé pour\u00a0: " + ", ".join(refused)))
        journal.append(item.kind, record, key=item.key)
        _remove(marker)
        report.sent.append(item)
