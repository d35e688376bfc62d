"""Sending through an SMTP server: TLS checked, AUTH in UTF-8, every failure a French reason.

The password is read from the environment at connection time, never stored, logged,
journaled or put in an error message. AUTH is done here, not by smtplib's login(): that one
encodes the credentials as ASCII, and a password with « é » ended in a traceback.
"""

from __future__ import annotations

import base64
import os
import re
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

from qualikit.delivery.transport import DeliveryError, Receipt

if TYPE_CHECKING:
    from qualikit.project.model import SmtpSettings

DROPPED = "le serveur SMTP a coupé la connexion"
SECURITIES = ("starttls", "ssl", "aucune")
IGNORE_CERTIFICATE = "ignorer"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
_QUEUE_ID = re.compile(r"queued as\s+<?([A-Za-z0-9._@-]+)|\bid=<?([A-Za-z0-9._@-]+)", re.IGNORECASE)


class _Tracking:
    """smtplib mix-in noting when the whole body went out during DATA, and the server's reply.

    A connection lost after the body, before the reply, leaves the message's fate unknown.
    """

    payload_sent = False
    last_reply: tuple[int, bytes] = (0, b"")
    _data_step = 0

    def data(self, msg):  # type: ignore[no-untyped-def]
        self._data_step = 1
        try:
            reply = super().data(msg)  # type: ignore[misc]
            self.last_reply = reply
            return reply
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


def server_text(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(text.split())


def queue_id(reply: str) -> str | None:
    """The server's queue id, when its reply gives one ("queued as 4F1A2B", "id=…")."""
    found = _QUEUE_ID.search(reply)
    return (found.group(1) or found.group(2)) if found else None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _auth(conn: smtplib.SMTP, user: str, password: str) -> None:
    """AUTH PLAIN (or LOGIN) with the UTF-8 bytes of the credentials (RFC 4616)."""
    conn.ehlo_or_helo_if_needed()
    if not conn.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("AUTH")
    mechanisms = conn.esmtp_features["auth"].upper().split()
    if "PLAIN" in mechanisms:
        code, reply = conn.docmd("AUTH", "PLAIN " + _b64(b"\0" + user.encode() + b"\0" + password.encode()))
    elif "LOGIN" in mechanisms:
        code, reply = conn.docmd("AUTH", "LOGIN " + _b64(user.encode()))
        if code == 334:
            code, reply = conn.docmd(_b64(password.encode()))
    else:
        raise smtplib.SMTPNotSupportedError("AUTH")
    if code not in (235, 503):  # 503: already authenticated
        raise smtplib.SMTPAuthenticationError(code, reply)


class SmtpTransport:
    """One connection for a batch, opened by open() or at the first send."""

    name = "smtp"

    def __init__(self, settings: SmtpSettings, *, ssl_context: ssl.SSLContext | None = None, timeout: float = 30.0,
                 local_hostname: str | None = None, root: Path | None = None) -> None:
        self.settings = settings
        self._context = ssl_context
        self._timeout = timeout
        self._local_hostname = local_hostname
        self._root = Path(root) if root is not None else Path.cwd()
        self._conn: _SMTP | _SMTP_SSL | None = None
        self._broken: str | None = None  # why connecting failed: said again, not tried again, in this run

    @property
    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _fatal(self, reason: str) -> DeliveryError:
        return DeliveryError(reason, fatal=reason)

    def _tls_context(self) -> ssl.SSLContext:
        """Certificates checked against the system's authorities, unless the project names its
        own authority file (`smtp.certificat: chemin.pem`) or says `ignorer` (a test server)."""
        if self._context is not None:
            return self._context
        choice = (getattr(self.settings, "certificate", None) or "").strip()
        if choice.lower() == IGNORE_CERTIFICATE:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return context
        if choice:
            path = Path(choice).expanduser()
            path = path if path.is_absolute() else self._root / path
            if not path.is_file():
                raise self._fatal(f"certificat du serveur SMTP introuvable\u00a0: {path} (réglage smtp.certificat)")
            try:
                return ssl.create_default_context(cafile=str(path))
            except (ssl.SSLError, OSError) as e:
                raise self._fatal(f"certificat du serveur SMTP illisible\u00a0: {path} ({e})") from None
        return ssl.create_default_context()

    def open(self) -> None:
        """Connect, encrypt and log in now: a wrong setting is one clear reason, before anything is sent."""
        self._connect()

    def _connect(self) -> _SMTP | _SMTP_SSL:
        if self._conn is not None:
            return self._conn
        if self._broken is not None:  # a cron run with the server down waits once, not once per batch
            raise self._fatal(self._broken)
        s = self.settings
        if s.security not in SECURITIES:
            raise self._fatal(f"sécurité SMTP «\u00a0{s.security}\u00a0» inconnue "
                              "(attendu\u00a0: starttls, ssl ou aucune)")
        password = None
        if s.user:
            if s.security == "aucune" and s.host.strip().lower() not in LOCAL_HOSTS:
                raise self._fatal(f"connexion au serveur SMTP {self._where} sans chiffrement\u00a0: le mot de passe "
                                  "partirait en clair, qualikit refuse (réglez smtp.securite sur starttls ou ssl)")
            password = os.environ.get(s.password_env)
            if not password:
                raise self._fatal(f"mot de passe SMTP introuvable\u00a0: définissez la variable d'environnement "
                                  f"{s.password_env} (utilisateur «\u00a0{s.user}\u00a0»)")
        context = self._tls_context() if s.security != "aucune" else None
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
                _auth(conn, s.user, password or "")
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
            reason = (f"certificat du serveur SMTP {self._where} refusé\u00a0: {e.verify_message or e.reason} "
                      "(serveur de test\u00a0? voir smtp.certificat dans docs/envoi.md)")
            raise self._failed(conn, reason, password) from None
        except ssl.SSLError as e:
            reason = (f"échec de la connexion chiffrée au serveur SMTP {self._where} ({e.reason or e}\u00a0; "
                      f"vérifiez le port et la sécurité\u00a0: ssl pour 465, starttls pour 587)")
            raise self._failed(conn, reason, password) from None
        except smtplib.SMTPResponseException as e:
            reason = f"le serveur SMTP {self._where} refuse la connexion ({e.smtp_code} {server_text(e.smtp_error)})"
            raise self._failed(conn, reason, password) from None
        except smtplib.SMTPServerDisconnected:
            raise self._failed(conn, f"{DROPPED} ({self._where}) avant l'envoi", password) from None
        except smtplib.SMTPException as e:
            reason = f"connexion au serveur SMTP {self._where} impossible\u00a0: {e}"
            raise self._failed(conn, reason, password) from None
        except ConnectionRefusedError:
            reason = f"connexion refusée par le serveur SMTP {self._where} (serveur arrêté ou mauvais port\u00a0?)"
            raise self._failed(conn, reason, password) from None
        except TimeoutError:
            raise self._failed(conn, f"le serveur SMTP {self._where} ne répond pas (délai dépassé)", password) from None
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
        self._broken = redact(reason, self.settings.user, password)
        return self._fatal(self._broken)

    def send(self, message: EmailMessage, *, key: str | None = None) -> Receipt:
        conn = self._connect()
        conn.payload_sent = False
        conn.last_reply = (0, b"")
        try:
            refused = conn.send_message(message)
        except smtplib.SMTPRecipientsRefused as e:
            raise self._recipients(e) from None
        except smtplib.SMTPSenderRefused as e:  # the sender is refused for every message: a setting to fix
            code, text = e.smtp_code, server_text(e.smtp_error)
            if code == 421:
                self._drop()
            reason = f"expéditeur refusé par le serveur SMTP ({code} {text})\u00a0: vérifiez l'adresse d'envoi"
            raise DeliveryError(reason, fatal=reason, reply=f"{code} {text}") from None
        except smtplib.SMTPResponseException as e:
            code, text = e.smtp_code, server_text(e.smtp_error)
            reply = f"{code} {text}"
            if code == 421:
                self._drop()
                raise DeliveryError(f"{DROPPED} ({reply})", fatal=DROPPED, reply=reply) from None
            if 400 <= code < 500:
                busy = f"le serveur SMTP refuse temporairement les envois ({code})"
                raise DeliveryError(f"refusé temporairement par le serveur SMTP ({reply})", fatal=busy,
                                    reply=reply) from None
            raise DeliveryError(f"refusé par le serveur SMTP ({reply})", permanent=True, reply=reply) from None
        except smtplib.SMTPServerDisconnected:
            uncertain = conn.payload_sent
            self._drop()
            if uncertain:
                raise DeliveryError(f"{DROPPED} avant de confirmer la réception", fatal=DROPPED,
                                    uncertain=True) from None
            raise DeliveryError(DROPPED, fatal=DROPPED) from None
        except smtplib.SMTPNotSupportedError:
            raise DeliveryError("le serveur SMTP n'accepte pas les adresses avec accents (SMTPUTF8)",
                                permanent=True) from None
        except (smtplib.SMTPException, OSError) as e:
            uncertain = conn.payload_sent
            self._drop()
            raise DeliveryError(f"{DROPPED} ({e})", fatal=DROPPED, uncertain=uncertain) from None
        except (ValueError, UnicodeError, LookupError) as e:  # a message smtplib cannot serialise
            self._reset()
            raise DeliveryError(f"message impossible à envoyer\u00a0: {e}", permanent=True) from None
        code, text = conn.last_reply
        reply = f"{code} {server_text(text)}" if code else ""
        return Receipt(reply, queue_id(reply), sorted(refused) if refused else [])

    def _recipients(self, e: smtplib.SMTPRecipientsRefused) -> DeliveryError:
        codes = [code for code, _ in e.recipients.values()]
        detail = "\u00a0; ".join(f"{addr}\u00a0: {code} {server_text(text)}"
                                 for addr, (code, text) in e.recipients.items())
        if 421 in codes:
            self._drop()
            return DeliveryError(f"{DROPPED} ({detail})", fatal=DROPPED, reply=detail)
        if any(400 <= code < 500 for code in codes):
            return DeliveryError(f"destinataire refusé temporairement par le serveur SMTP ({detail})", reply=detail)
        if not detail:
            return DeliveryError("aucun destinataire dans le message", permanent=True)
        return DeliveryError(f"destinataire refusé par le serveur SMTP ({detail})", permanent=True, reply=detail)

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


def redact(text: str, user: str | None, password: str | None) -> str:
    """Belt and braces: a password (or its AUTH encodings) never appears in a reason."""
    if not password:
        return text
    forms = {password, _b64(password.encode("utf-8"))}
    if user:
        forms.add(_b64(f"\0{user}\0{password}".encode()))
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    return text
