"""Start-up and load+check time, measured (never asserted in tests).

    python benchmarks/bench_load.py            # 300 sessions, 3,000 learners
    python benchmarks/bench_load.py --quick    # 30 sessions, 300 learners

Prints a Markdown table to paste into docs/performances.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import DEMO, generate, to_workbook


def wall(cmd: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=False, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def load_time(root: Path, runs: int = 3) -> tuple[float, float, int]:
    from qualikit.project.load import load_project

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        loaded = load_project(root)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    load_project(root)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert loaded.report.ok, [d.format() for d in loaded.report.errors[:5]]
    return statistics.median(times), peak / 2**20, len(loaded.project.learners)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sessions, learners = (30, 300) if args.quick else (300, 3000)
    exe = [sys.executable, "-m", "qualikit"]
    rows = [
        ("`qualikit --help`", f"{wall([*exe, '--help']) * 1000:.0f} ms", ""),
        ("`qualikit check` (démo YAML)", f"{wall([*exe, 'check', str(DEMO)]) * 1000:.0f} ms", ""),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        yaml_dir = generate(Path(tmp) / "yaml", sessions, learners)
        xlsx_dir = to_workbook(yaml_dir, Path(tmp) / "xlsx")
        for label, root in (("YAML", yaml_dir), ("XLSX", xlsx_dir)):
            seconds, peak, n = load_time(root)
            rows.append((f"chargement + vérification, {sessions} sessions, {n} apprenants ({label})",
                         f"{seconds:.2f} s", f"{peak:.0f} Mio"))
    print("| mesure | temps (médiane) | mémoire (pic Python) |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
