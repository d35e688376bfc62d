"""`qualikit audit-pack` on a year-sized project (300 sessions, 3,000 learners, 30,000 journal entries).

    python benchmarks/bench_audit.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_remind import synthetic_journal
from generate import generate


def main() -> None:
    from qualikit.project.load import load_project

    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "p")
        project = load_project(root).project
        last = max(s.end for s in project.sessions)
        synthetic_journal(root, project, 30_000)
        audit = last + timedelta(days=7)
        env = {**os.environ, "QUALIKIT_TODAY": audit.isoformat()}
        times = []
        for _ in range(2):
            start = time.perf_counter()
            out = subprocess.run([sys.executable, "-m", "qualikit", "audit-pack", "-p", str(root), "--zip"],
                                 env=env, capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - start)
            if out.returncode != 0:
                print(out.stdout[-1500:], out.stderr[-1500:])
        files = sum(1 for _ in (root / "audit").rglob("*") if _.is_file())
    print("| `qualikit audit-pack --zip` (300 sessions, 3 000 apprenants, 30 000 entrées) | temps |")
    print("|---|---|")
    print(f"| premier passage | {times[0]:.1f} s |")
    print(f"| second passage (pack remplacé) | {times[1]:.1f} s |")
    print(f"\n{files} fichiers dans audit/ (pack et zip).")


if __name__ == "__main__":
    main()
