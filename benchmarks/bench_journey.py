"""The dated journey of a year-sized project: 300 sessions, 3,000 learners, 30,000 journal rows.

    python benchmarks/bench_journey.py

Measures `journey.as_of` (every session and learner, as of a date) after loading, on several
dates of the year, and the parts it is made of; also the journal's read.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_remind import synthetic_journal
from generate import generate


def best(fn, runs: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    from qualikit.base.clock import Clock
    from qualikit.journey import as_of
    from qualikit.project.journal_check import open_journal
    from qualikit.project.load import load_project

    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "p")
        project = load_project(root, use_cache=False).project
        synthetic_journal(root, project, 30_000)
        journal = open_journal(root, Clock())
        entries = journal.entries()
        first = min(s.start for s in project.sessions)
        last = max(s.end for s in project.sessions)
        rows = [("lecture du journal (30 000 lignes)", *best(journal.entries))]
        for label, day in (("début d'année", first + timedelta(days=30)),
                           ("milieu d'année", first + (last - first) / 2),
                           ("fin d'année", last), ("un an après", last + timedelta(days=365))):
            rows.append((f"parcours au {day:%d/%m/%Y} ({label})", *best(lambda d=day: as_of(project, entries, d))))
    print("| mesure (300 sessions, 3 000 apprenants, 30 000 lignes de journal) | meilleur | médiane |")
    print("|---|---|---|")
    for label, low, mid in rows:
        print(f"| {label} | {low * 1000:.0f} ms | {mid * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
