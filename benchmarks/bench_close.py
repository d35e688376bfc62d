"""End-of-training documents per second: a 12-learner session and 1,000 learners, signed and unsigned.

    python benchmarks/bench_close.py
    python benchmarks/bench_close.py --learners 200   # quicker

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=1000)
    args = parser.parse_args()
    print("| apprenants | signés | documents | temps | documents par seconde |")
    print("|---|---|---|---|---|")
    for learners in (12, args.learners):
        for signed in (False, True):
            seconds, docs = run(learners, signed)
            print(f"| {learners} | {'oui' if signed else 'non'} | {docs} | {seconds:.1f} s | {docs / seconds:.0f} |")


if __name__ == "__main__":
    main()
