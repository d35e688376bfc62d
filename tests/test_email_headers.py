"""Headers as RFC 5322 and 2047 want them, read back by the standard library's parser.

A learner's name must never add a recipient (a long name with commas lost its quotes when
Python 3.11 folded the To header), subjects keep the spaces between their encoded words,
no line is over 78 characters and attachment names arrive whole.
"""

from __future__ import annotations

import email
import email.policy
from datetime import datetime
from email.header import decode_header, make_header
from email.utils import getaddresses
from zoneinfo import ZoneInfo

import pytest
from smtp_server import running_smtp

from qualikit.delivery.send import OutboxTransport, Outgoing, SmtpTransport, deliver
from qualikit.documents.email import Attachment, RenderedEmail, attachment_name, build_message
from qualikit.project.journal import Journal

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
SUBJECT = "Les tableaux croisés dynamiques — maîtriser Excel et Power Query pour la gestion de données"
LONG_FILE = "Convocation - Maîtriser les tableaux croisés dynamiques et Power Query pour la gestion.pdf"
HOSTILE = [
    'Dupont, Jean-Baptiste "JB" <admin@evil.example>, Marie-Thérèse de La Roche-Aymon, Directrice générale',
    "Ζωή Παπαδοπούλου-Αλεξανδροπούλου, ομάδα εκπαίδευσης, attacker@evil.example, <x@y.z>, «Ελένη»",
    'José Ñúñez, "quoted" and (comment) <a@b.c>; group: x@y.z; ' + "x" * 40,
    "a" * 90 + ", b@c.d",
    "李小龍, 王菲 <wang@evil.example>, 張學友, 劉德華, 梁朝偉, 周星馳, 成龍, 吳宇森, 徐克, 杜琪峰, 王家衛, 林青霞",
    "Ana Martin",
]


def make(to_name: str, to_email: str = "ana@example.fr") -> Outgoing:
    message = build_message(
        sender_name="Julie Durand, formatrice", sender_email="julie@durand-formation.fr", to_name=to_name,
        to_email=to_email, rendered=RenderedEmail(SUBJECT, "Bonjour,\n\nÀ bientôt.\n", "<p>Bonjour</p>"),
        attachments=[Attachment(LONG_FILE, b"%PDF-1.7 test", "application/pdf")], date=NOW,
        domain="durand-formation.fr", tags={"Step": "convocation", "Session": "S1"})
    return Outgoing(f"onboard:email:S1:{len(to_name)}", message, "onboard.email", {"session": "S1"})


def check(raw: bytes, to_email: str = "ana@example.fr") -> email.message.EmailMessage:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    lines = raw.replace(b"\r\n", b"\n").split(b"\n")
    header = lines[: lines.index(b"")]
    assert max(len(line) for line in lines) <= 78, max(lines, key=len)
    assert all(line.isascii() for line in header)
    assert [addr for _, addr in getaddresses(parsed.get_all("To"))] == [to_email]
    assert [addr for _, addr in getaddresses(parsed.get_all("From"))] == ["julie@durand-formation.fr"]
    assert parsed["Subject"] == SUBJECT  # the spaces between encoded words are kept
    assert [p.get_filename() for p in parsed.iter_attachments()] == [LONG_FILE]
    return parsed


@pytest.mark.parametrize("name", HOSTILE, ids=range(len(HOSTILE)))
def test_the_eml_keeps_one_recipient_short_lines_and_whole_names(tmp_path, name):
    journal = Journal(tmp_path / "journal.jsonl", lambda: NOW)
    outbox = OutboxTransport(tmp_path / "outbox", lambda: NOW)
    report = deliver(journal, outbox, [make(name)], spool=tmp_path / "spool")
    assert report.ok
    [eml] = (tmp_path / "outbox").glob("*.eml")
    raw = eml.read_bytes()
    parsed = check(raw)
    [(display, _)] = getaddresses(parsed.get_all("To"))
    assert display.replace(" ", "") == name.replace(" ", "")
    # Python's address parser keeps the folding between encoded words (a space more); mail
    # programs drop it as RFC 2047 says, and read the name whole:
    folded = raw.split(b"\nTo: ", 1)[1].split(b"\nSubject:", 1)[0].decode("ascii")
    assert str(make_header(decode_header(folded))) == f"{name} <ana@example.fr>"


def test_what_the_smtp_server_receives_is_as_clean(tmp_path):
    journal = Journal(tmp_path / "journal.jsonl", lambda: NOW)
    items = [make(name, f"l{i}@example.fr") for i, name in enumerate(HOSTILE)]
    with running_smtp() as server:
        settings = server.settings()
        report = deliver(journal, SmtpTransport(settings, timeout=5), items, spool=tmp_path / "spool")
        assert report.ok
        assert [r.rcpt_tos for r in server.received] == [[f"l{i}@example.fr"] for i in range(len(HOSTILE))]
        for i, received in enumerate(server.received):
            check(received.raw, f"l{i}@example.fr")


def test_subject_decodes_with_its_spaces_in_a_strict_decoder():
    raw = make("Ana Martin").message.as_bytes()
    folded = raw.split(b"\nSubject: ", 1)[1].split(b"\nDate:", 1)[0].decode("ascii")
    assert str(make_header(decode_header(folded))) == SUBJECT
    assert all(len(word) <= 75 for word in folded.split() if word.startswith("=?"))


@pytest.mark.parametrize("subject", [
    "xxxxxxxxxxxxxxxxxxxx tableaux maîtriser données séance de n° et",  # Python 3.11: "donnéesséance"
    "Excel dynamiques : Les gestion de avancée données Power la « à Query tableaux maîtriser",
    "Convocation : " + "é" * 60 + " et " + "x" * 90,
    "Relance n° 2 =?utf-8?q?pas_un_mot_encod=C3=A9?= _souligné_ a=b?",
    "A plain ASCII subject long enough to be folded over two lines by qualikit itself, at a space",
    "密码 Ωμέγα — « formation » à Lyon",
    "Votre convocation\u00a0: «\u00a0Excel\u00a0» le lundi 30\u202fnovembre",
])
def test_every_subject_reads_back_whole_with_lines_within_78(subject):
    message = build_message(sender_name="Julie Durand", sender_email="julie@durand-formation.fr", to_name="Ana",
                            to_email="ana@example.fr", rendered=RenderedEmail(subject, "Bonjour", "<p>Bonjour</p>"),
                            attachments=[], date=NOW, domain="durand-formation.fr")
    raw = message.as_bytes()
    folded = raw.split(b"\nSubject: ", 1)[1].split(b"\nDate:", 1)[0].decode("ascii")
    assert str(make_header(decode_header(folded.replace("\n", "")))) == subject  # a strict RFC 2047 decoder
    assert email.message_from_bytes(raw, policy=email.policy.default)["Subject"] == subject
    assert all(len(line) <= 78 for line in f"Subject: {folded}".split("\n"))
    assert all(len(word) <= 75 for word in folded.split() if word.startswith("=?"))


def test_attachment_names_are_whole_and_safe():
    assert attachment_name(LONG_FILE) == LONG_FILE
    assert attachment_name('../../etc/passwd:"x"') == "etc-passwd-x"
    assert attachment_name("\x00\n") == "document"
