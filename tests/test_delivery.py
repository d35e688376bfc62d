"""Delivery on real files and a real SMTP server (aiosmtpd on 127.0.0.1): exactly once, crash-safe."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from smtp_server import PASSWORD, free_port, running_smtp

import qualikit.delivery.send as delivery_module
from qualikit.delivery.send import (
    DROPPED,
    UNCERTAIN,
    DeliveryError,
    DeliveryReport,
    OutboxTransport,
    Outgoing,
    SmtpTransport,
    attachments,
    deliver,
    pending_path,
    safe_name,
)
from qualikit.project.journal import Journal
from qualikit.project.model import SmtpSettings

pytest_plugins = ["smtp_server"]

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 8


def clock() -> datetime:
    return NOW


def message(i: int, to: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Julie Durand <julie@durand-formation.fr>"
    msg["To"] = f"Apprenant {i} <{to or f'a{i}@example.fr'}>"
    msg["Subject"] = f"Votre convocation n° {i} — Excel pour la gestion"
    msg["Date"] = format_datetime(NOW)
    msg["Message-ID"] = f"<onboard.{i}@durand-formation.fr>"
    msg.set_content(f"Bonjour,\n\nVoici votre convocation ({i}).\n\nÀ bientôt,\nJulie\n")
    msg.add_alternative(f"<p>Bonjour, voici votre convocation ({i}).</p>", subtype="html")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="convocation.pdf")
    msg.add_attachment(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", maintype="text", subtype="calendar",
                       filename="formation.ics")
    return msg


def outgoing(i: int, to: str | None = None) -> Outgoing:
    return Outgoing(f"onboard:email:S1:l{i}", message(i, to), "onboard.email", {"session": "S1", "learner": f"l{i}"})


def batch(n: int) -> list[Outgoing]:
    return [outgoing(i) for i in range(1, n + 1)]


def keys(items) -> list[str]:
    return [(o[0] if isinstance(o, tuple) else o).key for o in items]


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.jsonl", clock)


@pytest.fixture
def spool(tmp_path: Path) -> Path:
    return tmp_path / ".qualikit" / "spool"


@pytest.fixture
def outbox(tmp_path: Path) -> OutboxTransport:
    return OutboxTransport(tmp_path / "outbox", clock)


def smtp_transport(server, **kw) -> SmtpTransport:
    return SmtpTransport(server.settings(), ssl_context=server.client_context, timeout=5, **kw)


def sent_keys(journal: Journal) -> list[str]:
    return [e.key for e in journal.entries()]


# -- outbox ---------------------------------------------------------------------


def test_outbox_writes_eml_files_that_parse_back_equal(journal, outbox, spool):
    items = batch(3)
    report = deliver(journal, outbox, items, spool=spool)
    assert keys(report.sent) == keys(items) and report.ok and not report.already
    files = sorted(outbox.outbox.iterdir())
    expected = [f"20261123-090000-onboard_email_S1_l{n}-{safe_name(o.key)[-10:]}.eml" for n, o in enumerate(items, 1)]
    assert [f.name for f in files] == expected
    for path, item in zip(files, items, strict=True):
        parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        assert parsed.as_bytes() == item.message.as_bytes()
        assert parsed["Subject"] == item.message["Subject"]
        assert parsed.get_body(("plain",)).get_content() == item.message.get_body(("plain",)).get_content()
        pdf = next(p for p in parsed.iter_attachments() if p.get_filename() == "convocation.pdf")
        assert pdf.get_content() == PDF
    assert list(spool.iterdir()) == []  # markers removed after journaling
    entry = journal.done("onboard:email:S1:l1")
    assert entry.kind == "onboard.email"
    assert entry.data == {
        "session": "S1", "learner": "l1", "to": "a1@example.fr",
        "subject": "Votre convocation n° 1 — Excel pour la gestion",
        "message_id": "<onboard.1@durand-formation.fr>", "transport": "outbox",
        "attachments": attachments(items[0].message),
    }
    assert [a["filename"] for a in entry.data["attachments"]] == ["convocation.pdf", "formation.ics"]
    assert journal.verify() == []


def test_outbox_rerun_delivers_nothing_twice(journal, outbox, spool):
    deliver(journal, outbox, batch(3), spool=spool)
    report = deliver(journal, outbox, batch(4), spool=spool)
    assert keys(report.sent) == ["onboard:email:S1:l4"]
    assert keys(report.already) == keys(batch(3))
    assert len(list(outbox.outbox.iterdir())) == 4
    assert len(journal.entries()) == 4


def test_same_key_twice_in_one_batch_is_sent_once(journal, outbox, spool):
    report = deliver(journal, outbox, [outgoing(1), outgoing(1)], spool=spool)
    assert len(report.sent) == 1 and len(report.already) == 1
    assert len(list(outbox.outbox.iterdir())) == 1


def test_outbox_crash_after_write_is_recovered_not_resent(journal, outbox, spool):
    item = outgoing(1)
    spool.mkdir(parents=True)
    pending_path(spool, item.key).write_text(item.key)  # a run died after writing the .eml...
    outbox.send(item.message, key=item.key)  # ...and before journaling it
    report = deliver(journal, outbox, [item, outgoing(2)], spool=spool)
    assert keys(report.recovered) == [item.key]
    assert keys(report.already) == [item.key]
    assert keys(report.sent) == ["onboard:email:S1:l2"]
    assert report.ok
    assert len(list(outbox.outbox.iterdir())) == 2  # no second copy of message 1
    assert journal.done(item.key).data["recovered"] is True
    assert list(spool.iterdir()) == []


def test_outbox_crash_before_write_sends_again(journal, outbox, spool):
    item = outgoing(1)
    spool.mkdir(parents=True)
    pending_path(spool, item.key).write_text(item.key)
    report = deliver(journal, outbox, [item], spool=spool)
    assert keys(report.sent) == [item.key] and report.ok
    assert len(list(outbox.outbox.iterdir())) == 1
    assert "recovered" not in journal.done(item.key).data
    assert list(spool.iterdir()) == []


def test_forced_resend_is_journaled_as_resend(journal, outbox, spool):
    deliver(journal, outbox, batch(2), spool=spool)
    report = deliver(journal, outbox, batch(2), force={"onboard:email:S1:l1"}, spool=spool)
    assert keys(report.sent) == ["onboard:email:S1:l1"]
    assert keys(report.already) == ["onboard:email:S1:l2"]
    names = sorted(p.name for p in outbox.outbox.iterdir())
    assert len(names) == 3 and any(n.endswith("-2.eml") for n in names)  # same second: first copy kept
    entries = [e for e in journal.entries() if e.key == "onboard:email:S1:l1"]
    assert [e.data.get("resend") for e in entries] == [None, True]


def test_dry_run_writes_nothing(tmp_path, journal, outbox, spool):
    deliver(journal, outbox, batch(1), spool=spool)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    report = deliver(journal, outbox, batch(3), dry_run=True, spool=spool)
    assert report.dry_run and report.ok
    assert keys(report.sent) == ["onboard:email:S1:l2", "onboard:email:S1:l3"]
    assert keys(report.already) == ["onboard:email:S1:l1"]
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert len(journal.entries()) == 1


def test_dry_run_against_smtp_connects_to_nothing(journal, spool, tmp_path):
    transport = SmtpTransport(running_settings_nowhere(), timeout=1)
    report = deliver(journal, transport, batch(2), dry_run=True, spool=spool)
    assert keys(report.sent) == keys(batch(2)) and not report.failed
    assert not tmp_path.joinpath("journal.jsonl").exists() and not spool.exists()


def running_settings_nowhere() -> SmtpSettings:
    """Settings for a port where no server listens."""
    return SmtpSettings(host="127.0.0.1", port=free_port(), security="aucune")


def test_safe_names_are_bounded_distinct_and_stay_in_their_folder(tmp_path, spool):
    names = {safe_name(k) for k in ("a:b", "a_b", "a/b", "a\\b", "../../etc/passwd", "x" * 500, "x" * 501, "é")}
    assert len(names) == 8
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*", name) and len(name) <= 91
    assert pending_path(spool, "../../evil").parent == spool
    outbox = OutboxTransport(tmp_path / "outbox", clock)
    outbox.send(message(1), key="../../evil/key")
    assert [p.parent for p in tmp_path.rglob("*.eml")] == [tmp_path / "outbox"]


def test_report_ok():
    item = outgoing(1)
    assert DeliveryReport().ok
    assert not DeliveryReport(failed=[(item, "x")]).ok
    assert not DeliveryReport(uncertain=[item]).ok


def test_non_json_data_is_refused_before_anything_is_sent(journal, spool, smtp):
    bad = Outgoing("k:bad", message(2), "onboard.email", {"when": NOW})
    with pytest.raises(TypeError):
        deliver(journal, smtp_transport(smtp), [outgoing(1), bad], spool=spool)
    assert smtp.messages == [] and journal.entries() == []


def test_incomplete_message_fails_without_sending(journal, spool, smtp):
    item = outgoing(1)
    del item.message["To"]
    report = deliver(journal, smtp_transport(smtp), [item, outgoing(2)], spool=spool)
    assert report.failed == [(item, "message incomplet\u00a0: pas de destinataire")]
    assert keys(report.sent) == ["onboard:email:S1:l2"]


class Recording:
    """A transport written to the plain protocol: send(message), no key."""

    name = "test"

    def __init__(self, crash_on: int | None = None) -> None:
        self.sent: list[EmailMessage] = []
        self.crash_on = crash_on

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)
        if len(self.sent) == self.crash_on:
            raise KeyboardInterrupt  # the process dies after the message left, before the journal

    def close(self) -> None:
        pass


def test_a_crash_during_send_leaves_the_message_uncertain(journal, spool):
    items = batch(3)
    with pytest.raises(KeyboardInterrupt):
        deliver(journal, Recording(crash_on=2), items, spool=spool)
    assert sent_keys(journal) == [items[0].key]
    assert [p.name for p in spool.iterdir()] == [pending_path(spool, items[1].key).name]

    transport = Recording()
    report = deliver(journal, transport, batch(3), spool=spool)
    assert keys(report.uncertain) == [items[1].key] and keys(report.sent) == [items[2].key]
    assert [m["Message-ID"] for m in transport.sent] == [items[2].message["Message-ID"]]


def test_unwritable_spool_sends_nothing(journal, tmp_path):
    (tmp_path / "not-a-folder").write_text("")
    transport = Recording()
    report = deliver(journal, transport, batch(2), spool=tmp_path / "not-a-folder" / "spool")
    assert transport.sent == [] and journal.entries() == []
    first, second = (reason for _, reason in report.failed)
    assert first.startswith("écriture impossible dans ") and second == f"non envoyé\u00a0: {first}"


# -- SMTP -----------------------------------------------------------------------


def test_smtp_delivers_once_with_the_right_headers(journal, spool, smtp):
    items = batch(3)
    report = deliver(journal, smtp_transport(smtp), items, spool=spool)
    assert keys(report.sent) == keys(items) and report.ok
    assert [(m["From"], m["To"], m["Subject"]) for m in smtp.messages] == [
        (str(o.message["From"]), str(o.message["To"]), str(o.message["Subject"])) for o in items
    ]
    assert [r.rcpt_tos for r in smtp.received] == [["a1@example.fr"], ["a2@example.fr"], ["a3@example.fr"]]
    sent_pdf = next(p for p in smtp.messages[0].iter_attachments() if p.get_filename() == "convocation.pdf")
    assert sent_pdf.get_content() == PDF
    assert journal.done(items[0].key).data["transport"] == "smtp"
    assert list(spool.iterdir()) == []

    again = deliver(journal, smtp_transport(smtp), batch(3), spool=spool)
    assert again.sent == [] and keys(again.already) == keys(items)
    assert len(smtp.messages) == 3


@pytest.mark.parametrize(
    ("behaviour", "third", "rest"),
    [
        ({"refuse": {3: "451 4.3.0 Trop de messages, réessayez plus tard"}},
         "refusé temporairement par le serveur SMTP (451 4.3.0 Trop de messages, réessayez plus tard)\u00a0: "
         "réessayez plus tard",
         "non envoyé\u00a0: le serveur SMTP refuse temporairement les envois (451), réessayez plus tard"),
        ({"drop_on_data": {3}}, DROPPED, f"non envoyé\u00a0: {DROPPED}"),
    ],
    ids=["451", "drop"],
)
def test_smtp_trouble_mid_batch_then_next_run_sends_exactly_the_rest(journal, spool, behaviour, third, rest):
    items = batch(5)
    with running_smtp(**behaviour) as server:
        report = deliver(journal, smtp_transport(server), items, spool=spool)
        assert keys(report.sent) == keys(items[:2])
        assert report.failed == [(items[2], third), (items[3], rest), (items[4], rest)]
        assert not report.ok and report.uncertain == []
        assert sent_keys(journal) == keys(items[:2])
        assert list(spool.iterdir()) == []
        assert [m["To"] for m in server.messages] == ["Apprenant 1 <a1@example.fr>", "Apprenant 2 <a2@example.fr>"]

        again = deliver(journal, smtp_transport(server), batch(5), spool=spool)  # the server is fine now
        assert keys(again.sent) == keys(items[2:]) and again.ok
        assert sorted(r.rcpt_tos[0] for r in server.received) == [f"a{i}@example.fr" for i in range(1, 6)]
    assert sorted(sent_keys(journal)) == sorted(keys(items))
    assert journal.verify() == []


def test_permanent_refusal_of_one_recipient_fails_only_that_message(journal, spool):
    items = [outgoing(1), outgoing(2, to="inconnu@example.fr"), outgoing(3)]
    with running_smtp(refuse_rcpt={"inconnu@example.fr": "550 5.1.1 Adresse inconnue"}) as server:
        report = deliver(journal, smtp_transport(server), items, spool=spool)
        assert keys(report.sent) == [items[0].key, items[2].key]
        assert report.failed == [(items[1], "destinataire refusé par le serveur SMTP "
                                            "(inconnu@example.fr\u00a0: 550 5.1.1 Adresse inconnue)")]
        assert len(server.messages) == 2
    assert sent_keys(journal) == [items[0].key, items[2].key]


def test_partly_refused_recipients_are_sent_and_noted(journal, spool):
    item = outgoing(1)
    item.message["Cc"] = "inconnu@example.fr"
    with running_smtp(refuse_rcpt={"inconnu@example.fr": "550 5.1.1 Adresse inconnue"}) as server:
        report = deliver(journal, smtp_transport(server), [item], spool=spool)
        assert keys(report.sent) == [item.key] and len(server.messages) == 1
    assert report.warnings == [(item, "envoyé, mais refusé pour\u00a0: inconnu@example.fr")]
    assert journal.done(item.key).data["refused"] == ["inconnu@example.fr"]


def test_connection_lost_after_the_body_is_uncertain_not_resent(journal, spool):
    items = batch(3)
    with running_smtp(drop_after_data={2}) as server:
        report = deliver(journal, smtp_transport(server), items, spool=spool)
        assert keys(report.sent) == [items[0].key]
        assert keys(report.uncertain) == [items[1].key]
        assert report.failed == [(items[2], f"non envoyé\u00a0: {DROPPED}")]
        assert pending_path(spool, items[1].key).exists()  # kept: the server may have queued it

        again = deliver(journal, smtp_transport(server), batch(3), spool=spool)
        assert keys(again.sent) == [items[2].key] and keys(again.uncertain) == [items[1].key]
        assert server.handler.data_commands == 3  # message 2 was not tried again

        forced = deliver(journal, smtp_transport(server), batch(3), force={items[1].key}, spool=spool)
        assert keys(forced.sent) == [items[1].key] and forced.ok
    assert journal.done(items[1].key).data["resend"] is True
    assert list(spool.iterdir()) == []


def test_leftover_marker_with_smtp_is_uncertain_until_forced(journal, spool, smtp):
    items = batch(2)
    spool.mkdir(parents=True)
    pending_path(spool, items[0].key).write_text(items[0].key)  # a run died between send and journal
    report = deliver(journal, smtp_transport(smtp), items, spool=spool)
    assert keys(report.uncertain) == [items[0].key] and not report.ok
    assert keys(report.sent) == [items[1].key]
    assert [m["To"] for m in smtp.messages] == ["Apprenant 2 <a2@example.fr>"]
    assert UNCERTAIN == "envoi interrompu\u00a0: vérifiez si le message est parti, puis relancez avec --force"

    forced = deliver(journal, smtp_transport(smtp), batch(2), force={items[0].key}, spool=spool)
    assert keys(forced.sent) == [items[0].key] and keys(forced.already) == [items[1].key] and forced.ok
    assert journal.done(items[0].key).data["resend"] is True
    assert len(smtp.messages) == 2
    assert list(spool.iterdir()) == []


def test_marker_left_after_journaling_is_just_removed(journal, spool, smtp):
    item = outgoing(1)
    deliver(journal, smtp_transport(smtp), [item], spool=spool)
    pending_path(spool, item.key).write_text(item.key)  # died after the journal entry, before cleanup
    report = deliver(journal, smtp_transport(smtp), [item], spool=spool)
    assert keys(report.already) == [item.key] and report.ok
    assert list(spool.iterdir()) == [] and len(smtp.messages) == 1


def test_connection_refused_fails_the_batch_and_journals_nothing(journal, spool, tmp_path):
    report = deliver(journal, SmtpTransport(running_settings_nowhere(), timeout=2), batch(3), spool=spool)
    first, *rest = report.failed
    assert first[1].startswith("connexion refusée par le serveur SMTP 127.0.0.1:")
    assert [r for _, r in rest] == [f"non envoyé\u00a0: {first[1]}"] * 2
    assert journal.entries() == [] and list(spool.iterdir()) == []


def test_one_connection_for_the_whole_batch(journal, spool, smtp_auth):
    report = deliver(journal, smtp_transport(smtp_auth), batch(5), spool=spool)
    assert len(report.sent) == 5
    assert smtp_auth.handler.logins == [smtp_auth.user]  # one login: one connection


# -- TLS and password -----------------------------------------------------------


def test_starttls_and_login_with_the_password_from_the_environment(journal, spool, smtp_auth):
    report = deliver(journal, smtp_transport(smtp_auth), batch(2), spool=spool)
    assert report.ok and len(smtp_auth.messages) == 2
    assert PASSWORD not in journal.path.read_text(encoding="utf-8")


def test_wrong_password_fails_in_french_without_showing_it(journal, spool, smtp_auth, monkeypatch):
    wrong = "mauvais-Mot2Passe"
    monkeypatch.setenv(smtp_auth.password_env, wrong)
    report = deliver(journal, smtp_transport(smtp_auth), batch(2), spool=spool)
    assert len(report.failed) == 2 and smtp_auth.messages == []
    reason = report.failed[0][1]
    assert "a refusé l'identifiant ou le mot de passe" in reason and smtp_auth.password_env in reason
    assert all(wrong not in r and PASSWORD not in r for _, r in report.failed)
    assert wrong not in repr(report)
    assert journal.entries() == []


def test_missing_password_variable_is_named(journal, spool, smtp_auth, monkeypatch):
    monkeypatch.delenv(smtp_auth.password_env)
    transport = smtp_transport(smtp_auth)
    with pytest.raises(DeliveryError, match=f"définissez la variable d'environnement {smtp_auth.password_env}"):
        transport.send(message(1))
    report = deliver(journal, transport, batch(1), spool=spool)
    assert smtp_auth.password_env in report.failed[0][1]


def test_untrusted_certificate_is_refused(journal, spool, smtp_auth):
    transport = SmtpTransport(smtp_auth.settings(), timeout=5)  # system trust store: self-signed refused
    report = deliver(journal, transport, batch(1), spool=spool)
    assert report.failed[0][1].startswith(f"certificat du serveur SMTP 127.0.0.1:{smtp_auth.port} refusé")
    assert smtp_auth.messages == []


def test_implicit_tls(journal, spool, smtp_tls):
    with running_smtp(tls=smtp_tls, implicit_tls=True) as server:
        assert server.settings().security == "ssl"
        report = deliver(journal, smtp_transport(server), batch(2), spool=spool)
        assert report.ok and len(server.messages) == 2


# -- two processes --------------------------------------------------------------

WORKER = """
import json, sys, time
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path
from qualikit.delivery.send import Outgoing, SmtpTransport, deliver
from qualikit.project.journal import Journal
from qualikit.project.model import SmtpSettings

root, name, port = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
journal = Journal(root / "journal.jsonl", lambda: datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc))
items = []
for i in range(1, 21):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "julie@durand-formation.fr", f"a{i}@example.fr", f"Convocation {i}"
    msg["Message-ID"] = f"<{i}@durand-formation.fr>"
    msg.set_content("Bonjour")
    items.append(Outgoing(f"onboard:email:S1:l{i}", msg, "onboard.email", {"process": name}))
transport = SmtpTransport(SmtpSettings(host="127.0.0.1", port=port, security="aucune"), timeout=5)
(root / f"ready-{name}").touch()
while not (root / "go").exists():
    time.sleep(0.001)
report = deliver(journal, transport, items, spool=root / "spool")
print(json.dumps({"sent": len(report.sent), "already": len(report.already), "failed": len(report.failed)}))
"""


def test_two_processes_deliver_each_message_once(tmp_path, smtp):
    root = Path(delivery_module.__file__).resolve().parents[1]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path), name, str(smtp.port)],
                         env=env, stdout=subprocess.PIPE, text=True)
        for name in ("a", "b")
    ]
    deadline = time.monotonic() + 10
    while not all((tmp_path / f"ready-{n}").exists() for n in ("a", "b")):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.005)
    (tmp_path / "go").touch()
    results = [json.loads(p.communicate(timeout=20)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert all(r["sent"] + r["already"] == 20 and r["failed"] == 0 for r in results)
    assert sum(r["sent"] for r in results) == 20
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == sorted(f"a{i}@example.fr" for i in range(1, 21))
    journal = Journal(tmp_path / "journal.jsonl", clock)
    assert sorted(sent_keys(journal)) == sorted(keys(batch(20))) and journal.verify() == []


def test_module_never_logs_or_stores_the_password():
    source = Path(delivery_module.__file__).read_text(encoding="utf-8")
    assert "print(" not in source and "logging" not in source and "set_debuglevel" not in source
