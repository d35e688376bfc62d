"""Start-up and load+check time, measured (never asserted in tests).

    python benchmarks/bench_load.py            # 300 sessions, 3,000 learners
    python benchmarks/bench_load.py --quick    # 30 sessions, 300 learners

Prints a Markdown table to paste into docs/performances.md.
"""

from __future__ import annotations

import argparse
import os
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
    """Cold: read and check the files every time (no cache)."""
    from qualikit.project.load import load_project

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        loaded = load_project(root, use_cache=False)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    load_project(root, use_cache=False)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert loaded.report.ok, [d.format() for d in loaded.report.errors[:5]]
    return statistics.median(times), peak / 2**20, len(loaded.project.learners)


def cached_time(root: Path, runs: int = 5) -> float:
    """From the JSON cache: content fingerprint of the files, then decoding (the daily case)."""
    from qualikit.project.load import load_project

    load_project(root)  # fills the cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        load_project(root)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pure_python_time(root: Path) -> float:
    """The YAML form read with PyYAML's pure Python parser (when libyaml is absent)."""
    import yaml

    import qualikit.project.load.yaml_source as source

    kept = source._Loader
    source._Loader = yaml.BaseLoader
    try:
        return load_time(root, runs=1)[0]
    finally:
        source._Loader = kept


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
        os.environ.setdefault("QUALIKIT_CACHE_DIR", str(Path(tmp) / "cache"))
        for label, root in (("YAML", yaml_dir), ("XLSX", xlsx_dir)):
            seconds, peak, n = load_time(root)
            rows.append((f"chargement + vérification, {sessions} sessions, {n} apprenants ({label})",
                         f"{seconds:.2f} s", f"{peak:.0f} Mio"))
        rows.append(("le même (YAML), analyseur YAML pur Python (sans libyaml)",
                     f"{pure_python_time(yaml_dir):.2f} s", ""))
        for label, root in (("YAML", yaml_dir), ("XLSX", xlsx_dir)):
            rows.append((f"le même ({label}) depuis le cache JSON", f"{cached_time(root) * 1000:.0f} ms", ""))
    print("| mesure | temps (médiane) | mémoire (pic Python) |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
