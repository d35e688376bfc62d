"""End-of-training documents per second: a 12-learner session and 1,000 learners, signed and unsigned.

    python benchmarks/bench_close.py
    python benchmarks/bench_close.py --learners 200   # quicker
    python benchmarks/bench_close.py --learners 100 --workers 1   # one process, to compare
    python benchmarks/bench_close.py --compare        # 100 learners against a LibreOffice mail merge
    python benchmarks/bench_close.py --memory         # peak memory, 100 against 1,000 learners

Each learner gets an attestation, a certificat de réalisation (both PAdES-signed when a certificate
is configured) and the departure guide; the measure covers rendering, signing, writing, journaling
and the outbox e-mail — the whole `close-session`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's qualikit
from generate import generate

PASSPHRASE = "benchmark"


def run(learners: int, signed: bool, workers: int | None = None) -> tuple[float, int]:
    from qualikit.base.clock import PARIS, Clock
    from qualikit.commands.close import close_session
    from qualikit.delivery.send import OutboxTransport
    from qualikit.documents.signing import create_self_signed
    from qualikit.project.journal_check import open_journal
    from qualikit.project.load import load_project

    with tempfile.TemporaryDirectory() as tmp:
        per_session = 12 if learners <= 12 else 10
        root = generate(Path(tmp) / "p", sessions=max(1, learners // per_session), learners=learners)
        if signed:
            create_self_signed(root / "certificat.p12", name="Claire Clément", email="c@example.fr",
                               organisation="Atelier", passphrase=PASSPHRASE)
            os.environ["QUALIKIT_CERT_PASSPHRASE"] = PASSPHRASE
        project = load_project(root).project
        docs = 0
        start = time.perf_counter()
        for session in project.sessions:
            now = datetime.combine(session.end + timedelta(days=1), datetime.min.time(), PARIS)
            result = close_session(project, root, open_journal(root, Clock(now)),
                                   OutboxTransport(root / "outbox", lambda n=now: n), now, session.id, force=True,
                                   workers=workers)
            docs += sum(len(o.documents) for o in result.outcomes)
        return time.perf_counter() - start, docs


MERGE_FIELDS = ("NOM", "PRENOM", "FORMATION", "DATES", "HEURES")
TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"
 office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>
<text:h text:outline-level="1">Attestation de fin de formation</text:h>
<text:p>Atelier, organisme de formation, atteste que «PRENOM» «NOM» a suivi l'action de formation
«FORMATION», «DATES», pour une durée de «HEURES».</text:p>
<text:p>Objectif 1 : acquis</text:p><text:p>Objectif 2 : acquis</text:p><text:p>Objectif 3 : acquis</text:p>
<text:p>Objectif 4 : acquis</text:p><text:p>Objectif 5 : acquis</text:p>
<text:p>Fait à Lyon. Cachet et signature.</text:p>
</office:text></office:body></office:document>
"""


def libreoffice_merge(count: int) -> float | None:
    """Seconds for LibreOffice to make `count` one-page attestations from a template (the text
    replaced per learner, then one `soffice --headless --convert-to pdf` run for them all, as a
    mail merge does); None when soffice (with Writer) is not installed."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    from xml.sax.saxutils import escape

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        for n in range(count):
            values = dict(zip(MERGE_FIELDS, (f"Nom{n}", f"Prénom{n}", "Excel pour la gestion",
                                             "du 5 au 6 janvier 2026", "14 heures"), strict=True))
            text = TEMPLATE
            for name, value in values.items():
                text = text.replace(f"«{name}»", escape(value))
            (folder / f"attestation-{n:04d}.fodt").write_text(text, encoding="utf-8")
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to",
                        "pdf", "--outdir", str(folder / "pdf"), *sorted(str(p) for p in folder.glob("*.fodt"))],
                       check=False, capture_output=True)
        elapsed = time.perf_counter() - start
        if len(list((folder / "pdf").glob("*.pdf"))) != count:
            return None  # soffice without Writer (libreoffice-writer): no comparison
        return elapsed


def peak_memory(learners: int) -> float:
    """Peak resident memory (MiB) of a close of `learners` in a process of its own, workers included."""
    import resource
    import subprocess

    subprocess.run([sys.executable, __file__, "--learners", str(learners), "--once"], check=True,
                   capture_output=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    parser.add_argument("--compare", action="store_true", help="100 learners against a LibreOffice mail merge")
    parser.add_argument("--memory", action="store_true", help="peak memory for 100 and 1,000 learners")
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:
        run(args.learners, False, args.workers)
        return
    if args.memory:
        for learners in (100, 1000):  # RUSAGE_CHILDREN keeps the largest so far: the smaller run first
            print(f"{learners} apprenants : pic de mémoire {peak_memory(learners):.0f} Mio")
        return
    if args.compare:
        merge = libreoffice_merge(100)
        print("| qualikit close-session, 100 apprenants | signés | documents | temps | par document |"
              " LibreOffice (100 attestations) par document | rapport |")
        print("|---|---|---|---|---|---|---|")
        for signed in (False, True):
            seconds, docs = run(100, signed, args.workers)
            per = seconds / docs
            other = f"{merge / 100 * 1000:.0f} ms" if merge is not None else "soffice absent"
            ratio = f"{merge / 100 / per:.1f}×" if merge is not None else ""
            print(f"| | {'oui' if signed else 'non'} | {docs} | {seconds:.1f} s | {per * 1000:.0f} ms | {other} | "
                  f"{ratio} |")
        return
    print("| apprenants | signés | documents | temps | documents par seconde |")
    print("|---|---|---|---|---|")
    for learners in (12, args.learners):
        for signed in (False, True):
            seconds, docs = run(learners, signed, args.workers)
            print(f"| {learners} | {'oui' if signed else 'non'} | {docs} | {seconds:.1f} s | {docs / seconds:.0f} |")


if __name__ == "__main__":
    main()
