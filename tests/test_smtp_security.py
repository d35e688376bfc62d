"""TLS with the certificate checked unless the trainer says otherwise, and no password in clear."""

from __future__ import annotations

import shutil
from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from smtp_server import PASSWORD, USER, running_smtp

from conftest import DEMO
from qualikit.delivery.send import DeliveryError, SmtpTransport
from qualikit.delivery.smtp import queue_id
from qualikit.project.load import load_project
from qualikit.project.model import SmtpSettings

pytest_plugins = ["smtp_server"]

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


def message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "julie@durand-formation.fr", "ana@example.fr", "Essai"
    msg["Message-ID"] = "<essai@durand-formation.fr>"
    msg.set_content("Bonjour")
    return msg


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "ssl"])
def test_self_signed_server_refused_by_default_accepted_when_told(smtp_tls, tmp_path, monkeypatch, implicit):
    monkeypatch.setenv("QUALIKIT_TEST_SMTP_PASSWORD", PASSWORD)
    # aiosmtpd does not count implicit TLS as TLS for AUTH: the connection is encrypted all the same
    with running_smtp(tls=smtp_tls, implicit_tls=implicit, auth=(USER, PASSWORD), auth_require_tls=not implicit) \
            as server:
        with pytest.raises(DeliveryError, match=r"certificat du serveur SMTP 127\.0\.0\.1:.* refusé.*smtp\.certificat"):
            SmtpTransport(server.settings(), timeout=5).open()
        assert server.messages == []
        shutil.copy(smtp_tls.cert, tmp_path / "autorite.pem")
        for choice in ("ignorer", "autorite.pem", str(smtp_tls.cert)):  # relative paths: from the project
            transport = SmtpTransport(server.settings(certificate=choice), timeout=5, root=tmp_path)
            receipt = transport.send(message(), key="k")
            transport.close()
            assert receipt.reply.startswith("250") and receipt.queue_id
        assert len(server.messages) == 3 and server.handler.logins == [USER] * 3


def test_a_missing_authority_file_is_named(tmp_path):
    settings = SmtpSettings(host="127.0.0.1", port=1, security="starttls", certificate="absent.pem")
    with pytest.raises(DeliveryError, match=r"certificat du serveur SMTP introuvable.*absent\.pem"):
        SmtpTransport(settings, root=tmp_path).open()


def test_no_password_in_clear_except_to_this_machine(monkeypatch):
    monkeypatch.setenv("QUALIKIT_TEST_SMTP_PASSWORD", "é-secret")
    settings = SmtpSettings(host="smtp.example.invalid", port=25, security="aucune", user=USER,
                            password_env="QUALIKIT_TEST_SMTP_PASSWORD")
    with pytest.raises(DeliveryError, match="le mot de passe partirait en clair") as caught:
        SmtpTransport(settings, timeout=1).open()
    assert "é-secret" not in str(caught.value)
    password = "Été-Ωμέγα-密码"
    monkeypatch.setenv("QUALIKIT_TEST_SMTP_PASSWORD", password)
    with running_smtp(auth=(USER, password), auth_require_tls=False) as server:
        transport = SmtpTransport(server.settings(user=USER), timeout=5)
        transport.send(message(), key="k")  # AUTH PLAIN with the UTF-8 bytes of the password
        transport.close()
        assert server.handler.logins == [USER] and len(server.messages) == 1


def test_the_setting_is_read_from_the_project(tmp_path):
    root = shutil.copytree(DEMO, tmp_path / "demo")
    path = root / "organisation.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "parametres:", "parametres:\n  smtp:\n    hote: smtp.example.fr\n    certificat: ignorer", 1),
        encoding="utf-8")
    loaded = load_project(root)
    assert loaded.project.settings.smtp.certificate == "ignorer"


@pytest.mark.parametrize(("reply", "expected"), [
    ("250 2.0.0 Ok: queued as 4F1A2B3C", "4F1A2B3C"),
    ("250 2.0.0 OK id=1kXyZa-0004Qd-Ab", "1kXyZa-0004Qd-Ab"),
    ("250 OK", None),
])
def test_queue_id_from_the_reply(reply, expected):
    assert queue_id(reply) == expected
