"""close-session and onboard rendered on several processes give the same files, in the same journal order, as
one process."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime

from conftest import DEMO
from qualikit.base.clock import PARIS, Clock
from qualikit.base.tokens import project_secret
from qualikit.commands.close import close_session
from qualikit.commands.onboard import onboard
from qualikit.delivery.send import OutboxTransport
from qualikit.documents.signing import create_self_signed
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project

SESSION = "excel-2026-10-15"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)


def closed(root, workers):
    project = load_project(root).project
    journal = open_journal(root, Clock(NOW))
    result = close_session(project, root, journal, OutboxTransport(root / "outbox", lambda: NOW), NOW, SESSION,
                           force=True, workers=workers)
    files = {p.relative_to(root).as_posix(): p.read_bytes()
             for p in sorted((root / "sortie" / SESSION / "fin").rglob("*")) if p.is_file()}
    rows = [(e.kind, e.key, e.data.get("sha256")) for e in journal.entries() if e.kind.startswith("close.")]
    return result, files, rows


def test_two_workers_give_the_bytes_and_journal_order_of_one(tmp_path):
    one = shutil.copytree(DEMO, tmp_path / "one")
    project_secret(one)  # the verification codes and survey links derive from it: the same for both
    two = shutil.copytree(one, tmp_path / "two")
    result_one, files_one, rows_one = closed(one, workers=1)
    result_two, files_two, rows_two = closed(two, workers=2)
    assert len(files_one) >= 8  # several learners, each with PDFs and an archive
    assert files_two == files_one
    assert rows_two == rows_one
    assert [o.learner.id for o in result_two.outcomes] == [o.learner.id for o in result_one.outcomes]
    def sent(root):
        return sorted(p.name for p in (root / "outbox").glob("*.eml"))

    assert sent(two) == sent(one)


def test_workers_sign_with_the_projects_certificate(tmp_path, monkeypatch):
    root = shutil.copytree(DEMO, tmp_path / "demo")
    create_self_signed(root / "certificat.p12", name="Claire Clément", email="claire@example.fr",
                       organisation="Atelier Clément Formation", passphrase="phrase")
    monkeypatch.setenv("QUALIKIT_CERT_PASSPHRASE", "phrase")
    _, files, _ = closed(root, workers=2)
    signed = [name for name in files if name.endswith("certificat-realisation.pdf")]
    assert len(signed) >= 2
    for name in signed:
        out = subprocess.run(["pdfsig", str(root / name)], capture_output=True, text=True)
        assert "Signature is Valid" in out.stdout, out.stdout


def test_onboard_on_two_workers_gives_the_kits_and_journal_order_of_one(tmp_path):
    now = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)

    def onboarded(root, workers):
        journal = open_journal(root, Clock(now))
        result = onboard(load_project(root).project, root, journal, OutboxTransport(root / "outbox", lambda: now),
                         now, workers=workers)
        files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "sortie").rglob("*.pdf"))}
        rows = [(e.kind, e.key, e.data.get("sha256"), e.data.get("invite_digest")) for e in journal.entries()
                if e.kind.startswith("onboard.")]
        return [r.issued for r in result.sessions], files, rows

    one = shutil.copytree(DEMO, tmp_path / "one")
    project_secret(one)
    two = shutil.copytree(one, tmp_path / "two")
    issued_one, files_one, rows_one = onboarded(one, workers=1)
    issued_two, files_two, rows_two = onboarded(two, workers=2)
    assert sum(len(i) for i in issued_one) >= 2
    assert (issued_two, files_two, rows_two) == (issued_one, files_one, rows_one)


def test_invoices_on_two_workers_keep_the_numbers_bytes_and_journal_order_of_one(tmp_path):
    from qualikit.admin.invoicing.issue import issue_invoices

    day = datetime(2026, 12, 20, 18, 0, tzinfo=PARIS)

    def invoiced(root, workers):
        journal = open_journal(root, Clock(day))
        run = issue_invoices(load_project(root).project, root, journal, day.date(), workers=workers)
        files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "sortie").rglob("*"))
                 if p.is_file()}
        rows = [(e.kind, e.key, e.data.get("number"), e.data.get("sha256"), e.data.get("code"))
                for e in journal.entries() if e.kind.startswith("invoice.")]
        return [inv.number for inv in run.invoices], run.written, files, rows

    one = shutil.copytree(DEMO, tmp_path / "one")
    project_secret(one)  # the verification codes derive from it: the same for both
    two = shutil.copytree(one, tmp_path / "two")
    numbers_one, written_one, files_one, rows_one = invoiced(one, workers=1)
    numbers_two, written_two, files_two, rows_two = invoiced(two, workers=2)
    assert len(numbers_one) >= 8  # a batch large enough to be pooled without `workers`
    assert numbers_one == [f"2026-{n:04d}" for n in range(1, len(numbers_one) + 1)]  # gapless, in order
    assert (numbers_two, written_two, rows_two) == (numbers_one, written_one, rows_one)
    assert len(files_one) == 2 * len(numbers_one)  # each PDF with its Factur-X XML
    assert files_two == files_one


def test_programme_sheets_on_two_workers_give_the_files_and_journal_order_of_one(tmp_path):
    from qualikit.commands.contracts import programme_sheets

    def published(root, workers):
        journal = open_journal(root, Clock(NOW))
        written = programme_sheets(load_project(root).project, root, journal, NOW.date(), workers=workers)
        files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "sortie").rglob("*"))
                 if p.is_file()}
        rows = [(e.kind, e.key, e.data.get("sha256"), e.data.get("code")) for e in journal.entries()
                if e.kind == "programme.sheet"]
        return written, files, rows

    one = shutil.copytree(DEMO, tmp_path / "one")
    project_secret(one)
    two = shutil.copytree(one, tmp_path / "two")
    written_one, files_one, rows_one = published(one, workers=1)
    written_two, files_two, rows_two = published(two, workers=2)
    assert len(written_one) >= 8 and any(name.endswith(".html") for name in written_one)  # PDF and HTML pages
    assert (written_two, files_two, rows_two) == (written_one, files_one, rows_one)
