"""Onboarding cost per learner: welcome kit PDF, calendar invite, e-mail, and the whole run.

    python benchmarks/bench_onboard.py              # 1,000 learners
    python benchmarks/bench_onboard.py --learners 100

The whole run writes real files (kits, .eml in the outbox, the journal) in a temporary folder.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's qualikit
from generate import generate


def per_item(fn, items) -> float:
    times = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None, help="processes rendering the kits (default: per core)")
    args = parser.parse_args()

    from qualikit.base.clock import PARIS, Clock
    from qualikit.commands.onboard import _documents, _welcome_email, entry_links, onboard
    from qualikit.delivery.send import OutboxTransport
    from qualikit.documents.email import Attachment, template_env
    from qualikit.project.journal_check import open_journal
    from qualikit.project.load import load_project

    with tempfile.TemporaryDirectory() as tmp:
        sessions = max(1, args.learners // 10)
        root = generate(Path(tmp) / "p", sessions=sessions, learners=args.learners)
        project = load_project(root).project
        now = datetime(2026, 1, 1, 9, 0, tzinfo=PARIS)  # sessions are named explicitly below
        pairs = [(s, project.learner(e.learner_id)) for s in project.sessions for e in s.enrolments]
        env = template_env(root)
        secret = b"bench"
        org = project.organisation
        _documents(project, root, *pairs[0], {}, now, "example.fr", {})  # warm-up: fonts, images
        kit_ms = per_item(lambda p: _documents(project, root, p[0], p[1], entry_links(project, secret, *p), now,
                                               "example.fr", {}), pairs)
        ics = Attachment("formation.ics", b"ics", "text/calendar")
        email_ms = per_item(lambda p: _welcome_email(env, project, p[0], p[1], {}, b"%PDF", ics, now,
                                                     org.name, org.email, "example.fr"), pairs)
        # the whole run for every session: render, write, journal, outbox
        journal = open_journal(root, Clock(now))
        start = time.perf_counter()
        total = 0
        for session in project.sessions:
            result = onboard(project, root, journal, OutboxTransport(root / "outbox", lambda: now), now,
                             session_id=session.id, workers=args.workers)
            total += len(result.delivery.sent)
        whole = time.perf_counter() - start
    print("| learners | kit PDF + invite (median) | e-mail (median) | whole run per learner |")
    print("|---|---|---|---|")
    print(f"| {total} | {kit_ms:.1f} ms | {email_ms:.1f} ms | {whole / total * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
