"""`qualikit remind` on a year-sized project: 300 sessions, 3,000 learners, 30,000 journal entries.

    python benchmarks/bench_remind.py

Measures the whole command (a subprocess, as cron runs it) on a day with nothing due, and on a day
with a full day due (written to the outbox), then the same nothing-due run again.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate


def synthetic_journal(root: Path, project, n: int, before: date | None = None) -> None:
    """n entries as the journey would have written them (built with the journal's own format)."""
    from qualikit.base.clock import PARIS
    from qualikit.project.journal import GENESIS, _canonical, _digest

    prev, lines, seq = GENESIS, [], 0
    steps = ("convocation", "rappel-veille", "enquete-chaud", "relance-chaud", "recapitulatif", "alumni",
             "suivi-j30", "enquete-froid", "relance-froid", "enquete-froid-2")
    sessions = [s for s in project.sessions if before is None or s.start < before]
    while seq < n and sessions:
        for session in sessions:
            for enrolment in session.enrolments:
                for step in steps:
                    if seq >= n:
                        break
                    seq += 1
                    key = (f"onboard:email:{session.id}:{enrolment.learner_id}" if step == "convocation"
                           else f"remind:{step}:{session.id}:{enrolment.learner_id}")
                    obj = {"seq": seq, "ts": datetime(2026, 1, 1, 9, tzinfo=PARIS).isoformat(timespec="seconds"),
                           "kind": "onboard.email" if step == "convocation" else f"remind.{step}", "key": key,
                           "data": {"session": session.id, "learner": enrolment.learner_id, "to": "x@example.fr"},
                           "prev": prev}
                    obj["hash"] = prev = _digest(obj)
                    lines.append(_canonical(obj))
        steps = ("journal.note",)  # past the journey's keys: notes and documents fill up to n
    (root / "journal.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(root: Path, day: date) -> float:
    env = {**os.environ, "QUALIKIT_TODAY": day.isoformat()}
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "qualikit", "remind", "-p", str(root)], env=env,
                         capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        print(out.stdout[-2000:], out.stderr[-2000:])
    return elapsed


def main() -> None:
    from qualikit.project.load import load_project

    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "p")
        project = load_project(root, use_cache=False).project
        busy = max(s.start for s in project.sessions) - timedelta(days=1)  # D-1 of the last week's sessions
        synthetic_journal(root, project, 30_000, before=busy - timedelta(days=14))
        quiet = max(s.end for s in project.sessions) + timedelta(days=400)  # every step long past
        rows = [("une journée chargée, premier passage (cache du projet à construire)", timed(root, busy))]
        sent = len(list((root / "outbox").glob("*.eml")))
        rows.append(("rien à envoyer", timed(root, quiet)))
        rows.append(("rien à envoyer (second passage)", timed(root, quiet)))
    print("| `qualikit remind` (300 sessions, 3 000 apprenants, 30 000 entrées de journal) | temps |")
    print("|---|---|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.2f} s |")
    print(f"\n{sent} e-mails écrits dans outbox/ pendant la journée chargée.")


if __name__ == "__main__":
    main()
