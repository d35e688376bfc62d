"""A real SMTP server on 127.0.0.1 for tests: aiosmtpd in a thread, recording what it receives.

Use the fixtures by adding to a test module:

    pytest_plugins = ["smtp_server"]

    def test_something(smtp):              # plain server, security "aucune", no login
        transport = SmtpTransport(smtp.settings(), timeout=5)
        ...
        assert [m["To"] for m in smtp.messages] == ["ana@example.fr"]

Fixtures: `smtp` (plain), `smtp_auth` (STARTTLS required + AUTH LOGIN/PLAIN required, user
`smtp_auth.user`, password put in the environment variable `smtp_auth.password_env`; build the
transport with `SmtpTransport(smtp_auth.settings(), ssl_context=smtp_auth.client_context)`),
`smtp_tls` (the self-signed certificate files, session-wide). For other behaviours use the
context manager directly:

    with running_smtp(refuse={3: "451 4.3.0 Réessayez plus tard"}) as server: ...
    with running_smtp(drop_on_data={3}) as server: ...     # connection cut at the 3rd DATA command
    with running_smtp(drop_after_data={3}) as server: ...  # keeps the 3rd body, cuts before the reply
    with running_smtp(refuse_rcpt={"bad@example.fr": "550 5.1.1 Inconnu"}) as server: ...
    with running_smtp(tls=smtp_tls, implicit_tls=True) as server: ...  # security "ssl"
    with running_smtp(hold_on_data={3}) as server: ...  # keeps the 3rd body, answers only once
        server.handler.held.wait(10)                     # released (the test kills the client first)
        ...; server.handler.release.set()

Numbering (3rd message) counts DATA commands received by that server, over all connections.

PYTEST_DONT_REWRITE (no asserts here; test modules may import it before pytest_plugins loads it)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import ssl
import subprocess
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, Session

from qualikit.project.model import SmtpSettings

HOST = "127.0.0.1"
USER = "julie@durand-formation.fr"
PASSWORD = "Qualiopi-2026!secret"
PASSWORD_ENV = "QUALIKIT_TEST_SMTP_PASSWORD"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage  # parsed with email.policy.default


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        """Trusts exactly this certificate, hostname checked (it is issued for 127.0.0.1)."""
        return ssl.create_default_context(cafile=str(self.cert))


def make_certificate(folder: Path) -> TlsFiles:
    """A self-signed certificate for 127.0.0.1 / localhost: cryptography if present, else openssl."""
    folder.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(folder / "cert.pem", folder / "key.pem")
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
             "-keyout", str(files.key), "-out", str(files.cert)],
            check=True, capture_output=True,
        )
        return files
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST)), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption())
    )
    return files


class Recorder:
    """aiosmtpd handler: keeps every accepted message; can refuse or cut on the n-th DATA."""

    def __init__(self, *, refuse: dict[int, str] | None = None, drop_on_data: set[int] = frozenset(),
                 drop_after_data: set[int] = frozenset(), refuse_rcpt: dict[str, str] | None = None,
                 hold_on_data: set[int] = frozenset()) -> None:
        self.refuse = dict(refuse or {})
        self.hold_on_data = set(hold_on_data)
        self.held = threading.Event()  # set when a held body has arrived
        self.release = threading.Event()  # set by the test to let the server answer
        self.drop_on_data = set(drop_on_data)
        self.drop_after_data = set(drop_after_data)
        self.refuse_rcpt = dict(refuse_rcpt or {})
        self.received: list[Received] = []
        self.data_commands = 0  # DATA commands seen, over all connections
        self.logins: list[str] = []
        self._lock = threading.Lock()

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [r.message for r in self.received]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = self.data_commands
        if n in self.refuse:
            return self.refuse[n]
        raw = bytes(envelope.original_content)
        message = BytesParser(policy=policy.default).parsebytes(raw)
        with self._lock:  # kept even when the client is cut off: a real server may have queued it
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), raw, message))
        if n in self.drop_after_data:  # the body arrived; the client never hears back
            server.transport.abort()
            return "250 OK"
        if n in self.hold_on_data:  # queued, like a real server, but the client hears nothing yet
            self.held.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)
        return f"250 2.0.0 Ok: queued as Q{n:04d}"


class _Session(Session):
    """Without the DeprecationWarning aiosmtpd 1.4 raises itself on every successful AUTH."""

    @property
    def login_data(self):
        return self._login_data

    @login_data.setter
    def login_data(self, value) -> None:
        self._login_data = value


class _SMTP(SMTP):
    def _create_session(self) -> Session:
        return _Session(self.loop)

    async def smtp_DATA(self, arg: str) -> None:
        handler: Recorder = self.event_handler
        handler.data_commands += 1
        if handler.data_commands in handler.drop_on_data:
            self.transport.abort()
            return
        await super().smtp_DATA(arg)


class _Controller(Controller):
    def factory(self):
        with warnings.catch_warnings():  # AUTH without TLS (to 127.0.0.1) is what some tests are about
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS", UserWarning)
            return _SMTP(self.handler, **self.SMTP_kwargs)


def free_port() -> int:
    """A port free right now (Controller(port=0) cannot be used: its self-check dials port 0)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: Recorder
    security: str  # what a client must use: "aucune", "starttls" or "ssl"
    user: str | None = None
    password: str | None = None
    password_env: str = PASSWORD_ENV
    client_context: ssl.SSLContext | None = field(default=None, repr=False)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def settings(self, **changes) -> SmtpSettings:
        base = SmtpSettings(host=self.host, port=self.port, security=self.security, user=self.user,
                            password_env=self.password_env)
        return replace(base, **changes)


@contextmanager
def running_smtp(*, tls: TlsFiles | None = None, implicit_tls: bool = False,
                 auth: tuple[str, str] | None = None, auth_require_tls: bool = True,
                 **behaviour) -> Iterator[SmtpServer]:
    """A started server; `tls` offers STARTTLS (required) or, with implicit_tls, TLS from the start.

    `auth=(user, password)` requires AUTH LOGIN/PLAIN (over TLS unless auth_require_tls=False).
    `behaviour` goes to Recorder: refuse, drop_on_data, drop_after_data, refuse_rcpt.
    The environment variable is not set here: the `smtp_auth` fixture does it with monkeypatch.
    """
    handler = Recorder(**behaviour)
    kwargs: dict = {"hostname": HOST, "port": free_port(), "server_hostname": "qualikit-test",
                    "ready_timeout": 5.0}
    security = "aucune"
    if tls is not None and implicit_tls:
        kwargs["ssl_context"] = tls.server_context()
        security = "ssl"
    elif tls is not None:
        kwargs.update(tls_context=tls.server_context(), require_starttls=True)
        security = "starttls"
    if auth is not None:
        user, password = auth

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
                  and auth_data.password == password.encode())
            if ok:
                handler.logins.append(user)
            return AuthResult(success=ok, handled=False)

        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=auth_require_tls)
    controller = _Controller(handler, **kwargs)
    controller.start()
    try:
        yield SmtpServer(
            host=HOST, port=kwargs["port"], handler=handler, security=security,
            user=auth[0] if auth else None, password=auth[1] if auth else None,
            client_context=tls.client_context() if tls else None,
        )
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def smtp_tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_certificate(tmp_path_factory.mktemp("smtp-tls"))


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server


@pytest.fixture
def smtp_auth(smtp_tls: TlsFiles, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    with running_smtp(tls=smtp_tls, auth=(USER, PASSWORD)) as server:
        monkeypatch.setenv(server.password_env, PASSWORD)
        yield server
