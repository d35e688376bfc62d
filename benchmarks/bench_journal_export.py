"""`qualikit journal export` of a 30,000-entry journal on the year-sized project: the workbook alone
(rows already read) and the whole command.

    PYTHONPATH=. python benchmarks/bench_journal_export.py [--runs 3]

qualikit is taken from PYTHONPATH (another checkout measures another version at the same moment).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_remind import synthetic_journal
from generate import generate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--entries", type=int, default=30_000)
    args = parser.parse_args()

    import qualikit
    from qualikit.base.clock import Clock
    from qualikit.documents.journal_export import reminder_log, write_xlsx
    from qualikit.project.journal_check import open_journal
    from qualikit.project.load import load_project

    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "p")
        project = load_project(root).project
        synthetic_journal(root, project, args.entries)
        journal = open_journal(root, Clock())
        rows = reminder_log(project, journal.entries())
        book, whole = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            write_xlsx(rows, Path(tmp) / "export.xlsx", journal.head())
            book.append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "qualikit", "journal", "export", "-p", str(root)], check=True,
                           capture_output=True)
            whole.append(time.perf_counter() - start)
        size = (Path(tmp) / "export.xlsx").stat().st_size
    print(f"qualikit : {Path(qualikit.__file__).parent} ; charge moyenne "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"| {len(rows)} lignes | classeur seul | commande entière | taille |")
    print("|---|---|---|---|")
    print(f"| médiane de {args.runs} | {statistics.median(book):.2f} s | {statistics.median(whole):.2f} s "
          f"| {size / 1e6:.1f} Mo |")


if __name__ == "__main__":
    main()
